package dev.sluice.smtp;

/** The ESMTP extensions the server can advertise in its EHLO reply, in advertising order. */
public enum SmtpExtension {
  /** Command pipelining (RFC 2920). */
  PIPELINING("PIPELINING"),
  /** Message size declaration (RFC 1870); the keyword carries the limit. */
  SIZE("SIZE"),
  /** 8-bit MIME transport (RFC 6152). */
  EIGHTBITMIME("8BITMIME"),
  /** Enhanced status codes on replies (RFC 2034). */
  ENHANCEDSTATUSCODES("ENHANCEDSTATUSCODES"),
  /** TLS upgrade (RFC 3207); advertised only with a TLS context and before TLS is active. */
  STARTTLS("STARTTLS"),
  /** Authentication (RFC 4954); the keyword carries the mechanisms. */
  AUTH("AUTH"),
  /** BDAT chunks (RFC 3030). */
  CHUNKING("CHUNKING");

  private final String keyword;

  SmtpExtension(String keyword) {
    this.keyword = keyword;
  }

  /** The EHLO keyword. */
  public String keyword() {
    return keyword;
  }
}
