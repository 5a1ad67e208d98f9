package dev.sluice.core.spool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable queue between ingress and delivery. Ingress appends; the delivery scheduler takes due
 * messages bucket by bucket and records each outcome; operator tools list, retry and delete.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>A future returned by {@link #append} or {@link #appendAll} completes normally only once the
 *       message is durable (synced to disk, or acknowledged by every in-sync replica); until then
 *       nothing may tell a client it was accepted. It completes exceptionally with {@link
 *       SpoolException} when the message was not stored.
 *   <li>State changes ({@link #complete}, {@link #reschedule}, {@link #fail}, {@link #delete},
 *       {@link #retryNow}) are durable once their future completes.
 *   <li>After a crash and reopen, every appended message not yet completed or deleted is there
 *       again; messages that were {@link SpoolState#ACTIVE} are due at once (delivered at least
 *       once, possibly twice), QUEUED or DEFERRED as {@link #retryNow} would make them.
 * </ul>
 *
 * <h2>Buckets</h2>
 *
 * <p>Messages are sharded into {@link #buckets()} buckets by {@link QueueId#bucket(int)}. One taker
 * per bucket at a time: {@link #takeDue} is called by the single owner of that bucket (a delivery
 * worker here, a consumer-group member in distributed mode).
 *
 * <h2>Fit for a partitioned log</h2>
 *
 * <p>Nothing here needs in-place updates or random access that a partitioned log (Kafka) cannot
 * provide: a bucket is a partition; {@link #takeDue} is a poll of the owner's partition plus its
 * due retries; {@link #reschedule} may write a new record elsewhere (a retry topic) and retire the
 * old one; {@link #delete} and {@link #fail} may be tombstones consulted when the record comes up.
 * Narrowing the recipients of a partly delivered message ({@link #reschedule(QueueId, Instant, int,
 * String, List)}, {@link #fail(QueueId, String, Instant, List)}) needs no update in place either:
 * the retry or failure record carries the narrowed envelope, and the original record's envelope is
 * never read again once it is retired. {@link #find} and {@link #list} are operator tools and may
 * be slower on such a backend.
 *
 * <p>Implementations are thread-safe.
 */
public interface Spool extends AutoCloseable {
  /** The number of buckets messages are sharded into; fixed for the life of the spool. */
  int buckets();

  /**
   * Stores one message durably and names it. A new message is {@link SpoolState#QUEUED}, due at its
   * {@link Submission#received() received} time, and its id puts it in a bucket of its {@link
   * Submission#buckets() range}; the future fails with {@link IllegalArgumentException} when the
   * range holds none of the spool's buckets.
   */
  CompletableFuture<QueueId> append(Submission message);

  /**
   * Stores several messages durably, all or none, and names them in order. The whole batch shares
   * one sync.
   */
  CompletableFuture<List<QueueId>> appendAll(List<Submission> messages);

  /**
   * Like {@link #appendAll}, and completes with the entries of the messages as stored ({@link
   * SpoolEntry#queued}), so that a door can tell of what it accepted without reading the spool
   * back. A spool that stores something other than what it is given (another content, origin or
   * envelope) must override this to give the entries of what it stored.
   */
  default CompletableFuture<List<SpoolEntry>> appendEntries(List<Submission> messages) {
    List<Submission> copy = List.copyOf(messages);
    return appendAll(copy)
        .thenApply(
            ids -> {
              List<SpoolEntry> entries = new ArrayList<>(ids.size());
              for (int i = 0; i < ids.size(); i++) {
                entries.add(SpoolEntry.queued(ids.get(i), copy.get(i)));
              }
              return entries;
            });
  }

  /**
   * Takes up to {@code max} messages of one bucket that are {@link SpoolState#QUEUED} or {@link
   * SpoolState#DEFERRED} and due at or before {@code now}, earliest due first, and marks them
   * {@link SpoolState#ACTIVE}. Each taken message must later be completed, rescheduled or failed.
   * Does not block waiting for messages; returns an empty list when none is due.
   */
  List<SpooledMessage> takeDue(int bucket, Instant now, int max);

  /**
   * When the earliest waiting message of a bucket is due, if any waits; a scheduler sleeps until
   * then (or until something is appended).
   */
  Optional<Instant> nextDue(int bucket);

  /** Removes a delivered message. Completes with false if it was no longer in the spool. */
  CompletableFuture<Boolean> complete(QueueId id);

  /**
   * Puts a message back to wait until {@code due} ({@link SpoolState#DEFERRED}), recording its
   * attempt count and the reason. Completes with false if it was no longer in the spool.
   */
  CompletableFuture<Boolean> reschedule(QueueId id, Instant due, int attempts, String lastError);

  /**
   * Like {@link #reschedule(QueueId, Instant, int, String)}, and narrows the envelope to {@code
   * remainingRecipients}: for a message some of whose recipients were already accepted upstream
   * (its recipients were split across calls), so that the retry reaches only those still waiting.
   * The narrowing is part of the same durable change.
   *
   * @param remainingRecipients the recipients still to deliver, in order, each one of the message's
   *     current recipients; if one is not, the future completes exceptionally with {@link
   *     IllegalArgumentException} and nothing changes
   * @throws IllegalArgumentException when {@code remainingRecipients} is empty
   */
  CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError, List<String> remainingRecipients);

  /**
   * Gives up on a message ({@link SpoolState#FAILED}), keeping it and the reason for operators. If
   * it was {@link SpoolState#ACTIVE}, the attempt that ended in this failure is counted (attempts
   * goes up by one). Completes with false if it was no longer in the spool.
   */
  CompletableFuture<Boolean> fail(QueueId id, String reason, Instant at);

  /**
   * Like {@link #fail(QueueId, String, Instant)}, and narrows the envelope to the recipients that
   * did not get the message, so that an operator's retry does not send it twice to the others.
   *
   * @param remainingRecipients the recipients given up on, each one of the message's current
   *     recipients; if one is not, the future completes exceptionally with {@link
   *     IllegalArgumentException} and nothing changes
   * @throws IllegalArgumentException when {@code remainingRecipients} is empty
   */
  CompletableFuture<Boolean> fail(
      QueueId id, String reason, Instant at, List<String> remainingRecipients);

  /**
   * Makes a waiting or failed message due now (operator retry); an active one is left alone. It
   * becomes {@link SpoolState#QUEUED} if it was never attempted, {@link SpoolState#DEFERRED}
   * otherwise, keeping its attempts and last error. Completes with false if it is not in the spool
   * or active.
   */
  CompletableFuture<Boolean> retryNow(QueueId id, Instant now);

  /** Removes a message in any state. Completes with false if it was not in the spool. */
  CompletableFuture<Boolean> delete(QueueId id);

  /** The entry of one message, if held. */
  Optional<SpoolEntry> find(QueueId id);

  /** The content of one message, if held. */
  Optional<byte[]> content(QueueId id);

  /**
   * Entries passing a filter in queue-id order (roughly the order received), starting after {@code
   * after} (or from the start when {@code null}), at most {@code limit}. Page by passing the last
   * id returned.
   */
  List<SpoolEntry> list(SpoolFilter filter, QueueId after, int limit);

  /** Counts by state, octets held, oldest message and free space. */
  SpoolStats stats();

  /**
   * What the doors' admission check reads for every message: {@link #stats()} without the oldest
   * message ({@link SpoolStats#oldestReceived()} is empty), which a spool may have to read its
   * storage to find. The default is {@link #stats()} itself.
   */
  default SpoolStats intakeStats() {
    return stats();
  }

  /**
   * Why the spool refuses writes now, or empty while it takes them; cheap enough to call for every
   * message. A spool whose storage reports no such state (the default) always answers empty.
   */
  default Optional<SpoolRefusal> refusal() {
    return Optional.empty();
  }

  /** Finishes pending writes (their futures complete) and releases the storage; idempotent. */
  @Override
  void close();
}
