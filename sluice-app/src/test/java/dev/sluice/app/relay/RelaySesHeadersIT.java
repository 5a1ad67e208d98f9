package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ses.MessageTag;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SES's configuration-set and tag headers, sent through the relay, reach a real simulator with the
 * set and the tags on the v2 and the v1 transport; the default set applies to messages naming none.
 */
class RelaySesHeadersIT {
  @TempDir Path dir;
  private Simulator sim;
  private Relay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private void start(String api, String... relaySettings) {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "https-port=off",
                "smtp-port=off",
                "max-send-rate=unlimited",
                "configuration-sets=marketing, alerts"));
    String upstream = "upstream=" + api + "+http://127.0.0.1:" + sim.httpEndpoint().getPort();
    String[] settings = new String[relaySettings.length + 1];
    settings[0] = upstream;
    System.arraycopy(relaySettings, 0, settings, 1, relaySettings.length);
    relay = Relay.start(RelayConfig.onFreePorts(dir.resolve("spool"), settings), Map.of(), dir);
  }

  private SendResult smtp(String subject, String headers) throws Exception {
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      return c.send(
          "app@example.com",
          List.of("success@simulator.amazonses.com"),
          ("From: app@example.com\r\nTo: success@simulator.amazonses.com\r\n"
                  + headers
                  + "Subject: "
                  + subject
                  + "\r\n\r\nHello.\r\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
  }

  private ReceivedMessage send(String subject, String headers) throws Exception {
    assertThat(smtp(subject, headers)).as(subject).isInstanceOf(SendResult.Accepted.class);
    return received(subject);
  }

  private ReceivedMessage received(String subject) throws Exception {
    await(
        () -> !sim.core().inbox().recent(100, m -> subject.equals(m.subject())).isEmpty(),
        subject + " to reach the simulator");
    return sim.core().inbox().recent(100, m -> subject.equals(m.subject())).getFirst();
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ses-v2", "ses-v1"})
  void relay_sesHeaders_reachTheSimulatorAsSetAndTags(String api) throws Exception {
    start(api, "configuration-set=alerts");
    ReceivedMessage named =
        send(
            "named",
            "X-SES-CONFIGURATION-SET: marketing\r\nX-SES-MESSAGE-TAGS: campaign=spring, tier=gold\r\n");
    assertThat(named.configurationSet()).isEqualTo("marketing");
    assertThat(named.tags())
        .containsExactly(new MessageTag("campaign", "spring"), new MessageTag("tier", "gold"));
    String content = new String(named.content(), StandardCharsets.US_ASCII);
    if (api.equals("ses-v2")) {
      assertThat(content).as("v2 carries them as parameters").doesNotContainIgnoringCase("X-SES-");
    } else {
      assertThat(content).contains("X-SES-MESSAGE-TAGS: campaign=spring, tier=gold");
    }
    ReceivedMessage unnamed = send("unnamed", "");
    assertThat(unnamed.configurationSet()).as("the default set").isEqualTo("alerts");
    assertThat(unnamed.tags()).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void relay_httpJsonFields_reachTheSimulatorAsSetAndTags() throws Exception {
    start("ses-v2");
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + relay.httpPort() + "/v1/messages"))
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"from\":\"app@example.com\",\"to\":\"success@simulator.amazonses.com\","
                                + "\"subject\":\"json\",\"text\":\"hi\","
                                + "\"configurationSet\":\"marketing\","
                                + "\"tags\":{\"campaign\":\"spring\"}}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    ReceivedMessage m = received("json");
    assertThat(m.configurationSet()).isEqualTo("marketing");
    assertThat(m.tags()).containsExactly(new MessageTag("campaign", "spring"));
    assertThat(new String(m.content(), StandardCharsets.US_ASCII))
        .doesNotContainIgnoringCase("X-SES-");
  }

  @org.junit.jupiter.api.Test
  void relay_identityHeader_isRefusedAtTheDoorUnlessAllowed() throws Exception {
    start("ses-v2");
    String arn = "X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n";
    SendResult refused = smtp("arn", arn);
    assertThat(refused).isInstanceOf(SendResult.Refused.class);
    assertThat(((SendResult.Refused) refused).reply().code()).isEqualTo(550);
    assertThat(((SendResult.Refused) refused).reply().text())
        .contains("X-SES-FROM-ARN")
        .contains("--allow-identity-headers");
    assertThat(relay.spool().stats().total()).isZero();
    relay.close();
    sim.close();
    start("ses-v2", "allow-identity-headers=true");
    assertThat(smtp("arn allowed", arn)).isInstanceOf(SendResult.Accepted.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ses-v2", "ses-v1"})
  void relay_unknownSet_isRefusedAtBothDoorsUntilTheAccountHasIt(String api) throws Exception {
    start(api);
    String words = "Configuration set fresh does not exist.";
    SendResult smtp = smtp("fresh", "X-SES-CONFIGURATION-SET: fresh\r\n");
    assertThat(smtp).isInstanceOf(SendResult.Refused.class);
    assertThat(((SendResult.Refused) smtp).reply().toString()).contains("550 5.6.0 " + words);
    java.net.http.HttpResponse<String> http =
        rawHttp("fresh", "X-SES-CONFIGURATION-SET: fresh\r\n");
    assertThat(http.statusCode()).isEqualTo(400);
    assertThat(http.body()).contains("\"invalid_message\"").contains(words);
    assertThat(relay.spool().stats().total()).isZero();
    sim.core()
        .configurationSets()
        .create(
            dev.sluice.simulator.account.ConfigurationSet.empty(
                "fresh", System.currentTimeMillis()));
    // A miss reads the account's sets again, at most every 10 seconds: retried, it gets through.
    await(
        () -> {
          try {
            return smtp("fresh", "X-SES-CONFIGURATION-SET: fresh\r\n")
                instanceof SendResult.Accepted;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        "the new set to be taken");
    assertThat(received("fresh").configurationSet()).isEqualTo("fresh");
  }

  @org.junit.jupiter.api.Test
  void relay_embeddedSimulatorTakingAnyName_doesNotCheckSetsAndGetsSetAndTagsOnV2()
      throws Exception {
    relay =
        Relay.start(
            RelayConfig.onFreePorts(dir.resolve("spool"), "upstream=simulator"), Map.of(), dir);
    sim = null;
    assertThat(
            smtp(
                "any",
                "X-SES-CONFIGURATION-SET: whatever\r\nX-SES-MESSAGE-TAGS: campaign=spring\r\n"))
        .isInstanceOf(SendResult.Accepted.class);
    Simulator embedded = relay.embeddedSimulator().orElseThrow();
    await(
        () -> !embedded.core().inbox().recent(10, m -> "any".equals(m.subject())).isEmpty(),
        "the message to reach the embedded simulator");
    assertThat(
            embedded
                .core()
                .inbox()
                .recent(10, m -> "any".equals(m.subject()))
                .getFirst()
                .configurationSet())
        .isEqualTo("whatever");
    assertThat(embedded.core().inbox().recent(10, m -> "any".equals(m.subject())).getFirst().tags())
        .containsExactly(new MessageTag("campaign", "spring"));
  }

  private java.net.http.HttpResponse<String> rawHttp(String subject, String headers)
      throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://127.0.0.1:"
                            + relay.httpPort()
                            + "/v1/messages?from=app%40example.com&to=success%40simulator.amazonses.com"))
                .header("Content-Type", "message/rfc822")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "From: app@example.com\r\n"
                            + headers
                            + "Subject: "
                            + subject
                            + "\r\n\r\nHi.\r\n"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }
}
