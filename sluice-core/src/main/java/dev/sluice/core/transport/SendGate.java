package dev.sluice.core.transport;

/**
 * Whether a sender can take messages now: the scheduler takes none before {@link #opensAt()}. An
 * {@link AccountGate} is one for one account; a relay with several routes hands the scheduler one
 * that opens as soon as any route can send.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface SendGate {
  /** The wall-clock millisecond from which messages may be taken; in the past when they may now. */
  long opensAt();
}
