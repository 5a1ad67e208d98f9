package dev.sluice.app.admin;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * A spool that reports every message it made durable, so the relay counts what ingress accepted
 * without a hook in each door: hand ingress this in place of the spool. Everything else is passed
 * through unchanged, and the count is taken only when an append's future completes normally.
 *
 * <p>Thread-safe, as the spool it wraps.
 */
final class CountingSpool implements Spool {
  private final Spool spool;
  private final IntConsumer accepted;

  CountingSpool(Spool spool, IntConsumer accepted) {
    this.spool = spool;
    this.accepted = accepted;
  }

  @Override
  public int buckets() {
    return spool.buckets();
  }

  @Override
  public CompletableFuture<QueueId> append(Submission message) {
    return spool
        .append(message)
        .whenComplete(
            (id, e) -> {
              if (e == null) {
                accepted.accept(1);
              }
            });
  }

  @Override
  public CompletableFuture<List<QueueId>> appendAll(List<Submission> messages) {
    return spool
        .appendAll(messages)
        .whenComplete(
            (ids, e) -> {
              if (e == null) {
                accepted.accept(ids.size());
              }
            });
  }

  @Override
  public List<SpooledMessage> takeDue(int bucket, Instant now, int max) {
    return spool.takeDue(bucket, now, max);
  }

  @Override
  public Optional<Instant> nextDue(int bucket) {
    return spool.nextDue(bucket);
  }

  @Override
  public CompletableFuture<Boolean> complete(QueueId id) {
    return spool.complete(id);
  }

  @Override
  public CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError) {
    return spool.reschedule(id, due, attempts, lastError);
  }

  @Override
  public CompletableFuture<Boolean> fail(QueueId id, String reason, Instant at) {
    return spool.fail(id, reason, at);
  }

  @Override
  public CompletableFuture<Boolean> retryNow(QueueId id, Instant now) {
    return spool.retryNow(id, now);
  }

  @Override
  public CompletableFuture<Boolean> delete(QueueId id) {
    return spool.delete(id);
  }

  @Override
  public Optional<SpoolEntry> find(QueueId id) {
    return spool.find(id);
  }

  @Override
  public Optional<byte[]> content(QueueId id) {
    return spool.content(id);
  }

  @Override
  public List<SpoolEntry> list(SpoolFilter filter, QueueId after, int limit) {
    return spool.list(filter, after, limit);
  }

  @Override
  public SpoolStats stats() {
    return spool.stats();
  }

  @Override
  public void close() {
    spool.close();
  }

  @Override
  public String toString() {
    return spool.toString();
  }
}
