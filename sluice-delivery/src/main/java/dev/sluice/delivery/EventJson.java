package dev.sluice.delivery;

import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link DeliveryEvent} as one line of JSON, with every field present (null when absent)
 * so that the schema is the same for every line:
 *
 * <pre>{@code
 * {"type":"delivered","queueId":"...","time":"2026-11-28T00:00:00.123Z","from":"app@example.com",
 *  "recipients":["a@example.net"],"attempts":1,"upstreamIds":["0100018d..."],"reason":"",
 *  "nextDue":null,"delivered":[]}
 * }</pre>
 *
 * <p>Hand-written rather than a JSON library: ten fields, strings and lists of strings, and this
 * module depends on the core SPIs only. Stateless.
 */
final class EventJson {
  private EventJson() {}

  /** The event as JSON, without a line end. */
  static String write(DeliveryEvent e) {
    StringBuilder b = new StringBuilder(256);
    write(e, b);
    return b.toString();
  }

  /** Appends the event as JSON, without a line end. */
  static void write(DeliveryEvent e, StringBuilder b) {
    b.append("{\"type\":");
    string(e.type().name().toLowerCase(Locale.ROOT), b);
    b.append(",\"queueId\":");
    string(e.queueId().value(), b);
    b.append(",\"time\":");
    string(e.time().toString(), b);
    b.append(",\"from\":");
    string(e.from(), b);
    b.append(",\"recipients\":");
    strings(e.recipients(), b);
    b.append(",\"attempts\":").append(e.attempts());
    b.append(",\"upstreamIds\":");
    strings(e.upstreamIds(), b);
    b.append(",\"reason\":");
    string(e.reason(), b);
    b.append(",\"nextDue\":");
    if (e.nextDue() == null) {
      b.append("null");
    } else {
      string(e.nextDue().toString(), b);
    }
    b.append(",\"delivered\":");
    strings(e.delivered(), b);
    b.append('}');
  }

  private static void strings(List<String> list, StringBuilder b) {
    b.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      string(list.get(i), b);
    }
    b.append(']');
  }

  /** A JSON string (RFC 8259 section 7): quotes, backslashes and control characters escaped. */
  static void string(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          // Control characters, and the line separators JavaScript readers choke on.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
