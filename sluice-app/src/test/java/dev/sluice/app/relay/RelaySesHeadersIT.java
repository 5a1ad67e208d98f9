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
    String[] settings = new String[relaySettings.length + 2];
    settings[0] = upstream;
    settings[1] = "http.port=off";
    System.arraycopy(relaySettings, 0, settings, 2, relaySettings.length);
    relay = Relay.start(RelayConfig.onFreePorts(dir.resolve("spool"), settings), Map.of(), dir);
  }

  private ReceivedMessage send(String subject, String headers) throws Exception {
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      SendResult r =
          c.send(
              "app@example.com",
              List.of("success@simulator.amazonses.com"),
              ("From: app@example.com\r\nTo: success@simulator.amazonses.com\r\n"
                      + headers
                      + "Subject: "
                      + subject
                      + "\r\n\r\nHello.\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(r).as(subject).isInstanceOf(SendResult.Accepted.class);
    }
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
}
