package dev.sluice.app.relay;

import dev.sluice.core.Rate;
import java.util.Objects;

/**
 * The rate a route sends at ({@code relay.max-send-rate}, {@code relay.route.NAME.max-send-rate}):
 * the account's live MaxSendRate, a rate set by hand, or no limit. Written {@code account}, e.g.
 * {@code 200/s}, or {@code unlimited}; {@link #toString()} writes it back the same way.
 */
public sealed interface SendRate {
  /** Follows the account's MaxSendRate as GetAccount last read it. */
  SendRate ACCOUNT = new Account();

  /** No limit. */
  SendRate UNLIMITED = new Unlimited();

  /** Follows the account's MaxSendRate. */
  record Account() implements SendRate {
    @Override
    public String toString() {
      return "account";
    }
  }

  /**
   * A rate set by hand, in recipients per second.
   *
   * @param rate the rate
   */
  record Fixed(Rate rate) implements SendRate {
    /** Checks for null. */
    public Fixed {
      Objects.requireNonNull(rate, "rate");
    }

    @Override
    public String toString() {
      return rate.toString();
    }
  }

  /** No limit. */
  record Unlimited() implements SendRate {
    @Override
    public String toString() {
      return "unlimited";
    }
  }

  /**
   * Parses {@code account}, {@code unlimited} (either in any case) or a rate such as {@code 200/s}.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  static SendRate parse(String s) {
    if (s.equalsIgnoreCase("account")) {
      return ACCOUNT;
    }
    if (s.equalsIgnoreCase("unlimited")) {
      return UNLIMITED;
    }
    return new Fixed(Rate.parse(s));
  }

  /**
   * The rate as the sender's {@code rateOverride} takes it: NaN to follow the account, negative for
   * unlimited.
   */
  default double senderOverride() {
    return switch (this) {
      case Account a -> Double.NaN;
      case Fixed f -> f.rate().perSecond();
      case Unlimited u -> -1;
    };
  }
}
