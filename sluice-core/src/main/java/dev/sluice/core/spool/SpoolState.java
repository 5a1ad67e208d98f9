package dev.sluice.core.spool;

/**
 * Where a spooled message stands. Delivered messages leave the spool, so they have no state.
 *
 * <p>Each state has a stable {@link #code()} for storage formats: reordering or adding states must
 * not change what is already stored.
 */
public enum SpoolState {
  /** Accepted, not yet tried; due now or at its due time. */
  QUEUED,
  /** Being delivered: taken by {@link Spool#takeDue}, no outcome recorded yet. */
  ACTIVE,
  /** Tried and rescheduled; due again at its due time. */
  DEFERRED,
  /** Given up on; kept with its reason until an operator retries or deletes it. */
  FAILED;

  /** The state's code in storage formats: 1 queued, 2 active, 3 deferred, 4 failed. */
  public int code() {
    return switch (this) {
      case QUEUED -> 1;
      case ACTIVE -> 2;
      case DEFERRED -> 3;
      case FAILED -> 4;
    };
  }

  /** The state of a storage code, or null when the code names none. */
  public static SpoolState ofCode(int code) {
    return switch (code) {
      case 1 -> QUEUED;
      case 2 -> ACTIVE;
      case 3 -> DEFERRED;
      case 4 -> FAILED;
      default -> null;
    };
  }
}
