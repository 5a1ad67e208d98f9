package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Messages with more recipients than the shaper's bucket holds, through a relay on its defaults
 * with the embedded simulator as upstream: at the 14/s a new account starts with (a bucket of 2.8
 * recipients) and at the sandbox's 1/s (a bucket of one). Both tests wait on the rate, not the CPU,
 * so they run side by side.
 */
@Execution(ExecutionMode.CONCURRENT)
class ManyRecipientsIT {
  private static final String DELIVERED = "{\"type\":\"delivered\"";
  @TempDir Path dir14;
  @TempDir Path dirSandbox;

  private static Relay start(Path dir, String rate) {
    return Relay.start(
        RelayConfig.onFreePorts(
            dir.resolve("spool"),
            "upstream=simulator",
            "simulator.max-send-rate=" + rate,
            "http.port=off",
            "events.log=" + dir.resolve("events.jsonl")),
        Map.of(),
        dir);
  }

  private static void send(Relay relay, int recipients, String subject) throws Exception {
    List<String> to = new ArrayList<>();
    for (int i = 0; i < recipients; i++) {
      to.add("r" + i + "-" + recipients + "@example.net");
    }
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      SendResult r =
          c.send(
              "app@example.com",
              to,
              ("From: app@example.com\r\nTo: list@example.net\r\nSubject: "
                      + subject
                      + "\r\n\r\nHello.\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(r).as(subject).isInstanceOf(SendResult.Accepted.class);
    }
  }

  private static List<ReceivedMessage> received(Simulator sim, String subject) {
    return sim.core().inbox().recent(1_000, m -> subject.equals(m.subject()));
  }

  /** Calls the simulator refused for the rate, from its own metrics. */
  private static double throttledCalls(Simulator sim) throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("simulator_sends_total") && line.contains("rate_exceeded")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static void await(BooleanSupplier done, Duration limit, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit + " waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void messagesOf17And50And100Recipients_atTheDefault14PerSecond_areAllDelivered()
      throws Exception {
    try (Relay relay = start(dir14, "14/s")) {
      Simulator sim = relay.embeddedSimulator().orElseThrow();
      for (int n : new int[] {17, 50, 100}) {
        send(relay, n, "to " + n);
      }
      // 167 recipients at 14/s: about 12 s.
      await(() -> relay.spool().stats().total() == 0, Duration.ofSeconds(90), "the spool to empty");
      assertThat(received(sim, "to 17")).extracting(m -> m.recipients().size()).containsExactly(17);
      assertThat(received(sim, "to 50")).extracting(m -> m.recipients().size()).containsExactly(50);
      assertThat(received(sim, "to 100"))
          .extracting(m -> m.recipients().size())
          .containsExactly(50, 50);
      assertThat(throttledCalls(sim)).as("calls the account refused for its rate").isZero();
    }
  }

  @Test
  void messageOf100Recipients_atTheSandboxRate_goesAsTwoCallsOf50WithAVisibleWaitBetween()
      throws Exception {
    try (Relay relay = start(dirSandbox, "1/s")) {
      Simulator sim = relay.embeddedSimulator().orElseThrow();
      assertThat(relay.sender().rateCeiling()).isEqualTo(1.0);
      send(relay, 100, "sandbox");
      await(() -> received(sim, "sandbox").size() == 1, Duration.ofSeconds(30), "the first call");
      // What the relay says meanwhile: the wait is on the status, not hidden.
      JsonNode delivery =
          new ObjectMapper()
              .readTree(
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(relay.adminUri().resolve("/api/stats")).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .path("delivery");
      assertThat(delivery.path("bookedAheadSeconds").asDouble()).isBetween(30.0, 50.0);
      // The first 50 go at once and leave 49 s of debt; the second call would wait longer than
      // the sender holds a message, so the message goes back to the spool, deferred with the
      // reason, and its last 50 recipients go out when the rate allows: about 50 s in all.
      await(() -> received(sim, "sandbox").size() == 2, Duration.ofSeconds(120), "two calls");
      await(() -> relay.spool().stats().total() == 0, Duration.ofSeconds(30), "the spool to empty");
      assertThat(received(sim, "sandbox"))
          .extracting(m -> m.recipients().size())
          .containsExactly(50, 50);
      assertThat(
              received(sim, "sandbox").stream()
                  .flatMap(m -> m.recipients().stream())
                  .distinct()
                  .count())
          .isEqualTo(100);
      assertThat(throttledCalls(sim)).as("calls the account refused for its rate").isZero();
      Path log = dirSandbox.resolve("events.jsonl");
      await(
          () -> {
            try {
              return Files.readString(log).contains(DELIVERED);
            } catch (java.io.IOException e) {
              return false;
            }
          },
          Duration.ofSeconds(10),
          "the delivery event");
      String events = Files.readString(log);
      assertThat(events).contains("waiting for the send rate");
      // A wait for the rate is not an attempt: delivered at the first.
      assertThat(events.lines().filter(l -> l.startsWith(DELIVERED)))
          .singleElement()
          .asString()
          .contains("\"attempts\":1");
    }
  }
}
