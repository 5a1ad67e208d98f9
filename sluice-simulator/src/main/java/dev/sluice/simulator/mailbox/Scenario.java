package dev.sluice.simulator.mailbox;

/** What the SES mailbox simulator does with mail to one of its addresses (ses-wire.md §7). */
public enum Scenario {
  /** {@code success@}: accepted and delivered. */
  SUCCESS,
  /** {@code bounce@}: accepted, then a Permanent/General hard bounce (550 5.1.1). */
  BOUNCE,
  /** {@code ooto@}: accepted and delivered, then an out-of-office auto-reply. */
  OOTO,
  /** {@code complaint@}: accepted and delivered, then an abuse complaint. */
  COMPLAINT,
  /**
   * {@code suppressionlist@}: accepted, then a Permanent/Suppressed bounce as if globally listed.
   */
  SUPPRESSIONLIST,
  /**
   * {@code deliverydelay@}: the simulator's own address, not SES's: accepted, a DeliveryDelay, then
   * delivered, so that a client's handling of delays can be tested.
   */
  DELIVERY_DELAY
}
