package dev.sluice.core.ses;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header fields of a raw message (RFC 5322 §2.2), read without copying the message, and the
 * message with some fields taken out: how the relay finds SES's control headers ({@code
 * X-SES-CONFIGURATION-SET}, {@code X-SES-MESSAGE-TAGS}, the identity ARNs) and removes the ones
 * that become API parameters.
 *
 * <p>The section ends at the first empty line, or at the end of the message. Lines end in LF with
 * or without a CR; a line that starts with a space or a tab continues the field before it, and a
 * field's value is unfolded (the line breaks before the continuation lines are dropped, RFC 5322
 * §2.2.3) and stripped. A header line that is not a field (no colon) is skipped: the doors refuse
 * such messages before they are stored, so a stored message has none.
 *
 * <p>Thread-safe (no state).
 */
public final class HeaderSection {
  private HeaderSection() {}

  /**
   * A header field.
   *
   * @param name the name as written
   * @param value the value, unfolded and stripped, octets read as ISO-8859-1
   * @param start the offset of the field's first octet
   * @param end the offset after the line ending of its last line
   */
  public record Field(String name, String value, int start, int end) {
    /** Whether the field has this name, ignoring case (RFC 5322 §1.2.2). */
    public boolean is(String other) {
      return name.equalsIgnoreCase(other);
    }
  }

  /** The fields of the message's header section, in order. */
  public static List<Field> fields(byte[] message) {
    List<Field> out = new ArrayList<>();
    int n = message.length;
    int pos = 0;
    String name = null;
    int fieldStart = 0;
    int valueStart = 0;
    StringBuilder value = new StringBuilder();
    while (pos < n) {
      int lf = pos;
      while (lf < n && message[lf] != '\n') {
        lf++;
      }
      int next = lf < n ? lf + 1 : n;
      int end = lf > pos && message[lf - 1] == '\r' ? lf - 1 : lf;
      if (end == pos) {
        break; // the empty line ends the section
      }
      byte first = message[pos];
      if (first == ' ' || first == '\t') {
        if (name != null) {
          value.append(new String(message, pos, end - pos, StandardCharsets.ISO_8859_1));
        }
      } else {
        if (name != null) {
          out.add(new Field(name, value.toString().strip(), fieldStart, pos));
        }
        name = null;
        int colon = pos;
        while (colon < end && message[colon] != ':') {
          colon++;
        }
        if (colon < end) {
          name = new String(message, pos, colon - pos, StandardCharsets.ISO_8859_1);
          fieldStart = pos;
          valueStart = colon + 1;
          value.setLength(0);
          value.append(
              new String(message, valueStart, end - valueStart, StandardCharsets.ISO_8859_1));
        }
      }
      pos = next;
    }
    if (name != null) {
      out.add(new Field(name, value.toString().strip(), fieldStart, pos));
    }
    return out;
  }

  /** The fields with this name, ignoring case, in order. */
  public static List<Field> named(List<Field> fields, String name) {
    List<Field> out = new ArrayList<>(1);
    for (Field f : fields) {
      if (f.is(name)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * The message without the fields of the given names (compared ignoring case); the message itself
   * when it has none of them.
   */
  public static byte[] without(byte[] message, List<Field> fields, Set<String> names) {
    Set<String> lower = new HashSet<>();
    for (String s : names) {
      lower.add(s.toLowerCase(Locale.ROOT));
    }
    List<Field> drop = new ArrayList<>();
    int removed = 0;
    for (Field f : fields) {
      if (lower.contains(f.name().toLowerCase(Locale.ROOT))) {
        drop.add(f);
        removed += f.end() - f.start();
      }
    }
    if (drop.isEmpty()) {
      return message;
    }
    byte[] out = new byte[message.length - removed];
    int from = 0;
    int o = 0;
    for (Field f : drop) {
      System.arraycopy(message, from, out, o, f.start() - from);
      o += f.start() - from;
      from = f.end();
    }
    System.arraycopy(message, from, out, o, message.length - from);
    return out;
  }

  /** The message with a field put in front of it, its line ended by CRLF. */
  public static byte[] prepend(String name, String value, byte[] message) {
    byte[] line = (name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[line.length + message.length];
    System.arraycopy(line, 0, out, 0, line.length);
    System.arraycopy(message, 0, out, line.length, message.length);
    return out;
  }
}
