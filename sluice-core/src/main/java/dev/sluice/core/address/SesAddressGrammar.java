package dev.sluice.core.address;

import java.net.IDN;
import java.util.Locale;

/**
 * The one grammar of the addresses SES takes, shared by the relay's SMTP and HTTP doors and by the
 * simulator, so that what the relay accepts is what SES would accept, and the simulator refuses
 * what SES refuses.
 *
 * <h2>Design note</h2>
 *
 * <p>The grammar is RFC 5321's {@code Mailbox} narrowed to what SES documents and what it can
 * deliver: 7-bit ASCII (SES does not support SMTPUTF8; internationalized domains only in their
 * {@code xn--} form), a dot-atom local part of 1–64 characters (no quoted strings), and a domain
 * name (no address literals) of at least two labels, each 1–63 letters, digits or hyphens, not
 * starting or ending with a hyphen, at most 253 characters, the top label not all digits. No source
 * routes. The whole address is at most 254 characters: a path of 256 octets with its angle brackets
 * (RFC 5321 §4.5.3.1.3), which SES's own SMTP delivery must fit in; so the 253-character domain
 * limit (RFC 1035) only decides the reason for a domain of 254 or more, and a 253-character domain
 * fails on the total. {@code docs/simulator.md} says which rules SES documents and which are
 * inferred.
 *
 * <p>Rejected: a full RFC 5322 parser (comments, folding, quoted pairs): it accepts far more than
 * SES delivers, which is the defect this class exists to end; and a regular expression: it cannot
 * say which rule failed, and the doors must say exactly what is wrong.
 *
 * <p>The checks run in a fixed order (the whole address, the local part left to right, the domain
 * left to right, then lengths and labels) and the first failure decides the {@link AddressDefect}.
 *
 * <p>Stateless; thread-safe.
 */
public final class SesAddressGrammar {
  /** The longest local part (RFC 5321 §4.5.3.1.1). */
  public static final int MAX_LOCAL_PART = 64;

  /** The longest domain (RFC 1035 §2.3.4, without the root dot). */
  public static final int MAX_DOMAIN = 253;

  /** The longest domain label (RFC 1035 §2.3.4). */
  public static final int MAX_LABEL = 63;

  /** The longest address: a 256-octet path less its angle brackets (RFC 5321 §4.5.3.1.3). */
  public static final int MAX_ADDRESS = 254;

  /** How much of the given address an error message repeats. */
  private static final int SHOWN = 100;

  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  private SesAddressGrammar() {}

  /** Checks an address as given: a non-ASCII domain is refused, as SES refuses it. */
  public static AddressCheck check(String address) {
    return check(address, false);
  }

  /**
   * Checks an address, first converting an internationalized domain to its ASCII form ({@code xn--}
   * labels, IDNA 2003 with the STD3 rules, lower case), as the relay's doors do.
   */
  public static AddressCheck checkConvertingIdn(String address) {
    return check(address, true);
  }

  private static AddressCheck check(String given, boolean convertIdn) {
    if (given == null || given.isEmpty()) {
      return invalid(given == null ? "" : given, AddressDefect.EMPTY, "the address is empty");
    }
    if (given.charAt(0) == '@' && given.indexOf(':') > 0) {
      return invalid(
          given,
          AddressDefect.SOURCE_ROUTE,
          "source routes (@host,@host:) are obsolete and SES does not take them;"
              + " give the address alone");
    }
    int at = given.lastIndexOf('@');
    if (at < 0) {
      return invalid(
          given, AddressDefect.NO_AT, "no @domain; SES needs an address like user@example.com");
    }
    String local = given.substring(0, at);
    String domain = given.substring(at + 1);
    AddressCheck.Invalid bad = localPart(given, local);
    if (bad != null) {
      return bad;
    }
    if (domain.isEmpty()) {
      return invalid(given, AddressDefect.DOMAIN_EMPTY, "the domain (after the @) is empty");
    }
    if (domain.charAt(0) == '[') {
      return invalid(
          given,
          AddressDefect.ADDRESS_LITERAL,
          "address literals ([...]) cannot be sent through SES; give a domain name");
    }
    if (!isAscii(domain)) {
      if (!convertIdn) {
        return invalid(
            given,
            AddressDefect.DOMAIN_NON_ASCII,
            "the domain has non-ASCII characters; SES takes internationalized domains in their"
                + " ASCII (xn--) form only");
      }
      try {
        domain = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        return invalid(
            given,
            AddressDefect.DOMAIN_NOT_CONVERTIBLE,
            "the internationalized domain has no valid ASCII (xn--) form");
      }
    }
    bad = domain(given, domain);
    if (bad != null) {
      return bad;
    }
    String address = local + "@" + domain;
    if (address.length() > MAX_ADDRESS) {
      return invalid(
          given,
          AddressDefect.TOO_LONG,
          "the address has " + address.length() + " characters; at most " + MAX_ADDRESS);
    }
    return new AddressCheck.Valid(address);
  }

