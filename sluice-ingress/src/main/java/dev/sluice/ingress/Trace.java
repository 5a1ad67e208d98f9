package dev.sluice.ingress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What every front door records about where a message came from: the {@code Received:} trace field
 * put at the top of the stored message (RFC 5321 §4.4) and the origin line operators see in the
 * spool. One place, so SMTP and HTTP submissions read alike.
 *
 * <p>Stateless; thread-safe.
 */
public final class Trace {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Trace() {}

  /**
   * A {@code Received:} field, folded and ending in CRLF.
   *
   * @param clientName what the client called itself (an SMTP HELO name), or {@code null}
   * @param client the client's IP address
   * @param by the name this relay gives itself
   * @param with the protocol, e.g. {@code ESMTPSA} or {@code HTTPS}
   * @param recipients the envelope recipients; named in a {@code for} clause only when there is
   *     exactly one, so one copy never lists the others
   * @param at when the message was received
   */
  public static String received(
      String clientName,
      InetAddress client,
      String by,
      String with,
      List<String> recipients,
      Instant at) {
    String from = clientName == null ? "unknown" : printable(clientName);
    StringBuilder b = new StringBuilder(160);
    b.append("Received: from ").append(from);
    b.append(" ([").append(client.getHostAddress()).append("])\r\n");
    b.append("\tby ").append(by).append(" (Sluice) with ").append(with);
    if (recipients.size() == 1) {
      b.append("\r\n\tfor <").append(recipients.get(0)).append('>');
    }
    b.append("; ").append(DATE.format(at)).append("\r\n");
    return b.toString();
  }

  /**
   * The address literal for a client (RFC 5321 §4.1.3): {@code [192.0.2.1]} or {@code
   * [IPv6:2001:db8::1]}.
   */
  public static String addressLiteral(InetAddress client) {
    String ip = client.getHostAddress();
    int scope = ip.indexOf('%');
    if (scope >= 0) {
      ip = ip.substring(0, scope);
    }
    return client instanceof Inet6Address ? "[IPv6:" + ip + "]" : "[" + ip + "]";
  }

  /**
   * The origin of a submission for operators, e.g. {@code smtp 127.0.0.1 user=app tls}.
   *
   * @param protocol the door, e.g. {@code smtp} or {@code http}
   */
  public static String origin(
      String protocol, InetAddress client, Optional<String> user, boolean tls) {
    StringBuilder b = new StringBuilder(protocol).append(' ').append(client.getHostAddress());
    user.ifPresent(u -> b.append(" user=").append(printable(u)));
    if (tls) {
      b.append(" tls");
    }
    return b.toString();
  }

  /** The message with a trace field put in front of it. */
  public static byte[] prepend(String field, byte[] message) {
    byte[] trace = field.getBytes(StandardCharsets.US_ASCII);
    byte[] content = new byte[trace.length + message.length];
    System.arraycopy(trace, 0, content, 0, trace.length);
    System.arraycopy(message, 0, content, trace.length, message.length);
    return content;
  }

  /**
   * Client-chosen text cut to 64 printable ASCII characters, others replaced by {@code ?}, so it
   * cannot break a header field, a comment or a log line.
   */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
    for (int i = 0; i < s.length() && b.length() < 64; i++) {
      char c = s.charAt(i);
      b.append(c > ' ' && c < 0x7f && c != '(' && c != ')' ? c : '?');
    }
    return b.toString();
  }
}
