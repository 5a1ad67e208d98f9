package dev.sluice.app.relay;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.Submission;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A delivery status notification (RFC 3464) telling the envelope sender that a message failed: a
 * {@code multipart/report} with a human-readable part, a {@code message/delivery-status} part per
 * RFC 3464 §2, and the failed message's header section ({@code text/rfc822-headers}, RFC 6522).
 * Sent from the null sender {@code <>} so it can never cause another bounce (RFC 5321 §4.5.5).
 */
final class Bounce {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private Bounce() {}

  /**
   * The report for a failed message, ready to spool, or empty when it has no sender to tell (a null
   * reverse path: it was a bounce itself).
   *
   * @param failed the message's spool entry
   * @param content the failed message
   * @param reason why it failed
   * @param hostname the relay's name (Reporting-MTA, Message-ID)
   * @param now when it failed
   */
  static Optional<Submission> of(
      SpoolEntry failed, byte[] content, String reason, String hostname, Instant now) {
    String sender = failed.envelope().from();
    if (sender.isEmpty()) {
      return Optional.empty();
    }
    String boundary = "=_sluice_" + HexFormat.of().formatHex(randomBytes(12));
    String date = DATE.format(now);
    String oneLine = reason.replaceAll("[\\r\\n\\t]+", " ").strip();
    StringBuilder b = new StringBuilder(2048);
    b.append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n");
    b.append("To: <").append(sender).append(">\r\n");
    b.append("Subject: Undelivered Mail Returned to Sender\r\n");
    b.append("Date: ").append(date).append("\r\n");
    b.append("Message-ID: <")
        .append(HexFormat.of().formatHex(randomBytes(16)))
        .append('@')
        .append(hostname)
        .append(">\r\n");
    b.append("Auto-Submitted: auto-replied\r\n");
    b.append("MIME-Version: 1.0\r\n");
    b.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"")
        .append(boundary)
        .append("\"\r\n\r\n");
    b.append("This is a MIME-encapsulated delivery status notification.\r\n\r\n");
    b.append("--").append(boundary).append("\r\n");
    b.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
    b.append("This is the mail relay at ").append(hostname).append(".\r\n\r\n");
    b.append("Your message (queue id ")
        .append(failed.id())
        .append(", received ")
        .append(DATE.format(failed.received()))
        .append(")\r\ncould not be delivered to:\r\n\r\n");
    for (String r : failed.envelope().recipients()) {
      b.append("  <").append(r).append(">\r\n");
    }
    b.append("\r\nReason: ").append(wrap(ascii(oneLine))).append("\r\n\r\n");
    b.append("--").append(boundary).append("\r\n");
    b.append("Content-Type: message/delivery-status\r\n\r\n");
    b.append("Reporting-MTA: dns; ").append(hostname).append("\r\n");
    b.append("X-Sluice-Queue-ID: ").append(failed.id()).append("\r\n");
    b.append("Arrival-Date: ").append(DATE.format(failed.received())).append("\r\n");
    for (String r : failed.envelope().recipients()) {
      b.append("\r\n");
      b.append("Final-Recipient: rfc822; ").append(r).append("\r\n");
      b.append("Action: failed\r\n");
      b.append("Status: ").append(status(oneLine)).append("\r\n");
      b.append("Diagnostic-Code: smtp; ").append(wrap(ascii(oneLine))).append("\r\n");
      b.append("Last-Attempt-Date: ").append(date).append("\r\n");
    }
    b.append("\r\n--").append(boundary).append("\r\n");
    b.append("Content-Type: text/rfc822-headers\r\n\r\n");
    b.append(headers(content));
    b.append("\r\n--").append(boundary).append("--\r\n");
    return Optional.of(
        new Submission(
            new Envelope("", List.of(sender)),
            b.toString().getBytes(StandardCharsets.US_ASCII),
            now,
            "bounce of " + failed.id()));
  }

  /** An enhanced status code for the reason: the one it names, or 5.0.0. */
  static String status(String reason) {
    var m = java.util.regex.Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b").matcher(reason);
    if (m.find() && m.group(1).startsWith("5")) {
      return m.group(1);
    }
    return "5.0.0";
  }

  /** The failed message's header section, bounded, with CRLF line ends. */
  private static String headers(byte[] content) {
    int end = Math.min(content.length, MAX_HEADER_BYTES);
    for (int i = 0; i + 3 < content.length && i < MAX_HEADER_BYTES; i++) {
      if (content[i] == '\r'
          && content[i + 1] == '\n'
          && content[i + 2] == '\r'
          && content[i + 3] == '\n') {
        end = i + 2;
        break;
      }
    }
    String h = new String(content, 0, end, StandardCharsets.ISO_8859_1);
    return ascii(h.replace("\r\n", "\n")).replace("\n", "\r\n");
  }

  private static String ascii(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c == '\n' || c == '\t' || (c >= ' ' && c < 0x7f) ? c : '?');
    }
    return b.toString();
  }

  /** Folds a long line (the Diagnostic-Code may be long) so no line passes 998 octets. */
  private static String wrap(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    int col = 0;
    for (String word : s.split(" ")) {
      if (col > 0 && col + word.length() > 76) {
        b.append("\r\n ");
        col = 1;
      } else if (col > 0) {
        b.append(' ');
        col++;
      }
      b.append(word.length() > 900 ? word.substring(0, 900) : word);
      col += Math.min(word.length(), 900);
    }
    return b.toString();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
