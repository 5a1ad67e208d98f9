package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.Submission;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BounceTest {
  private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

  private static SpoolEntry entry(String from) {
    return new SpoolEntry(
        new QueueId("0KQ8ABC"),
        new Envelope(from, List.of("a@example.org", "b@example.org")),
        100,
        T.minusSeconds(3600),
        "smtp 127.0.0.1",
        SpoolState.ACTIVE,
        T,
        3,
        "");
  }

  @Test
  void report_isAMultipartReportFromTheNullSenderToTheSender() {
    byte[] original =
        "From: app@example.com\r\nSubject: Order 42\r\n\r\nsecret body\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    Submission s =
        Bounce.of(
                entry("app@example.com"),
                original,
                "MessageRejected: 554 5.7.1 Email address is not verified.\nmore",
                "relay.test",
                T)
            .orElseThrow();
    assertThat(s.envelope().from()).isEmpty();
    assertThat(s.envelope().recipients()).containsExactly("app@example.com");
    assertThat(s.origin()).isEqualTo("bounce of 0KQ8ABC");
    String text = new String(s.content(), StandardCharsets.US_ASCII);
    assertThat(text)
        .contains("To: <app@example.com>\r\n")
        .contains("Content-Type: multipart/report; report-type=delivery-status;")
        .contains("Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.test\r\n")
        .contains("Final-Recipient: rfc822; a@example.org\r\nAction: failed\r\nStatus: 5.7.1\r\n")
        .contains("Final-Recipient: rfc822; b@example.org")
        .contains(
            "Content-Type: text/rfc822-headers\r\n\r\nFrom: app@example.com\r\nSubject: Order 42\r\n")
        .doesNotContain("secret body")
        .doesNotContain("\nmore\r\n");
    String boundary = text.replaceAll("(?s).*boundary=\"([^\"]+)\".*", "$1");
    assertThat(text).contains("--" + boundary + "--\r\n");
    assertThat(text.split("\r\n", -1)).allMatch(line -> line.length() <= 998);
    assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
  }

  @Test
  void bounces_areNeverBounced() {
    assertThat(Bounce.of(entry(""), new byte[0], "x", "relay.test", T)).isEmpty();
  }

  @Test
  void status_takesAPermanentEnhancedCodeOrFallsBack() {
    assertThat(Bounce.status("550 5.1.1 no such user")).isEqualTo("5.1.1");
    assertThat(Bounce.status("451 4.3.0 try later")).isEqualTo("5.0.0");
    assertThat(Bounce.status("expired after 1d")).isEqualTo("5.0.0");
  }
}
