package dev.sluice.bench;

import dev.sluice.core.Envelope;
import dev.sluice.core.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the benchmark's messages: a plain-text RFC 5322 message padded to the requested size, and
 * recipients cycled from a list, each given a {@code +label} when it is a mailbox-simulator address
 * so every message is told apart.
 *
 * <p>Thread-safe: the body is built once and shared read-only.
 */
final class MessageFactory {
  static final String FROM = "bench@sluice.invalid";
  private final List<String> recipients;
  private final int perMessage;
  private final byte[] body;

  MessageFactory(List<String> recipients, int perMessage, int size) {
    this.recipients = List.copyOf(recipients);
    this.perMessage = perMessage;
    StringBuilder b = new StringBuilder();
    String line = "The quick brown fox jumps over the lazy dog; Sluice bench padding line.\r\n";
    while (b.length() + line.length() <= Math.max(0, size - 300)) {
      b.append(line);
    }
    b.append("end\r\n");
    this.body = b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  OutboundMessage message(long n) {
    List<String> to = new ArrayList<>(perMessage);
    for (int i = 0; i < perMessage; i++) {
      String r = recipients.get((int) ((n * perMessage + i) % recipients.size()));
      to.add(label(r, n));
    }
    String head =
        "From: Sluice bench <"
            + FROM
            + ">\r\nTo: "
            + String.join(", ", to)
            + "\r\nSubject: sluice bench "
            + n
            + "\r\nMessage-ID: <bench-"
            + n
            + "@sluice.invalid>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=US-ASCII\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return new OutboundMessage("bench-" + n, new Envelope(FROM, to), all);
  }

  static String label(String address, long n) {
    int at = address.lastIndexOf('@');
    if (at < 0
        || !address.substring(at).equalsIgnoreCase("@simulator.amazonses.com")
        || address.contains("+")) {
      return address;
    }
    return address.substring(0, at) + "+bench" + n + address.substring(at);
  }
}
