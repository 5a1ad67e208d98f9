package dev.sluice.core.address;

import java.util.Objects;

/** What {@link SesAddressGrammar} made of an address: valid in its ASCII form, or why not. */
public sealed interface AddressCheck {
  /**
   * An address SES takes.
   *
   * @param address the address in ASCII, an internationalized domain converted to {@code xn--}
   *     labels (lower case) when conversion was asked for
   */
  record Valid(String address) implements AddressCheck {
    /** Checks the address is present. */
    public Valid {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * An address SES refuses.
   *
   * @param given the address as given
   * @param defect the first defect found
   * @param message one line of printable ASCII for people, naming the address (shortened and with
   *     other characters escaped) and what is wrong with it; the doors answer with exactly this
   */
  record Invalid(String given, AddressDefect defect, String message) implements AddressCheck {
    /** Checks the parts are present. */
    public Invalid {
      Objects.requireNonNull(given, "given");
      Objects.requireNonNull(defect, "defect");
      Objects.requireNonNull(message, "message");
    }
  }
}
