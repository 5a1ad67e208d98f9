package dev.sluice.smtp;

import java.net.IDN;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of MAIL FROM or RCPT TO: a path in angle brackets, then ESMTP parameters (RFC 5321
 * §4.1.2). Parsing is strict about the path (the address must sit in {@code <>}) and tolerant of
 * one common deviation: spaces after the colon.
 *
 * <p>Immutable.
 *
 * @param address the address without brackets or source route; empty for {@code <>}
 * @param parameters keywords upper case, in order; a keyword without value maps to ""
 * @param problem why the path is unusable, or {@link Problem#NONE}
 */
record PathArgument(String address, Map<String, String> parameters, Problem problem) {
  /** What is wrong with a path. */
  enum Problem {
    NONE,
    /** Not {@code FROM:} / {@code TO:}, or malformed parameters. */
    SYNTAX,
    /** The path is not a valid mailbox (or not in brackets). */
    INVALID_ADDRESS,
    /**
     * The mailbox has non-ASCII characters that cannot be converted (a local part, or a bad IDN).
     */
    NON_ASCII
  }

  private static final int MAX_PATH = 256;
  private static final int MAX_LOCAL = 64;
  private static final int MAX_DOMAIN = 255;
  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  /**
   * Parses the text after the verb.
   *
   * @param args e.g. {@code FROM:<a@b.example> SIZE=100}
   * @param keyword {@code FROM} or {@code TO}
   */
  static PathArgument parse(String args, String keyword) {
    return parse(args, keyword, false);
  }

  /**
   * Parses the text after the verb, converting an internationalized domain to its ASCII form (IDNA,
   * "xn--" labels) when {@code convertIdn} is set and the local part is ASCII.
   */
  static PathArgument parse(String args, String keyword, boolean convertIdn) {
    String prefix = keyword + ":";
    if (args.length() < prefix.length()
        || !args.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return failed("", Problem.SYNTAX);
    }
    String rest = args.substring(prefix.length()).stripLeading();
    if (rest.isEmpty()) {
      return failed("", Problem.SYNTAX);
    }
    if (rest.charAt(0) != '<') {
      int sp = rest.indexOf(' ');
      return failed(sp < 0 ? rest : rest.substring(0, sp), Problem.INVALID_ADDRESS);
    }
    int close = closingBracket(rest);
    if (close < 0) {
      return failed(rest.substring(1), Problem.INVALID_ADDRESS);
    }
    String path = rest.substring(1, close);
    Map<String, String> params = parameters(rest.substring(close + 1));
    if (params == null) {
      return failed(path, Problem.SYNTAX);
    }
    String mailbox = stripSourceRoute(path);
    if (mailbox.isEmpty()) {
      return new PathArgument("", params, Problem.NONE);
    }
    if (!mailbox.chars().allMatch(c -> c < 0x80)) {
      String ascii = convertIdn ? asciiDomain(mailbox) : null;
      if (ascii == null) {
        return new PathArgument(mailbox, params, Problem.NON_ASCII);
      }
      mailbox = ascii;
    }
    // RFC 5321 §4.1.1.3: <Postmaster> without a domain is a valid recipient.
    boolean postmaster = keyword.equals("TO") && mailbox.equalsIgnoreCase("postmaster");
    boolean valid = path.length() <= MAX_PATH && (postmaster || isMailbox(mailbox));
    Problem p = valid ? Problem.NONE : Problem.INVALID_ADDRESS;
    return new PathArgument(mailbox, params, p);
  }

  /**
   * The mailbox with its domain in ASCII form, or null when the local part is not ASCII or the
   * domain is not a valid internationalized domain name.
   */
  private static String asciiDomain(String mailbox) {
    int at = mailbox.lastIndexOf('@');
    if (at <= 0 || !mailbox.substring(0, at).chars().allMatch(c -> c < 0x80)) {
      return null;
    }
    try {
      String domain = IDN.toASCII(mailbox.substring(at + 1), IDN.USE_STD3_ASCII_RULES);
      return isDomain(domain)
          ? mailbox.substring(0, at + 1) + domain.toLowerCase(Locale.ROOT)
          : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static PathArgument failed(String address, Problem problem) {
    return new PathArgument(address, Map.of(), problem);
  }

  /** The index of the '>' closing the path, skipping quoted strings; -1 if none. */
  private static int closingBracket(String s) {
    boolean quoted = false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '>' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  /** Parses {@code SP key[=value]...}; null when malformed. */
  private static Map<String, String> parameters(String s) {
    Map<String, String> params = new LinkedHashMap<>();
    if (s.isEmpty()) {
      return params;
    }
    if (s.charAt(0) != ' ') {
      return null;
    }
    for (String token : s.trim().split(" +")) {
      if (token.isEmpty()) {
        continue;
      }
      int eq = token.indexOf('=');
      String key = (eq < 0 ? token : token.substring(0, eq)).toUpperCase(Locale.ROOT);
      String value = eq < 0 ? "" : token.substring(eq + 1);
      if (key.isEmpty()
          || !key.chars().allMatch(c -> isAlnum(c) || c == '-')
          || !value.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '=')
          || params.putIfAbsent(key, value) != null) {
        return null;
      }
    }
    return params;
  }

  /**
   * Drops an obsolete source route {@code @a,@b:} (RFC 5321 §4.1.2: MUST accept, SHOULD ignore).
   */
  private static String stripSourceRoute(String path) {
    if (path.startsWith("@")) {
      int colon = path.indexOf(':');
      return colon < 0 ? path : path.substring(colon + 1);
    }
    return path;
  }

  /** Whether {@code s} is an ASCII Mailbox: Local-part "@" (Domain / address-literal). */
  static boolean isMailbox(String s) {
    int at = s.lastIndexOf('@');
    if (at <= 0 || at == s.length() - 1) {
      return false;
    }
    String local = s.substring(0, at);
    String domain = s.substring(at + 1);
    return local.length() <= MAX_LOCAL
        && domain.length() <= MAX_DOMAIN
        && (isDotAtom(local) || isQuotedString(local))
        && (isDomain(domain) || isAddressLiteral(domain));
  }

  private static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    return s.chars().allMatch(c -> isAlnum(c) || c == '.' || ATEXT_SPECIALS.indexOf(c) >= 0);
  }

  private static boolean isQuotedString(String s) {
    if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
      return false;
    }
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
        if (i >= s.length() - 1 || s.charAt(i) < ' ' || s.charAt(i) > '~') {
          return false;
        }
      } else if (c < ' ' || c > '~' || c == '"') {
        return false;
      }
    }
    return true;
  }

  private static boolean isDomain(String s) {
    if (s.isEmpty() || s.endsWith(".")) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (label.isEmpty()
          || label.length() > 63
          || label.startsWith("-")
          || label.endsWith("-")
          || !label.chars().allMatch(c -> isAlnum(c) || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAddressLiteral(String s) {
    if (s.length() < 3 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
      return false;
    }
    String inner = s.substring(1, s.length() - 1);
    return inner.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '[' && c != ']' && c != '\\');
  }

  private static boolean isAlnum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
