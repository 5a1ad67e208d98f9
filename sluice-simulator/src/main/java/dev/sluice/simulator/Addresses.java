package dev.sluice.simulator;

import java.util.Locale;

/**
 * Email address checks as SES applies them to API and SMTP input: 7-bit ASCII only (international
 * domains as punycode), one {@code @}, a non-empty local part and a dotted domain. Accepts the
 * {@code Name <addr>} and {@code <addr>} forms and checks the address inside.
 */
public final class Addresses {
  private Addresses() {}

  /** The bare address of {@code Name <addr>}, {@code <addr>} or {@code addr}. */
  public static String bare(String text) {
    String t = text.strip();
    int lt = t.lastIndexOf('<');
    if (lt >= 0 && t.endsWith(">")) {
      return t.substring(lt + 1, t.length() - 1).strip();
    }
    return t;
  }

  /** Returns null when the address is acceptable, otherwise the SES error text. */
  public static String problem(String text) {
    String a = bare(text);
    int at = a.lastIndexOf('@');
    if (at < 0 || at == a.length() - 1) {
      return "Missing final '@domain'";
    }
    if (at == 0 || a.length() > 320) {
      return "Invalid email address " + a + ".";
    }
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == ';') {
        return "Invalid email address " + a + ".";
      }
    }
    String domain = a.substring(at + 1);
    if (domain.startsWith(".")
        || domain.endsWith(".")
        || domain.contains("..")
        || domain.contains("@")) {
      return "Invalid email address " + a + ".";
    }
    return null;
  }

  /** The domain part in lower case, or empty. */
  public static String domain(String text) {
    String a = bare(text);
    int at = a.lastIndexOf('@');
    return at < 0 ? "" : a.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
