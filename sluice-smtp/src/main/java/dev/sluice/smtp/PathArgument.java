package dev.sluice.smtp;

import dev.sluice.core.address.AddressCheck;
import dev.sluice.core.address.AddressDefect;
import dev.sluice.core.address.SesAddressGrammar;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of MAIL FROM or RCPT TO: a path in angle brackets, then ESMTP parameters (RFC 5321
 * §4.1.2). Parsing is strict about the path (the address must sit in {@code <>}) and tolerant of
 * one common deviation: spaces after the colon.
 *
 * <p>The address inside the brackets must follow {@link SesAddressGrammar}, the grammar of what SES
 * takes, since every server built on this package stands in front of SES or plays it. That is
 * stricter than RFC 5321 in three places, each on purpose: a source route ({@code @a,@b:u@d}) is
 * refused rather than ignored (§4.1.2 says to accept it, but SES does not), {@code <Postmaster>}
 * without a domain is refused (§4.5.1; SES has no local postmaster), and quoted local parts and
 * address literals are refused (SES cannot send to them).
 *
 * <p>Immutable.
 *
 * @param address the address without brackets, in ASCII when valid; empty for {@code <>} (valid
 *     only as a reverse-path)
 * @param parameters keywords upper case, in order; a keyword without value maps to ""
 * @param problem why the path is unusable, or {@link Problem#NONE}
 * @param reason for an address problem, what is wrong in words (printable ASCII); else empty
 */
record PathArgument(
    String address, Map<String, String> parameters, Problem problem, String reason) {
  /** What is wrong with a path. */
  enum Problem {
    NONE,
    /** Not {@code FROM:} / {@code TO:}, or malformed parameters. */
    SYNTAX,
    /** Not in brackets, or not an address SES takes. */
    INVALID_ADDRESS,
    /**
     * The mailbox has non-ASCII characters that cannot be converted (a local part, or a bad IDN).
     */
    NON_ASCII
  }

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
      return failed("", Problem.SYNTAX, "");
    }
    String rest = args.substring(prefix.length()).stripLeading();
    if (rest.isEmpty()) {
      return failed("", Problem.SYNTAX, "");
    }
    if (rest.charAt(0) != '<') {
      int sp = rest.indexOf(' ');
      return unbracketed(sp < 0 ? rest : rest.substring(0, sp));
    }
    int close = closingBracket(rest);
    if (close < 0) {
      return unbracketed(rest);
    }
    String path = rest.substring(1, close);
    Map<String, String> params = parameters(rest.substring(close + 1));
    if (params == null) {
      return failed(path, Problem.SYNTAX, "");
    }
    if (path.isEmpty() && keyword.equals("FROM")) {
      return new PathArgument("", params, Problem.NONE, ""); // the null reverse-path
    }
    AddressCheck check =
        convertIdn ? SesAddressGrammar.checkConvertingIdn(path) : SesAddressGrammar.check(path);
    return switch (check) {
      case AddressCheck.Valid v -> new PathArgument(v.address(), params, Problem.NONE, "");
      case AddressCheck.Invalid i ->
          new PathArgument(
              path,
              params,
              i.defect() == AddressDefect.LOCAL_PART_NON_ASCII
                      || i.defect() == AddressDefect.DOMAIN_NON_ASCII
                      || i.defect() == AddressDefect.DOMAIN_NOT_CONVERTIBLE
                  ? Problem.NON_ASCII
                  : Problem.INVALID_ADDRESS,
              i.message());
    };
  }

  private static PathArgument unbracketed(String given) {
    return failed(
        given,
        Problem.INVALID_ADDRESS,
        SesAddressGrammar.quoted(given)
            + ": the address must be enclosed in angle brackets, as in <user@example.com>");
  }

  private static PathArgument failed(String address, Problem problem, String reason) {
    return new PathArgument(address, Map.of(), problem, reason);
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

  private static boolean isAlnum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
