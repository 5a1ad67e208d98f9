package dev.sluice.ingress;

/**
 * The words both doors refuse with, written out once so that the SMTP and HTTP tests check the same
 * text: a change to one door's wording fails the other's test.
 */
public final class RefusalWords {
  /** A message without a From field. */
  public static final String NO_FROM = "The message has no From header field, which SES requires";

  /** A message of header fields only. */
  public static final String HEADER_ONLY =
      "The message has header fields only; SES requires a header section and a body separated by"
          + " an empty line";

  /** A NUL octet on the third line. */
  public static final String NUL_ON_LINE_3 =
      "Line 3 holds a NUL octet, which SES cannot take in a raw message;"
          + " send binary content base64-encoded";

  /** Nothing at all. */
  public static final String EMPTY = "The message is empty";

  /** The recipient {@code c@d}. */
  public static final String ONE_LABEL_C_AT_D =
      "<c@d>: the domain 'd' has no dot; SES needs a domain of at least two labels, like"
          + " example.com";

  /** The recipient {@code "a b"@example.com}. */
  public static final String QUOTED_A_B =
      "<\"a b\"@example.com>: quoted local parts cannot be sent through SES; write the local part"
          + " as letters, digits and !#$%&'*+-/=?^_`{|}~ between single dots";

  /** The recipient {@code x@localhost}. */
  public static final String ONE_LABEL_LOCALHOST =
      "<x@localhost>: the domain 'localhost' has no dot; SES needs a domain of at least two"
          + " labels, like example.com";

  /** The recipient {@code @a,@b:c@d}. */
  public static final String SOURCE_ROUTE =
      "<@a,@b:c@d>: source routes (@host,@host:) are obsolete and SES does not take them; give"
          + " the address alone";

  private RefusalWords() {}
}
