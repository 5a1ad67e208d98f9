package dev.sluice.smtp;

import java.util.Optional;

/**
 * Mailbox syntax for callers outside an SMTP session (an HTTP submit API, configuration): the same
 * rules the server applies to MAIL FROM and RCPT TO.
 */
public final class Mailboxes {
  private Mailboxes() {}

  /**
   * The address in the ASCII form SMTP without SMTPUTF8 carries: a valid RFC 5321 mailbox, with an
   * internationalized domain converted to {@code xn--} labels; empty when the address is not valid
   * or has a non-ASCII local part.
   */
  public static Optional<String> toAscii(String address) {
    if (address == null
        || address.isEmpty()
        || address.startsWith("@")
        || address.indexOf('<') >= 0
        || address.indexOf('>') >= 0) {
      return Optional.empty();
    }
    PathArgument p = PathArgument.parse("TO:<" + address + ">", "TO", true);
    boolean ok =
        p.problem() == PathArgument.Problem.NONE
            && p.parameters().isEmpty()
            && PathArgument.isMailbox(p.address());
    return ok ? Optional.of(p.address()) : Optional.empty();
  }
}
