package dev.sluice.core.ses;

import java.util.ArrayList;
import java.util.List;

/**
 * SES's rules for message tags, and the {@code X-SES-MESSAGE-TAGS} header that carries them in raw
 * and SMTP mail ({@code name1=value1, name2=value2}): one grammar for the simulator, which answers
 * as SES does, and the relay, which refuses at its doors what SES would refuse.
 *
 * <p>SES's API reference: a tag name and value each hold only ASCII letters, digits, {@code _} and
 * {@code -}, and at most 256 characters; a name has at least one. SES's quotas allow at most 50
 * tags on one message. The words of the refusals are those SES's endpoints give (see the wire
 * spec), so a client reads the same reason from the relay and from SES.
 *
 * <p>Thread-safe (no state).
 */
public final class MessageTags {
  /** The header SES reads message tags from in SMTP and SendRawEmail mail. */
  public static final String HEADER = "X-SES-MESSAGE-TAGS";

  /** The header SES reads the configuration set from in SMTP and SendRawEmail mail. */
  public static final String SET_HEADER = "X-SES-CONFIGURATION-SET";

  /** The longest tag name or value SES takes. */
  public static final int MAX_LENGTH = 256;

  /** The most tags SES takes on one message. */
  public static final int MAX_TAGS = 50;

  private MessageTags() {}

  /** Why SES refuses a tag name or value, or null when they pass. */
  public static String problem(String name, String value) {
    if (name.isEmpty() || name.length() > MAX_LENGTH || !allowed(name)) {
      return "Invalid tag name <"
          + name
          + ">: only alphanumeric ASCII characters, '_', '-' are allowed.";
    }
    if (value.length() > MAX_LENGTH || !allowed(value)) {
      return "Invalid tag value <"
          + value
          + ">: only alphanumeric ASCII characters, '_', '-' are allowed.";
    }
    return null;
  }

  /** Why SES refuses a message's tags as a whole (more than {@link #MAX_TAGS}), or null. */
  public static String problem(List<MessageTag> tags) {
    if (tags.size() > MAX_TAGS) {
      return "Too many message tags: " + tags.size() + ", at most " + MAX_TAGS + " are allowed.";
    }
    return null;
  }

  /**
   * The tags of an {@code X-SES-MESSAGE-TAGS} value; empty for a blank one.
   *
   * @throws IllegalArgumentException with SES's words when a tag, or the list, is refused
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
    String problem = problem(out);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return out;
  }

  /** The {@code X-SES-MESSAGE-TAGS} value for tags: {@code name1=value1, name2=value2}. */
  public static String toHeader(List<MessageTag> tags) {
    StringBuilder sb = new StringBuilder();
    for (MessageTag t : tags) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(t.name()).append('=').append(t.value());
    }
    return sb.toString();
  }

  /** Whether s holds only ASCII letters, digits, '_' and '-'. */
  static boolean allowed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
