package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message just under SES's 40 MB, end to end: SMTP into the relay, the spool, the v2 transport,
 * the embedded simulator. Before the simulator read JSON strings of any length its request allows,
 * this message got {@code 400 Request body is not valid JSON} and failed as permanent.
 *
 * <p>Memory: the test keeps a digest of the message, not a second copy.
 */
class RelayLargeMessageIT {
  private static final int SIZE = 39 * 1024 * 1024;
  private static final Pattern EMBEDDED = Pattern.compile("embedded SES simulator at (\\S+) ");

  @TempDir Path dir;
  private Relay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void smtp_messageOf39Mb_isDeliveredToTheEmbeddedSimulatorOverV2() throws Exception {
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "upstream=simulator",
                "simulator.max-send-rate=unlimited",
                "http.port=off"),
            Map.of(),
            dir);
    Matcher m = EMBEDDED.matcher(relay.deliveryDescription());
    assertThat(m.find()).as(relay.deliveryDescription()).isTrue();
    URI simulator = URI.create(m.group(1));

    byte[] digest;
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .readTimeout(Duration.ofSeconds(120))
                .build())) {
      byte[] message = message();
      digest = MessageDigest.getInstance("SHA-256").digest(message);
      SendResult r = c.send("app@example.com", List.of("success@simulator.amazonses.com"), message);
      assertThat(r).isInstanceOf(SendResult.Accepted.class);
    }

    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (relay.spool().stats().total() > 0) {
      assertThat(relay.spool().stats().count(SpoolState.FAILED))
          .as("failed in the spool: the simulator refused the message")
          .isZero();
      assertThat(System.nanoTime()).as("delivery within 120 s").isLessThan(deadline);
      Thread.sleep(50);
    }

    HttpClient http = HttpClient.newHttpClient();
    JsonNode list =
        new ObjectMapper()
            .readTree(
                http.send(
                        HttpRequest.newBuilder(simulator.resolve("/_sluice/messages?limit=1"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
    JsonNode received = list.path("messages").path(0);
    assertThat(received.path("subject").asText()).isEqualTo("large");
    assertThat(received.path("via").asText()).isEqualTo("v2");
    byte[] raw =
        http.send(
                HttpRequest.newBuilder(
                        simulator.resolve(
                            "/_sluice/messages/" + received.path("messageId").asText() + "/raw"))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body();
    // The relay adds its Received: field on top; the rest is the message as sent, octet for octet.
    assertThat(raw.length).isGreaterThan(SIZE);
    assertThat(received.path("size").asLong()).isEqualTo(raw.length);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(raw, raw.length - SIZE, SIZE);
    assertThat(sha.digest()).isEqualTo(digest);
    assertThat(new String(raw, 0, 10, StandardCharsets.US_ASCII)).isEqualTo("Received: ");
  }

  /** A valid message of exactly {@link #SIZE} octets: a header, then 998-octet lines. */
  private static byte[] message() {
    byte[] head =
        "From: app@example.com\r\nTo: success@simulator.amazonses.com\r\nSubject: large\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] m = new byte[SIZE];
    System.arraycopy(head, 0, m, 0, head.length);
    for (int i = head.length; i < SIZE; i++) {
      m[i] = (byte) ('a' + i % 26);
    }
    for (int i = SIZE - 2; i > head.length; i -= 1000) {
      m[i] = '\r';
      m[i + 1] = '\n';
    }
    return m;
  }
}
