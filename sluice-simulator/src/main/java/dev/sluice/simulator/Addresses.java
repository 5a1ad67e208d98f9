package dev.sluice.simulator;

import dev.sluice.core.address.AddressCheck;
import dev.sluice.core.address.AddressDefect;
import dev.sluice.core.address.SesAddressGrammar;
import java.util.Locale;

/**
 * Email addresses as SES reads them from API input: the {@code Name <addr>} and {@code <addr>}
 * forms, the address checked by {@link SesAddressGrammar} (the grammar the relay's doors use too;
 * no IDN conversion, as SES takes punycode only), and a refusal worded as SES words it.
 *
 * <p>SES's observed refusal texts ({@code Missing final '@domain'}, {@code Missing domain}, {@code
 * Local address contains illegal character}, {@code Local address contains control or whitespace},
 * {@code Domain contains illegal character}, {@code Domain contains control or whitespace}, {@code
 * Domain starts with dot}) are those of JavaMail's address check; the other texts of that family
 * are used for the matching defects (inferred), and {@code Invalid email address <addr>.} for rules
 * JavaMail does not have (one-label or numeric domains, label and length limits, quoted local
 * parts, address literals, source routes). {@code docs/simulator.md} marks which is which.
 *
 * <p>Stateless; thread-safe.
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

  /** Returns null when SES takes the address, otherwise SES's error text. */
  public static String problem(String text) {
    String a = bare(text);
    return switch (SesAddressGrammar.check(a)) {
      case AddressCheck.Valid v -> null;
      case AddressCheck.Invalid i -> sesText(i.defect(), a);
    };
  }

  /** SES's words for a defect: the one table from grammar to SES wording. */
  static String sesText(AddressDefect defect, String address) {
    return switch (defect) {
      case NO_AT -> "Missing final '@domain'";
      case DOMAIN_EMPTY -> "Missing domain";
      case LOCAL_PART_EMPTY -> "Missing local name";
      case LOCAL_PART_CONTROL, LOCAL_PART_NON_ASCII ->
          "Local address contains control or whitespace";
      case LOCAL_PART_CHARACTER -> "Local address contains illegal character";
      case LOCAL_PART_DOT_START -> "Local address starts with dot";
      case LOCAL_PART_DOT_END -> "Local address ends with dot";
      case LOCAL_PART_DOT_DOT -> "Local address contains dot-dot";
      case DOMAIN_CONTROL -> "Domain contains control or whitespace";
      case DOMAIN_CHARACTER, DOMAIN_NON_ASCII, DOMAIN_NOT_CONVERTIBLE ->
          "Domain contains illegal character";
      case DOMAIN_DOT_START -> "Domain starts with dot";
      case DOMAIN_DOT_END -> "Domain ends with dot";
      case DOMAIN_DOT_DOT -> "Domain contains dot-dot";
      case EMPTY,
          SOURCE_ROUTE,
          QUOTED_LOCAL_PART,
          LOCAL_PART_TOO_LONG,
          ADDRESS_LITERAL,
          DOMAIN_TOO_LONG,
          LABEL_TOO_LONG,
          LABEL_HYPHEN,
          DOMAIN_ONE_LABEL,
          NUMERIC_TOP_LABEL,
          TOO_LONG ->
          "Invalid email address " + address + ".";
    };
  }

  /** The domain part in lower case, or empty. */
  public static String domain(String text) {
    String a = bare(text);
    int at = a.lastIndexOf('@');
    return at < 0 ? "" : a.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