  private static AddressCheck.Invalid localPart(String given, String local) {
    if (local.isEmpty()) {
      return invalid(
          given, AddressDefect.LOCAL_PART_EMPTY, "the local part (before the @) is empty");
    }
    if (local.charAt(0) == '"') {
      return invalid(
          given,
          AddressDefect.QUOTED_LOCAL_PART,
          "quoted local parts cannot be sent through SES; write the local part as letters, digits"
              + " and "
              + ATEXT_SPECIALS
              + " between single dots");
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return invalid(
            given,
            AddressDefect.LOCAL_PART_CONTROL,
            "the local part has a space or control character");
      }
      if (c > 0x7f) {
        return invalid(
            given,
            AddressDefect.LOCAL_PART_NON_ASCII,
            "the local part has the non-ASCII character "
                + String.format(Locale.ROOT, "U+%04X", local.codePointAt(i))
                + "; SES takes ASCII local parts only (no SMTPUTF8)");
      }
      if (c == '.') {
        if (i == 0) {
          return invalid(
              given, AddressDefect.LOCAL_PART_DOT_START, "the local part starts with a dot");
        }
        if (local.charAt(i - 1) == '.') {
          return invalid(
              given, AddressDefect.LOCAL_PART_DOT_DOT, "the local part has two dots in a row");
        }
      } else if (!isAlnum(c) && ATEXT_SPECIALS.indexOf(c) < 0) {
        return invalid(
            given,
            AddressDefect.LOCAL_PART_CHARACTER,
            "the local part has the character '"
                + c
                + "', which needs quoting, and SES takes no quoted local parts");
      }
    }
    if (local.charAt(local.length() - 1) == '.') {
      return invalid(given, AddressDefect.LOCAL_PART_DOT_END, "the local part ends with a dot");
    }
    if (local.length() > MAX_LOCAL_PART) {
      return invalid(
          given,
          AddressDefect.LOCAL_PART_TOO_LONG,
          "the local part has " + local.length() + " characters; at most " + MAX_LOCAL_PART);
    }
    return null;
  }

  /** Checks an ASCII domain name. */
  private static AddressCheck.Invalid domain(String given, String domain) {
    for (int i = 0; i < domain.length(); i++) {
      char c = domain.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return invalid(
            given, AddressDefect.DOMAIN_CONTROL, "the domain has a space or control character");
      }
      if (c == '.') {
        if (i == 0) {
          return invalid(given, AddressDefect.DOMAIN_DOT_START, "the domain starts with a dot");
        }
        if (domain.charAt(i - 1) == '.') {
          return invalid(given, AddressDefect.DOMAIN_DOT_DOT, "the domain has two dots in a row");
        }
      } else if (!isAlnum(c) && c != '-') {
        return invalid(
            given,
            AddressDefect.DOMAIN_CHARACTER,
            "the domain has the character '"
                + c
                + "'; only letters, digits, hyphens and dots are allowed");
      }
    }
    if (domain.charAt(domain.length() - 1) == '.') {
      return invalid(given, AddressDefect.DOMAIN_DOT_END, "the domain ends with a dot");
    }
    if (domain.length() > MAX_DOMAIN) {
      return invalid(
          given,
          AddressDefect.DOMAIN_TOO_LONG,
          "the domain has " + domain.length() + " characters; at most " + MAX_DOMAIN);
    }
    String[] labels = domain.split("\\.");
    for (String label : labels) {
      if (label.length() > MAX_LABEL) {
        return invalid(
            given,
            AddressDefect.LABEL_TOO_LONG,
            "a label of the domain has " + label.length() + " characters; at most " + MAX_LABEL);
      }
      if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
        return invalid(
            given,
            AddressDefect.LABEL_HYPHEN,
            "the domain label '" + label + "' starts or ends with a hyphen");
      }
    }
    if (labels.length < 2) {
      return invalid(
          given,
          AddressDefect.DOMAIN_ONE_LABEL,
          "the domain '"
              + domain
              + "' has no dot; SES needs a domain of at least two labels, like example.com");
    }
    String top = labels[labels.length - 1];
    if (top.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return invalid(
          given,
          AddressDefect.NUMERIC_TOP_LABEL,
          "the top-level label '" + top + "' is all digits; SES needs a domain name");
    }
    return null;
  }

  private static AddressCheck.Invalid invalid(String given, AddressDefect defect, String why) {
    return new AddressCheck.Invalid(given, defect, quoted(given) + ": " + why);
  }

  /**
   * An address as error messages show it: in angle brackets, at most {@value #SHOWN} characters of
   * it, anything but printable ASCII written as {@code \}{@code uXXXX}, so that a reply line stays
   * printable ASCII (RFC 5321 §4.2) and says the same over SMTP and HTTP.
   */
  public static String quoted(String given) {
    boolean cut = given.length() > SHOWN;
    String s = cut ? given.substring(0, SHOWN) : given;
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= ' ' && c <= '~') {
        b.append(c);
      } else {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return "<" + (cut ? b.append("...") : b) + ">";
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
