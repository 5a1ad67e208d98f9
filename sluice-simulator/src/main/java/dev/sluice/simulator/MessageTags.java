package dev.sluice.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * SES's rules for message tags, and the {@code X-SES-MESSAGE-TAGS} header that carries them in raw
 * and SMTP mail ({@code name1=value1, name2=value2}).
 */
public final class MessageTags {
  /** The header SES reads message tags from in SMTP and SendRawEmail mail. */
  public static final String HEADER = "X-SES-MESSAGE-TAGS";

  /** The header SES reads the configuration set from in SMTP and SendRawEmail mail. */
  public static final String SET_HEADER = "X-SES-CONFIGURATION-SET";

  private MessageTags() {}

  /** Why SES refuses a tag name or value, or null when they pass (names and values ≤ 256 chars). */
  public static String problem(String name, String value) {
    if (name.isEmpty() || name.length() > 256 || !name.matches("[A-Za-z0-9_-]+")) {
      return "Invalid tag name <"
          + name
          + ">: only alphanumeric ASCII characters, '_', '-' are allowed.";
    }
    if (value.length() > 256 || !value.matches("[A-Za-z0-9_-]*")) {
      return "Invalid tag value <"
          + value
          + ">: only alphanumeric ASCII characters, '_', '-' are allowed.";
    }
    return null;
  }

  /**
   * The tags of an {@code X-SES-MESSAGE-TAGS} value; empty for a blank one.
   *
   * @throws IllegalArgumentException with SES's words when a tag is malformed
   */
  public static List<MessageTag> fromHeader(String value) {
    List<MessageTag> out = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    for (String part : value.split(",", -1)) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "Invalid " + HEADER + " header: expected name=value, got <" + p + ">.");
      }
      String name = p.substring(0, eq).strip();
      String v = p.substring(eq + 1).strip();
      String problem = problem(name, v);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      out.add(new MessageTag(name, v));
    }
    return out;
  }
}
