package dev.sluice.kafka;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the group member (a {@link KafkaConsumer} is not thread-safe): reads the
 * messages topic and every retry tier into the per-bucket {@link ReadyBuffers}, holds back what is
 * not due, and commits what is finished.
 *
 * <h2>Design</h2>
 *
 * <p><b>Pausing instead of buffering.</b> A partition is paused while its bucket's buffer is full
 * (until the bucket drains to half), while the head record of a retry tier partition is not due
 * (until it is), and for good when a record cannot be read (a format this version does not know:
 * nothing after it is lost, and the group's offset stays before it for a Sluice that reads it). A
 * record the loop cannot take now is put back by seeking to it, so the consumer fetches it again on
 * resume and nothing is held in memory beyond the buffers.
 *
 * <p><b>Retry tiers are read head first.</b> See {@link Topics}: a tier partition waits for its
 * head. A head that is still not due when it has been held as long as its tier allows is written
 * again to the tier its remaining delay belongs to (a "hop"), and finished once that write is
 * acknowledged.
 *
 * <p><b>Commits</b> go up to each partition's lowest unfinished record ({@link PartitionTracker}),
 * asynchronously every commit interval, and synchronously when partitions are revoked and when the
 * loop stops. Each commit's metadata names the records finished above that offset ({@link
 * FinishedOffsets}); a member assigned the partition reads it and skips them. So a partition that
 * changes hands is delivered again only from what was in flight, and after a crash also what was
 * finished since the last commit (at-least-once).
 *
 * <p><b>Rebalances.</b> Buckets moving away lose their buffered records (the new owner reads them
 * again from the committed offset); the loop waits up to the revoke grace for the outcomes of their
 * messages in flight, commits, and forgets the partitions. Outcomes arriving later still write
 * their retry or failure records, but can no longer commit; the new owner delivers those messages
 * again.
 *
 * <p>Thread-safe where stated: {@link #drained}, {@link #ownedBuckets}, {@link #heldPartitions} and
 * {@link #stop} may be called from any thread; the rest runs on the loop's thread.
 */
final class ConsumerLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final long MAX_POLL_MILLIS = 100;
  private static final long HOP_RETRY_NANOS = 1_000_000_000L;

  private final KafkaSpoolConfig config;
  private final Topics topics;
  private final Clock clock;
  private final ReadyBuffers buffers;
  private final Deletions deletions;
  private final Producer<String, byte[]> producer;
  private final KafkaSpool.Listener listener;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;

  // Loop-thread state (trackers is read by other threads, changed only by the loop's).
  private final Map<TopicPartition, PartitionTracker> trackers = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> heldUntil = new HashMap<>();
  private final Set<TopicPartition> stuck = new HashSet<>();
  // The retired trackers of the partitions the rebalance under way took away, until it assigns.
  private final Map<TopicPartition, PartitionTracker> former = new HashMap<>();
  private long nextCommitNanos;
  private long lastHopRetryNanos;

  // Shared state.
  private final Set<Integer> fullBuckets = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Hop> failedHops = new ConcurrentLinkedQueue<>();
  private volatile Set<Integer> owned = Set.of();
  private Set<Integer> announced; // what the listener heard last; loop thread only
  private volatile int held;
  private final AtomicLong hops = new AtomicLong();
  private volatile boolean running = true;
  private volatile boolean abandoned;
  private volatile boolean metadataTooLarge;
  private boolean started;

  /** A commit point on its way to the group coordinator. */
  private record Pending(PartitionTracker tracker, PartitionTracker.CommitPoint point) {
    void succeeded() {
      tracker.committed(point);
    }
  }

  /** A head record to be written to another tier. */
  private record Hop(PartitionTracker tracker, ConsumerRecord<String, byte[]> record, long due) {}

  ConsumerLoop(
      KafkaSpoolConfig config,
      Topics topics,
      Clock clock,
      ReadyBuffers buffers,
      Deletions deletions,
      Producer<String, byte[]> producer) {
    this.config = config;
    this.topics = topics;
    this.clock = clock;
    this.buffers = buffers;
    this.deletions = deletions;
    this.producer = producer;
    this.listener = config.listener();
    this.consumer = new KafkaConsumer<>(Clients.member(config));
    this.thread = Thread.ofPlatform().name("sluice-kafka-consumer").daemon().unstarted(this);
  }

  synchronized void start() {
    started = true;
    thread.start();
  }

  /** The buckets whose messages partition this member owns. Any thread. */
  Set<Integer> ownedBuckets() {
    return owned;
  }

  /** Tier partitions waiting for their head to come due. Any thread. */
  int heldPartitions() {
    return held;
  }

  /** Whether this node owns the partition and has finished the record at {@code offset}. */
  boolean finished(TopicPartition tp, long offset) {
    PartitionTracker t = trackers.get(tp);
    return t != null && t.finished(offset);
  }

  /** Records of an owned partition that wait (see {@link PartitionTracker#waiting}); else -1. */
  long waiting(TopicPartition tp, long end) {
    PartitionTracker t = trackers.get(tp);
    return t == null ? -1 : t.waiting(end);
  }

  /** Head records written again to another tier since the start. Any thread. */
  long hops() {
    return hops.get();
  }

  /** A taker took from {@code bucket}: if that let a full bucket drain to half, read it again. */
  void drained(int bucket) {
    if (running && fullBuckets.contains(bucket) && buffers.belowHalf(bucket)) {
      consumer.wakeup();
    }
  }

  /**
   * Stops the loop and closes the member, leaving the group. With {@code commit}, finished offsets
   * are committed first; without, the group's offsets stay where the last commit left them, as
   * after a crash. Any thread; returns when the member is closed.
   */
  void stop(boolean commit) {
    synchronized (this) {
      if (!started) {
        started = true; // closes once
        consumer.close();
        return;
      }
    }
    abandoned = !commit;
    running = false;
    consumer.wakeup();
    Threads.joinUninterruptibly(thread);
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(topics.consumed(), new Rebalance());
      nextCommitNanos = System.nanoTime() + config.commitInterval().toNanos();
      while (running) {
        try {
          turn();
        } catch (WakeupException e) {
          // a bucket drained, or stop: look again
        } catch (KafkaException e) {
          if (!running) {
            break;
          }
          LOG.error("Kafka spool consumer: {}; trying again in a second", e.toString(), e);
          sleepQuietly(1000);
        }
      }
    } catch (RuntimeException | Error e) {
      LOG.error("Kafka spool consumer stopped: {}", e.toString(), e);
      throw e;
    } finally {
      close();
    }
  }

  private void turn() {
    long now = clock.millis();
    applyPauses(now);
    retryHops(now);
    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(pollMillis(now)));
    if (!records.isEmpty()) {
      read(records, clock.millis());
    }
    if (System.nanoTime() - nextCommitNanos >= 0) {
      commit(trackers.values(), false);
      nextCommitNanos = System.nanoTime() + config.commitInterval().toNanos();
    }
  }

  private long pollMillis(long now) {
    long wait = MAX_POLL_MILLIS;
    for (long until : heldUntil.values()) {
      wait = Math.min(wait, until - now);
    }
    return Math.max(0, wait);
  }

  /** Pauses exactly the assigned partitions that must not be read now, and resumes the rest. */
  private void applyPauses(long now) {
    heldUntil.values().removeIf(until -> until <= now);
    held = heldUntil.size();
    fullBuckets.removeIf(buffers::belowHalf);
    Set<TopicPartition> assigned = consumer.assignment();
    Set<TopicPartition> paused = consumer.paused();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (TopicPartition tp : assigned) {
      boolean hold =
          stuck.contains(tp) || heldUntil.containsKey(tp) || fullBuckets.contains(tp.partition());
      if (hold && !paused.contains(tp)) {
        pause.add(tp);
      } else if (!hold && paused.contains(tp)) {
        resume.add(tp);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  private void read(ConsumerRecords<String, byte[]> records, long now) {
    Set<Integer> arrived = new TreeSet<>();
    for (TopicPartition tp : records.partitions()) {
      PartitionTracker tracker = trackers.get(tp);
      if (tracker == null) {
        continue;
      }
      boolean tier = topics.isTier(tp.topic());
      int bucket = tp.partition();
      PartitionTracker before = former.get(tp);
      for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
        if ((before != null && before.finishedHere(r.offset()))
            || tracker.finishedEarlier(r.offset())) {
          // finished here before the partition came back, or by its earlier owner
          tracker.readDone(r.offset());
          continue;
        }
        QueueId id = QueueId.parseOrNull(r.key());
        if (id == null || r.value() == null) {
          LOG.warn("skipping a record that is not a spooled message: {}@{}", tp, r.offset());
          tracker.readDone(r.offset());
          continue;
        }
        if (deletions.skips(id, tp.topic(), tp.partition(), r.offset())) {
          tracker.readDone(r.offset());
          continue;
        }
        RecordCodec.Decoded d;
        try {
          d = RecordCodec.decode(id, r.value());
        } catch (SpoolException e) {
          LOG.error(
              "cannot read {}@{}: {}; the partition waits here for a Sluice that can",
              tp,
              r.offset(),
              e.getMessage());
          consumer.seek(tp, r.offset());
          stuck.add(tp);
          break;
        }
        if (tier) {
          long due = Millis.of(d.entry().due());
          long until = Math.min(due, r.timestamp() + topics.holdMillis(tp.topic()));
          if (until > now) {
            consumer.seek(tp, r.offset());
            heldUntil.put(tp, until);
            held = heldUntil.size();
            break;
          }
          if (due > now) {
            tracker.read(r.offset());
            hop(new Hop(tracker, r, due), now);
            continue;
          }
        }
        if (!buffers.hasRoom(bucket, r.value().length)) {
          consumer.seek(tp, r.offset());
          fullBuckets.add(bucket);
          break;
        }
        tracker.read(r.offset());
        buffers.add(bucket, new ReadyBuffers.Ready(d.entry(), d.content(), tracker, r.offset()));
        arrived.add(bucket);
      }
    }
    for (int b : arrived) {
      try {
        listener.arrived(b);
      } catch (RuntimeException e) {
        LOG.warn("Kafka spool listener failed on arrival in bucket {}", b, e);
      }
    }
  }

  /** Writes a held head that is still not due to the tier of its remaining delay. */
  private void hop(Hop h, long now) {
    ConsumerRecord<String, byte[]> r = h.record();
    ProducerRecord<String, byte[]> again =
        new ProducerRecord<>(topics.tierFor(h.due() - now), r.partition(), now, r.key(), r.value());
    try {
      producer.send(
          again,
          (md, e) -> {
            if (e == null) {
              hops.incrementAndGet();
              h.tracker().done(r.offset());
            } else {
              LOG.warn(
                  "could not move {} to a retry tier: {}; trying again", r.key(), e.toString());
              failedHops.add(h);
            }
          });
    } catch (KafkaException | IllegalStateException e) {
      LOG.warn("could not move {} to a retry tier: {}; trying again", r.key(), e.toString());
      failedHops.add(h);
    }
  }

  private void retryHops(long now) {
    if (failedHops.isEmpty() || System.nanoTime() - lastHopRetryNanos < HOP_RETRY_NANOS) {
      return;
    }
    lastHopRetryNanos = System.nanoTime();
    for (int n = failedHops.size(); n > 0; n--) {
      Hop h = failedHops.poll();
      if (h == null) {
        break;
      }
      if (!h.tracker().retired()) {
        hop(h, now);
      }
    }
  }

  private void commit(Collection<PartitionTracker> which, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, Pending> pending = new HashMap<>();
    int metadataChars = metadataTooLarge ? 0 : FinishedOffsets.MAX_CHARS;
    for (PartitionTracker t : which) {
      PartitionTracker.CommitPoint c = t.commitPoint(metadataChars);
      if (c != null) {
        offsets.put(t.partition(), new OffsetAndMetadata(c.position(), c.metadata()));
        pending.put(t.partition(), new Pending(t, c));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    if (!sync) {
      consumer.commitAsync(
          offsets,
          (done, e) -> {
            if (e == null) {
              done.keySet().forEach(tp -> pending.get(tp).succeeded());
            } else {
              noteMetadataTooLarge(e);
              LOG.debug("Kafka spool commit failed: {}; the next one covers it", e.toString());
            }
          });
      return;
    }
    for (int attempt = 0; ; attempt++) {
      try {
        consumer.commitSync(offsets);
        offsets.keySet().forEach(tp -> pending.get(tp).succeeded());
        return;
      } catch (WakeupException e) {
        if (attempt >= 3) {
          return; // a wakeup storm; the next commit covers it
        }
      } catch (KafkaException e) {
        if (noteMetadataTooLarge(e) && attempt < 3) {
          offsets.replaceAll((tp, o) -> new OffsetAndMetadata(o.offset()));
          continue;
        }
        LOG.warn(
            "Kafka spool could not commit {} partitions: {}; their finished messages since the"
                + " last commit may be delivered again",
            offsets.size(),
            e.toString());
        return;
      }
    }
  }

  /**
   * A cluster whose {@code offset.metadata.max.bytes} is below what the finished offsets need gets
   * plain commits from then on (the records finished above a commit are then delivered again when
   * their partition changes hands). Returns whether {@code e} was that.
   */
  private boolean noteMetadataTooLarge(Exception e) {
    if (!(e instanceof OffsetMetadataTooLarge)) {
      return false;
    }
    if (!metadataTooLarge) {
      metadataTooLarge = true;
      LOG.warn(
          "the Kafka cluster refuses commit metadata of {} characters (offset.metadata.max.bytes);"
              + " committing offsets alone: messages finished out of order may be delivered again"
              + " when their partition moves to another node",
          FinishedOffsets.MAX_CHARS);
    }
    return true;
  }

  private void close() {
    try {
      if (!abandoned) {
        commit(trackers.values(), true);
      }
    } catch (RuntimeException e) {
      LOG.warn("Kafka spool: final commit failed: {}", e.toString());
    }
    try {
      consumer.close();
    } catch (RuntimeException e) {
      LOG.warn("Kafka spool: closing the consumer failed: {}", e.toString());
    }
    trackers.values().forEach(PartitionTracker::retire);
    trackers.clear();
    owned = Set.of();
  }

  /**
   * Recomputes the buckets owned from the trackers; with {@code announce}, tells the listener when
   * they differ from what it heard last.
   *
   * <p>Only an assignment announces. The eager protocol revokes every partition when a rebalance
   * starts and assigns the new set when it ends (an empty set included); announcing the empty
   * interim would drop this node's share of the account to nothing for the length of the rebalance
   * (the sender then takes its daily quota for spent and the relay stops taking for a quota
   * refresh), although the node keeps or gains buckets in most rebalances.
   */
  private void updateOwned(boolean announce) {
    Set<Integer> now = new TreeSet<>();
    for (TopicPartition tp : trackers.keySet()) {
      if (tp.topic().equals(topics.messages())) {
        now.add(tp.partition());
      }
    }
    owned = Set.copyOf(now);
    if (!announce || owned.equals(announced)) {
      return;
    }
    announced = owned;
    LOG.info("Kafka spool owns buckets {} of {}", now, config.partitions());
    try {
      listener.assigned(announced, config.partitions());
    } catch (RuntimeException e) {
      LOG.warn("Kafka spool listener failed on assignment", e);
    }
  }

  /**
   * Lets go of partitions; with {@code revoked}, waits for their in-flight outcomes and commits.
   */
  private void release(Collection<TopicPartition> partitions, boolean revoked) {
    if (partitions.isEmpty()) {
      return;
    }
    buffers.drop(partitions);
    List<PartitionTracker> leaving = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      PartitionTracker t = trackers.get(tp);
      if (t != null) {
        leaving.add(t);
      }
    }
    if (revoked && running) {
      long deadline = System.nanoTime() + config.revokeGrace().toNanos();
      try {
        for (PartitionTracker t : leaving) {
          t.awaitTaken(deadline);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (revoked && !abandoned) {
      commit(leaving, true);
    }
    for (TopicPartition tp : partitions) {
      PartitionTracker t = trackers.remove(tp);
      if (t != null) {
        t.retire();
        former.put(tp, t);
      }
      heldUntil.remove(tp);
      stuck.remove(tp);
    }
    held = heldUntil.size();
    updateOwned(false);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Reads the group's committed offsets of newly assigned partitions, and with them which records
   * above each the earlier owner finished ({@link FinishedOffsets}). Without them (the call fails)
   * those records are delivered again: at-least-once still holds.
   */
  private void inheritFinished(Set<TopicPartition> fresh) {
    if (fresh.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = consumer.committed(fresh, config.openTimeout());
    } catch (KafkaException e) {
      LOG.warn(
          "Kafka spool could not read the committed offsets of {} partitions: {}; messages their"
              + " earlier owner finished out of order may be delivered again",
          fresh.size(),
          e.toString());
      return;
    }
    committed.forEach(
        (tp, o) -> {
          PartitionTracker t = trackers.get(tp);
          if (o != null && t != null) {
            t.inherit(o.offset(), o.metadata());
          }
        });
  }

  /** Runs on the loop's thread, inside poll (and close). */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // Records of a partition that came back and were finished here while it was away (the
      // revoke grace ran out before their outcomes came) are skipped when read again.
      former.keySet().retainAll(partitions);
      Set<TopicPartition> fresh = new HashSet<>();
      for (TopicPartition tp : partitions) {
        if (trackers.putIfAbsent(tp, new PartitionTracker(tp)) == null) {
          fresh.add(tp);
        }
      }
      inheritFinished(fresh);
      updateOwned(true);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      release(partitions, true);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.warn(
          "Kafka spool lost {} partitions without a clean hand-over; their messages in flight"
              + " will be delivered again by the new owner",
          partitions.size());
      release(partitions, false);
    }
  }
}
