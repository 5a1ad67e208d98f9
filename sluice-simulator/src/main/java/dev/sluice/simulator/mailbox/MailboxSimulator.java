package dev.sluice.simulator.mailbox;

import java.util.Locale;
import java.util.Optional;

/**
 * Recognises the SES mailbox simulator addresses, {@code
 * {scenario}[+label]@simulator.amazonses.com} (ses-wire.md §7).
 *
 * <p>Matching follows AWS, not moto: the local part up to the first {@code +} must equal a scenario
 * name (case-insensitively) and the domain must be exactly {@code simulator.amazonses.com}. A
 * recipient that merely contains {@code bounce} is ordinary mail.
 *
 * <p>Stateless and thread-safe.
 */
public final class MailboxSimulator {
  /** The simulator's domain. */
  public static final String DOMAIN = "simulator.amazonses.com";

  private MailboxSimulator() {}

  /**
   * Returns the scenario an address triggers, or empty for any other address; accepts a bare {@code
   * addr}, {@code <addr>} or {@code Name <addr>}, and null.
   */
  public static Optional<Scenario> classify(String address) {
    String addr = unwrap(address);
    if (addr == null) {
      return Optional.empty();
    }
    int at = addr.lastIndexOf('@');
    if (at <= 0 || !addr.substring(at + 1).equalsIgnoreCase(DOMAIN)) {
      return Optional.empty();
    }
    String local = addr.substring(0, at);
    int plus = local.indexOf('+');
    String base = plus < 0 ? local : local.substring(0, plus);
    return switch (base.toLowerCase(Locale.ROOT)) {
      case "success" -> Optional.of(Scenario.SUCCESS);
      case "bounce" -> Optional.of(Scenario.BOUNCE);
      case "ooto" -> Optional.of(Scenario.OOTO);
      case "complaint" -> Optional.of(Scenario.COMPLAINT);
      case "suppressionlist" -> Optional.of(Scenario.SUPPRESSIONLIST);
      case "deliverydelay" -> Optional.of(Scenario.DELIVERY_DELAY);
      default -> Optional.empty();
    };
  }

  /** Returns whether an address is a simulator address, in any form {@link #classify} accepts. */
  public static boolean isSimulatorAddress(String address) {
    return classify(address).isPresent();
  }

  /** Strips {@code Name <...>} or {@code <...>}; returns null when nothing address-like is left. */
  private static String unwrap(String address) {
    if (address == null) {
      return null;
    }
    String s = address.strip();
    if (s.endsWith(">")) {
      int open = s.lastIndexOf('<');
      if (open < 0) {
        return null;
      }
      s = s.substring(open + 1, s.length() - 1).strip();
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      // An addr-spec has no blanks or angle brackets outside quotes, and simulator addresses
      // have no quotes at all.
      if (c <= ' ' || c == '<' || c == '>' || c == '"') {
        return null;
      }
    }
    return s.isEmpty() ? null : s;
  }
}
