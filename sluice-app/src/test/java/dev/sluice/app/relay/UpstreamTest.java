package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ses.UpstreamUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamTest {
  @TempDir Path home;

  private RelayConfig config(String... settings) {
    return RelayConfig.onFreePorts(home.resolve("spool"), settings);
  }

  @Test
  void auto_withoutAwsConfiguration_runsTheEmbeddedSimulator() throws Exception {
    try (Upstream u = Upstream.resolve(config(), Map.of("AWS_REGION", "eu-west-1"), home)) {
      assertThat(u.embedded()).isTrue();
      assertThat(u.target().kind()).isEqualTo(UpstreamUrl.Kind.SES_V2);
      assertThat(u.target().realSes()).isFalse();
      assertThat(u.description())
          .contains("embedded SES simulator")
          .contains("no AWS configuration");
      // The embedded simulator answers: its account endpoint is up.
      var http = java.net.http.HttpClient.newHttpClient();
      var r =
          http.send(
              java.net.http.HttpRequest.newBuilder(u.target().endpoint().resolve("/health"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void auto_withRegionAndCredentials_isRealSes() {
    Map<String, String> env = Map.of("AWS_DEFAULT_REGION", "eu-central-1", "AWS_PROFILE", "mail");
    try (Upstream u = Upstream.resolve(config(), env, home)) {
      assertThat(u.embedded()).isFalse();
      assertThat(u.target().realSes()).isTrue();
      assertThat(u.target().region()).isEqualTo("eu-central-1");
      assertThat(u.description()).contains("Amazon SES").contains("eu-central-1");
    }
  }

  @Test
  void auto_credentialsFileCountsButARegionIsNeeded() throws Exception {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/credentials"), "[default]\n");
    assertThat(Upstream.awsCredentialsConfigured(Map.of(), home)).isTrue();
    try (Upstream u = Upstream.resolve(config(), Map.of(), home)) {
      assertThat(u.embedded()).isTrue(); // no region anywhere
    }
    try (Upstream u = Upstream.resolve(config("region=ap-south-1"), Map.of(), home)) {
      assertThat(u.target().realSes()).isTrue();
      assertThat(u.target().region()).isEqualTo("ap-south-1");
    }
  }

  @Test
  void url_isUsedAsGiven_andBadOnesNameTheProblem() {
    try (Upstream u = Upstream.resolve(config("upstream=smtp://127.0.0.1:2525"), Map.of(), home)) {
      assertThat(u.embedded()).isFalse();
      assertThat(u.target().kind()).isEqualTo(UpstreamUrl.Kind.SMTP);
    }
    assertThatThrownBy(() -> config("upstream=ftp://example.com"))
        .hasMessageContaining("relay.upstream");
  }

  @Test
  void simulator_rateAndPort_reachTheEmbeddedSimulatorAsGiven() {
    for (String rate : new String[] {"14/s", "500/s", "1/d", "90/m", "2.5"}) {
      try (Upstream u =
          Upstream.resolve(config("simulator.max-send-rate=" + rate), Map.of(), home)) {
        assertThat(u.simulator().orElseThrow().config().account().maxSendRate())
            .as(rate)
            .hasValue(dev.sluice.core.Rate.parse(rate).perSecond());
      }
    }
    try (Upstream u =
        Upstream.resolve(
            config("upstream=simulator", "simulator.max-send-rate=Unlimited"), Map.of(), home)) {
      assertThat(u.simulator().orElseThrow().config().account().maxSendRate()).isEmpty();
    }
  }
}
