package dev.sluice.core.transport;

import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers whole messages upstream and says what became of each: the seam between the scheduler,
 * which owns time (when a message is due, retries, expiry), and the delivery engine, which owns
 * rate, connections and the classification of upstream answers.
 *
 * <p>Implementations are thread-safe.
 */
public interface MessageSender {
  /**
   * Starts delivering one message. The future completes with its {@link Outcome} and never
   * exceptionally: whatever goes wrong is a deferral or a failure. May block the caller while the
   * sender has as much unfinished work as it allows (back-pressure), so callers should bound what
   * they hand over.
   */
  CompletableFuture<Outcome> send(OutboundMessage message);

  /**
   * Starts delivering one message that came in from {@code origin} (the spool's record of who
   * submitted it, e.g. {@code smtp 127.0.0.1 user=app}); a sender that chooses by submitter reads
   * it, the others ignore it.
   */
  default CompletableFuture<Outcome> send(OutboundMessage message, String origin) {
    return send(message);
  }
}
