package dev.sluice.ingress.http;

import dev.sluice.core.address.AddressCheck;
import dev.sluice.core.address.SesAddressGrammar;
import java.util.Objects;

/**
 * One mailbox as a JSON submission names it: {@code a@b.example} or {@code Name <a@b.example>} (the
 * name may be quoted). The address is kept in the ASCII form SES takes, an internationalized domain
 * converted to {@code xn--} labels.
 *
 * @param name the display name, or empty
 * @param address the address, ASCII
 */
record Mailbox(String name, String address) {
  /** The longest display name taken, in UTF-16 units; keeps every header line well under 998. */
  static final int MAX_NAME = 256;

  Mailbox {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
  }

  /**
   * Parses {@code a@b} or {@code Name <a@b>}.
   *
   * @throws Refusal with {@link ErrorCode#INVALID_ADDRESS}
   */
  static Mailbox parse(String text) {
    String s = text.strip();
    if (!s.endsWith(">")) {
      return new Mailbox("", address(s));
    }
    int lt = s.lastIndexOf('<');
    if (lt < 0) {
      throw invalid(text, "has a '>' without a '<'");
    }
    String name = s.substring(0, lt).strip();
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      name = unquote(name.substring(1, name.length() - 1));
    }
    if (name.length() > MAX_NAME) {
      throw invalid(text, "has a display name over " + MAX_NAME + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < ' ' || c == 0x7f) {
        throw invalid(text, "has a control character in its display name");
      }
    }
    return new Mailbox(name, address(s.substring(lt + 1, s.length() - 1)));
  }

  /**
   * Checks a bare address against {@link SesAddressGrammar} (what SES takes, an internationalized
   * domain converted to {@code xn--} labels) and returns its ASCII form.
   *
   * @throws Refusal with {@link ErrorCode#INVALID_ADDRESS} and the grammar's words, the same the
   *     SMTP door answers with
   */
  static String address(String address) {
    return switch (SesAddressGrammar.checkConvertingIdn(address)) {
      case AddressCheck.Valid v -> v.address();
      case AddressCheck.Invalid i -> throw new Refusal(ErrorCode.INVALID_ADDRESS, i.message());
    };
  }

  private static String unquote(String quoted) {
    StringBuilder b = new StringBuilder(quoted.length());
    for (int i = 0; i < quoted.length(); i++) {
      char c = quoted.charAt(i);
      if (c == '\\' && i + 1 < quoted.length()) {
        c = quoted.charAt(++i);
      }
      b.append(c);
    }
    return b.toString();
  }

  private static Refusal invalid(String text, String why) {
    return new Refusal(ErrorCode.INVALID_ADDRESS, "'" + shorten(text) + "' " + why);
  }

  /** Client text cut short for an error message. */
  static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
