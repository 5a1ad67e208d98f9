package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.SesSmtpPassword;
import dev.sluice.core.ses.MessageTag;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.ConfigurationSetListing;
import dev.sluice.core.transport.Transport;
import dev.sluice.ses.smtp.SmtpTransport;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.smtp.client.PoolSettings;
import dev.sluice.smtp.client.SmtpCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * SES's configuration-set and tag headers reach the simulator, which reads them per interface as
 * SES does, on each transport: as parameters on v2 (and gone from the content), as headers on v1
 * and SMTP; and the default configuration set applies to messages that name none.
 */
class SesHeadersIT {
  // The credentials SimulatorHarness gives the API clients.
  private static final String KEY_ID = "AKIDTEST";
  private static final String SECRET = "secret";

  private SimulatorHarness h;

  @BeforeEach
  void start() {
    h =
        new SimulatorHarness(
            "max-send-rate=unlimited",
            "https-port=off",
            "configuration-sets=marketing, alerts",
            "strict-auth=" + KEY_ID + ":" + SECRET);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private Transport transport(String kind) {
    return switch (kind) {
      case "v2" -> SesV2Transport.create(h.api(false));
      case "v1" -> SesV1Transport.create(h.api(false));
      case "smtp" ->
          SmtpTransport.ses(
              "127.0.0.1",
              h.sim.smtpPort(),
              h.sim.certificate().clientContext(),
              new SmtpCredentials(KEY_ID, SesSmtpPassword.derive(SECRET, "us-east-1")),
              Duration.ofSeconds(10),
              PoolSettings.defaults().withMaxConnections(1));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private ReceivedMessage send(Transport t, String headers) {
    byte[] content =
        ("From: sender@example.com\r\nTo: b@example.com\r\n"
                + headers
                + "Subject: tagged\r\n\r\nHello.\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    CallResult a = t.send(new Envelope("sender@example.com", List.of("b@example.com")), content);
    assertThat(a).isInstanceOf(CallResult.Accepted.class);
    ReceivedMessage m = h.sim.core().inbox().find(((CallResult.Accepted) a).upstreamId());
    assertThat(m).isNotNull();
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"v2", "v1", "smtp"})
  void send_sesHeaders_reachTheSimulatorAsSetAndTags(String kind) {
    try (Transport t = transport(kind)) {
      ReceivedMessage m =
          send(
              t,
              "X-SES-CONFIGURATION-SET: marketing\r\nX-SES-MESSAGE-TAGS: campaign=spring,\r\n"
                  + " tier=gold\r\n");
      assertThat(m.configurationSet()).isEqualTo("marketing");
      assertThat(m.tags())
          .containsExactly(new MessageTag("campaign", "spring"), new MessageTag("tier", "gold"));
      String content = new String(m.content(), StandardCharsets.US_ASCII);
      if (kind.equals("v2")) {
        assertThat(content)
            .as("v2 sends them as parameters, not in the content")
            .doesNotContainIgnoringCase("X-SES-")
            .startsWith("From: sender@example.com\r\nTo: b@example.com\r\nSubject: tagged\r\n");
      } else {
        assertThat(content).contains("X-SES-CONFIGURATION-SET: marketing");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v2", "v1", "smtp"})
  void send_defaultSet_appliesOnlyToMessagesNamingNone(String kind) {
    try (Transport t = DefaultConfigurationSet.wrap(transport(kind), "alerts")) {
      assertThat(send(t, "").configurationSet()).isEqualTo("alerts");
      assertThat(send(t, "X-SES-CONFIGURATION-SET: marketing\r\n").configurationSet())
          .isEqualTo("marketing");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v2", "v1", "smtp"})
  void send_noHeadersNoDefault_sendsWithoutSet(String kind) {
    try (Transport t = transport(kind)) {
      ReceivedMessage m = send(t, "");
      assertThat(m.configurationSet()).isNull();
      assertThat(m.tags()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v2", "v1", "smtp"})
  void configurationSets_listsTheAccountsSetsOrSaysWhyNot(String kind) {
    try (Transport t = DefaultConfigurationSet.wrap(transport(kind), "alerts")) {
      ConfigurationSetListing l = t.configurationSets();
      if (kind.equals("smtp")) {
        assertThat(l)
            .isEqualTo(
                new ConfigurationSetListing.Unreadable(
                    "ses-smtp has no call that lists configuration sets"));
      } else {
        assertThat(l).isEqualTo(new ConfigurationSetListing.Listed(Set.of("marketing", "alerts")));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v2", "v1"})
  void configurationSets_callRefused_isUnreadableWithSesReason(String kind) {
    SesApiSettings wrong =
        SesApiSettings.of(
                "us-east-1",
                h.sim.httpEndpoint(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOTHER", "nope")))
            .withTrust(h.trust());
    try (Transport t =
        kind.equals("v2") ? SesV2Transport.create(wrong) : SesV1Transport.create(wrong)) {
      assertThat(t.configurationSets())
          .isInstanceOfSatisfying(
              ConfigurationSetListing.Unreadable.class,
              u -> assertThat(u.why()).startsWith("ListConfigurationSets failed: "));
    }
  }
}
