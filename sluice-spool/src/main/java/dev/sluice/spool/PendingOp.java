package dev.sluice.spool;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An operation waiting for the {@link SpoolWriter}: the caller holds its future and waits; the
 * writer carries it out and completes the future.
 */
sealed interface PendingOp {
  /** Room a message's entry and envelope take beside its content, for the memory bounds. */
  long ENTRY_OVERHEAD = 256;

  /** The message octets this operation holds in memory while it waits. */
  long bytes();

  /** Completes the caller's future exceptionally. */
  void fail(Throwable t);

  /** New messages, stored all or none: entries (state QUEUED) and their contents, in order. */
  record Append(
      List<SpoolEntry> entries, List<byte[]> contents, CompletableFuture<List<QueueId>> done)
      implements PendingOp {
    @Override
    public long bytes() {
      long n = 0;
      for (byte[] c : contents) {
        n += c.length + ENTRY_OVERHEAD;
      }
      return n;
    }

    @Override
    public void fail(Throwable t) {
      done.completeExceptionally(t);
    }
  }

  /** What a {@link Change} does to an entry. */
  enum Kind {
    COMPLETE,
    RESCHEDULE,
    FAIL,
    RETRY_NOW,
    DELETE
  }

  /**
   * A change of one message's state; completes with whether it applied.
   *
   * @param at the new due time (RESCHEDULE, RETRY_NOW) or the failure time (FAIL)
   * @param attempts the new attempt count (RESCHEDULE)
   * @param text the last error (RESCHEDULE) or the reason (FAIL)
   * @param recipients the narrowed recipients (RESCHEDULE, FAIL), or null to keep the envelope
   */
  record Change(
      Kind kind,
      QueueId id,
      Instant at,
      int attempts,
      String text,
      List<String> recipients,
      CompletableFuture<Boolean> done)
      implements PendingOp {
    @Override
    public long bytes() {
      return ENTRY_OVERHEAD;
    }

    @Override
    public void fail(Throwable t) {
      done.completeExceptionally(t);
    }
  }

  /** A {@code takeDue}: the entries taken, now ACTIVE, in due order. */
  record Take(int bucket, Instant now, int max, CompletableFuture<List<SpoolEntry>> done)
      implements PendingOp {
    @Override
    public long bytes() {
      return 0;
    }

    @Override
    public void fail(Throwable t) {
      done.completeExceptionally(t);
    }
  }
}
