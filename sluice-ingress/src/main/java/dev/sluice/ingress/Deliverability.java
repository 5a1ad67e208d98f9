package dev.sluice.ingress;

/**
 * What SES can deliver beyond SMTP syntax: an address with a domain name. Checked at the door so
 * that nothing is accepted that could only fail later.
 */
public final class Deliverability {
  private Deliverability() {}

  /** Why SES cannot deliver to this (syntactically valid, ASCII) address, or {@code null}. */
  public static String problem(String address) {
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return "Address needs a domain: <" + address + ">";
    }
    if (address.startsWith("[", at + 1)) {
      return "Address literals cannot be delivered through SES: <" + address + ">";
    }
    return null;
  }
}
