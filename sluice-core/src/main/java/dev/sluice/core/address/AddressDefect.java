package dev.sluice.core.address;

/**
 * Why an address is outside the grammar SES accepts. {@link SesAddressGrammar} reports the first
 * defect it finds, in the order its design note gives.
 */
public enum AddressDefect {
  /** Nothing at all. */
  EMPTY,
  /** An obsolete source route ({@code @a,@b:user@example.com}, RFC 5321 §4.1.2). */
  SOURCE_ROUTE,
  /** No {@code @} (and so no domain). */
  NO_AT,
  /** Nothing before the {@code @}. */
  LOCAL_PART_EMPTY,
  /** A quoted local part ({@code "a b"@example.com}). */
  QUOTED_LOCAL_PART,
  /** A character above 0x7e in the local part: SES does not support SMTPUTF8. */
  LOCAL_PART_NON_ASCII,
  /** A space or control character in the local part. */
  LOCAL_PART_CONTROL,
  /** A character that is not atext ({@code ()<>[]:;@\,"}) in the local part. */
  LOCAL_PART_CHARACTER,
  /** The local part starts with a dot. */
  LOCAL_PART_DOT_START,
  /** The local part ends with a dot. */
  LOCAL_PART_DOT_END,
  /** Two dots in a row in the local part. */
  LOCAL_PART_DOT_DOT,
  /** More than 64 characters before the {@code @}. */
  LOCAL_PART_TOO_LONG,
  /** Nothing after the {@code @}. */
  DOMAIN_EMPTY,
  /** An address literal ({@code [192.0.2.1]}) instead of a domain name. */
  ADDRESS_LITERAL,
  /** A non-ASCII domain where only the ASCII ({@code xn--}) form is taken. */
  DOMAIN_NON_ASCII,
  /** A non-ASCII domain that has no ASCII form (IDNA conversion failed). */
  DOMAIN_NOT_CONVERTIBLE,
  /** A space or control character in the domain. */
  DOMAIN_CONTROL,
  /** A character other than a letter, digit, hyphen or dot in the domain. */
  DOMAIN_CHARACTER,
  /** The domain starts with a dot. */
  DOMAIN_DOT_START,
  /** The domain ends with a dot (a trailing root dot). */
  DOMAIN_DOT_END,
  /** Two dots in a row in the domain (an empty label). */
  DOMAIN_DOT_DOT,
  /** More than 253 characters after the {@code @}. */
  DOMAIN_TOO_LONG,
  /** A domain label of more than 63 characters. */
  LABEL_TOO_LONG,
  /** A domain label that starts or ends with a hyphen. */
  LABEL_HYPHEN,
  /** A domain of one label ({@code localhost}, {@code d}). */
  DOMAIN_ONE_LABEL,
  /** A top-level label of digits only ({@code 192.0.2.1} written without brackets). */
  NUMERIC_TOP_LABEL,
  /** More than 254 characters in all (a path of 256 octets with its brackets). */
  TOO_LONG
}
