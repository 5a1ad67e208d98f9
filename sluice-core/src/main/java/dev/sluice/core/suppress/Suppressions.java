package dev.sluice.core.suppress;

import java.util.Locale;
import java.util.Optional;

/**
 * The relay's suppression list as the doors see it: whether a recipient must not be sent to. The
 * doors ask at RCPT (SMTP) and per recipient (HTTP), so {@link #find} is on the hot path of every
 * submission and must answer in well under a millisecond.
 *
 * <p><b>Normalisation.</b> Addresses are compared in {@link #normalise normalised} form: the whole
 * address lower-cased (ASCII folding only, locale-independent). RFC 5321 lets a receiving domain
 * treat the local part as case-sensitive, but SES's own suppression lists compare addresses
 * case-insensitively and no mailbox provider a relay sends to distinguishes {@code Bob@} from
 * {@code bob@}; folding means a bounce for {@code Bob@example.com} also stops {@code
 * bob@example.com}, which is what an operator protecting the account's bounce rate wants.
 *
 * <p>Implementations are thread-safe.
 */
public interface Suppressions {

  /** The entry for {@code address} if it is on the list, else empty; the address as given. */
  Optional<Suppression> find(String address);

  /** A list that suppresses nothing, for a relay without a feedback store. */
  static Suppressions none() {
    return address -> Optional.empty();
  }

  /** The form addresses are kept and compared in: lower-cased, surrounding spaces removed. */
  static String normalise(String address) {
    return address.strip().toLowerCase(Locale.ROOT);
  }
}
