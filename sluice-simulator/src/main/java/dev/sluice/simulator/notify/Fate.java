package dev.sluice.simulator.notify;

/** What became of one recipient of an accepted message, as SES would later report it. */
public enum Fate {
  /** Delivered: a Delivery. */
  DELIVERED,
  /** A hard bounce ({@code bounce@}): Permanent/General. */
  BOUNCED,
  /** On the global suppression list ({@code suppressionlist@}): Permanent/Suppressed. */
  GLOBALLY_SUPPRESSED,
  /** On the account's suppression list: Permanent/OnAccountSuppressionList, never sent. */
  ACCOUNT_SUPPRESSED,
  /** Delivered, then a complaint ({@code complaint@}). */
  COMPLAINED,
  /** Delivered, then an out-of-office auto-reply ({@code ooto@}): a Transient/General bounce. */
  AUTO_REPLIED,
  /**
   * Delayed, then delivered ({@code deliverydelay@}, the simulator's own address): a DeliveryDelay,
   * then a Delivery.
   */
  DELAYED
}
