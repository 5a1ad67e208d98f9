package dev.sluice.core.spool;

/** Where a spooled message stands. Delivered messages leave the spool, so they have no state. */
public enum SpoolState {
  /** Accepted, not yet tried; due now or at its due time. */
  QUEUED,
  /** Being delivered: taken by {@link Spool#takeDue}, no outcome recorded yet. */
  ACTIVE,
  /** Tried and rescheduled; due again at its due time. */
  DEFERRED,
  /** Given up on; kept with its reason until an operator retries or deletes it. */
  FAILED
}
