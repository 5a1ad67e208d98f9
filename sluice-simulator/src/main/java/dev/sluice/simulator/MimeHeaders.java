package dev.sluice.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The few header fields of a raw RFC 5322 message that SES reads itself: From (when no source is
 * given), To/Cc/Bcc (when no destinations are given) and Subject (for inspection). Only the header
 * section is scanned, folded lines are unfolded (RFC 5322 §2.2.3), and address lists are split on
 * commas outside quotes and angle brackets; group syntax ({@code name: a, b;}) is flattened.
 */
public final class MimeHeaders {
  /** Header sections larger than this are read only this far. */
  static final int MAX_HEADER_SCAN = 256 * 1024;

  private final Map<String, String> fields;

  private MimeHeaders(Map<String, String> fields) {
    this.fields = fields;
  }

  /** Parses the header section of a message; the first occurrence of a field wins. */
  public static MimeHeaders parse(byte[] message) {
    int end = headerEnd(message, Math.min(message.length, MAX_HEADER_SCAN));
    // Header text is decoded as UTF-8: 8BITMIME and raw API mail may carry UTF-8 in subjects.
    String text = new String(message, 0, end, StandardCharsets.UTF_8);
    Map<String, String> fields = new LinkedHashMap<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    for (String line : text.split("\r?\n", -1)) {
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(line); // RFC 5322 §2.2.3: unfolding removes only the line break
        continue;
      }
      if (name != null) {
        fields.putIfAbsent(name, value.toString().strip());
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        value.setLength(0);
        value.append(line.substring(colon + 1));
      } else {
        name = null;
      }
    }
    if (name != null) {
      fields.putIfAbsent(name, value.toString().strip());
    }
    return new MimeHeaders(fields);
  }

  /** One header field as written: its name in its own case, its unfolded value. */
  public record Field(String name, String value) {}

  /**
   * The header fields of a message in order, every occurrence, at most {@code max}; the boolean
   * {@code truncated} of the result says whether there were more.
   */
  public static Fields fields(byte[] message, int max) {
    int end = headerEnd(message, Math.min(message.length, MAX_HEADER_SCAN));
    String text = new String(message, 0, end, StandardCharsets.UTF_8);
    List<Field> out = new ArrayList<>();
    boolean truncated = end == MAX_HEADER_SCAN;
    String name = null;
    StringBuilder value = new StringBuilder();
    for (String line : text.split("\r?\n", -1)) {
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(line);
        continue;
      }
      if (name != null) {
        if (out.size() < max) {
          out.add(new Field(name, value.toString().strip()));
        } else {
          truncated = true;
        }
      }
      int colon = line.indexOf(':');
      name = colon > 0 ? line.substring(0, colon).strip() : null;
      value.setLength(0);
      if (name != null) {
        value.append(line.substring(colon + 1));
      }
    }
    if (name != null) {
      if (out.size() < max) {
        out.add(new Field(name, value.toString().strip()));
      } else {
        truncated = true;
      }
    }
    return new Fields(List.copyOf(out), truncated);
  }

  /** The header fields of a message, and whether some were left out. */
  public record Fields(List<Field> fields, boolean truncated) {}

  private static int headerEnd(byte[] m, int limit) {
    for (int i = 0; i + 1 < limit; i++) {
      if (m[i] == '\n'
          && (m[i + 1] == '\n' || (m[i + 1] == '\r' && i + 2 < limit && m[i + 2] == '\n'))) {
        return i;
      }
    }
    return limit;
  }

  /** The value of a field, or empty. */
  public String get(String name) {
    return fields.getOrDefault(name.toLowerCase(Locale.ROOT), "");
  }

  /** The addresses in To, Cc and Bcc, in that order. */
  public List<String> recipients() {
    List<String> out = new ArrayList<>();
    for (String f : List.of("to", "cc", "bcc")) {
      out.addAll(addresses(get(f)));
    }
    return out;
  }

  /** Splits an address list into bare addresses. */
  public static List<String> addresses(String list) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    int angle = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '"' && (i == 0 || list.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      } else if (!quoted && c == '<') {
        angle++;
      } else if (!quoted && c == '>') {
        angle = Math.max(0, angle - 1);
      } else if (!quoted && angle == 0 && c == ':') {
        cur.setLength(0); // group display name
        continue;
      } else if (!quoted && angle == 0 && (c == ',' || c == ';')) {
        add(out, cur);
        continue;
      }
      cur.append(c);
    }
    add(out, cur);
    return out;
  }

  private static void add(List<String> out, StringBuilder cur) {
    String a = Addresses.bare(cur.toString());
    if (!a.isEmpty()) {
      out.add(a);
    }
    cur.setLength(0);
  }
}
