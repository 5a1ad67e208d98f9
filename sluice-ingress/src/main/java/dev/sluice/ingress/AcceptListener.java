package dev.sluice.ingress;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.suppress.Suppression;
import java.util.List;

/**
 * Told when a front door has made messages durable and answered {@code 250} / {@code 202}: the
 * relay wakes its delivery scheduler, counts acceptances and writes each message's first history
 * line from what it is told ({@link Accepted}), without reading the spool. Called on the thread
 * that completes the append; must be quick and must not throw.
 */
@FunctionalInterface
public interface AcceptListener {
  /** Listens to nothing. */
  AcceptListener NONE = messages -> {};

  /** These messages are in the spool, in the order the door appended them. */
  void accepted(List<Accepted> messages);

  /**
   * Recipients on the suppression list were dropped from the envelope of a message just accepted
   * (told after {@link #accepted} for it), so that its history and the event stream say so. The
   * default does nothing.
   */
  default void suppressed(QueueId id, List<Suppression> dropped) {}
}
