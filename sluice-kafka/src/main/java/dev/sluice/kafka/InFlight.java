package dev.sluice.kafka;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpooledMessage;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * This node's messages taken for delivery and not yet finished, and the recording of their
 * outcomes.
 *
 * <p>Completing a message only finishes its record (the next commit makes that durable). Deferring
 * or failing one writes its next record (to a retry tier, or to the failed topic) and finishes the
 * record it was taken from once Kafka acknowledged the new one, so a crash in between delivers it
 * again rather than losing it. A message an operator deleted while it was in flight is finished
 * without a new record.
 *
 * <p>Thread-safe. Futures complete on the given executor, never on the producer's thread.
 */
final class InFlight {
  private final Map<QueueId, Taken> taken = new ConcurrentHashMap<>();
  private final Topics topics;
  private final Deletions deletions;
  private final RecordWriter writer;
  private final Clock clock;
  private final Executor completer;
  private final Runnable failedChanged;

  InFlight(
      Topics topics,
      Deletions deletions,
      RecordWriter writer,
      Clock clock,
      Executor completer,
      Runnable failedChanged) {
    this.topics = topics;
    this.deletions = deletions;
    this.writer = writer;
    this.clock = clock;
    this.completer = completer;
    this.failedChanged = failedChanged;
  }

  /**
   * Takes a record read for delivery: the message as ACTIVE, or null when it is not to be handed
   * out (its partition moved away, an operator deleted it, or it is in flight here already, in
   * which case the record finishes with it).
   */
  SpooledMessage take(ReadyBuffers.Ready r) {
    if (r.tracker().retired()) {
      return null; // its partition moved to another node, which reads it again
    }
    QueueId id = r.entry().id();
    if (deletions.skips(id, r.partition().topic(), r.partition().partition(), r.offset())) {
      r.tracker().done(r.offset());
      return null;
    }
    r.tracker().taken(r.offset());
    Taken prior = taken.putIfAbsent(id, new Taken(r));
    if (prior != null) {
      prior.add(r);
      return null;
    }
    return new SpooledMessage(active(r.entry()), r.content());
  }

  Optional<Taken> get(QueueId id) {
    return Optional.ofNullable(taken.get(id));
  }

  Collection<Taken> all() {
    return taken.values();
  }

  int size() {
    return taken.size();
  }

  CompletableFuture<Boolean> complete(QueueId id) {
    Taken t = taken.remove(id);
    if (t == null) {
      return CompletableFuture.completedFuture(false);
    }
    t.done();
    return CompletableFuture.completedFuture(true);
  }

  /** Writes the message to the retry tier of its delay, narrowed to {@code recipients} if given. */
  CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError, List<String> recipients) {
    return next(
        id,
        recipients,
        e -> e.with(SpoolState.DEFERRED, due, attempts, lastError),
        topics.tierFor(Millis.of(due) - clock.millis()));
  }

  /** Writes the message to the failed topic, its attempt counted, narrowed if asked. */
  CompletableFuture<Boolean> fail(QueueId id, String reason, Instant at, List<String> recipients) {
    return next(
        id,
        recipients,
        e -> e.with(SpoolState.FAILED, at, e.attempts() + 1, reason),
        topics.failed());
  }

  private CompletableFuture<Boolean> next(
      QueueId id, List<String> recipients, UnaryOperator<SpoolEntry> change, String topic) {
    Taken t = taken.get(id);
    if (t == null) {
      return CompletableFuture.completedFuture(false);
    }
    SpoolEntry entry = change.apply(t.entry());
    if (recipients != null) {
      List<String> current = t.entry().envelope().recipients();
      for (String r : recipients) {
        if (!current.contains(r)) {
          return CompletableFuture.failedFuture(
              new IllegalArgumentException(
                  "recipient " + r + " is not one of message " + id + "'s recipients " + current));
        }
      }
      entry = entry.withRecipients(recipients);
    }
    if (deletions.deletedAll(id)) {
      finish(id, t);
      return CompletableFuture.completedFuture(false); // an operator deleted it meanwhile
    }
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    writer
        .send(topic, id, RecordCodec.encode(entry, t.content()))
        .whenCompleteAsync(
            (md, error) -> {
              if (error != null) {
                Throwable cause = RecordWriter.cause(error);
                done.completeExceptionally(
                    new SpoolException(
                        "could not record the outcome of "
                            + id
                            + " in Kafka: "
                            + cause.getMessage(),
                        cause));
                return;
              }
              finish(id, t);
              if (topic.equals(topics.failed())) {
                failedChanged.run();
              }
              done.complete(true);
            },
            completer);
    return done;
  }

  private void finish(QueueId id, Taken t) {
    if (taken.remove(id, t)) {
      t.done();
    }
  }

  static SpoolEntry active(SpoolEntry e) {
    return e.with(SpoolState.ACTIVE, e.due(), e.attempts(), e.lastError());
  }
}
