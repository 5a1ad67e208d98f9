package dev.sluice.ingress;

import dev.sluice.core.spool.QueueId;
import java.util.List;

/**
 * Told when a front door has made messages durable and answered {@code 250} / {@code 202}: the
 * relay wakes its delivery scheduler and counts acceptances. Called on the thread that completes
 * the append; must be quick and must not throw.
 */
@FunctionalInterface
public interface AcceptListener {
  /** Listens to nothing. */
  AcceptListener NONE = ids -> {};

  /** These messages are in the spool. */
  void accepted(List<QueueId> ids);
}
