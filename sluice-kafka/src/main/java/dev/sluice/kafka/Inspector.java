package dev.sluice.kafka;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of a Kafka spool: finds and lists messages by reading the topics with a
 * consumer of its own (assigned, in no group), never the group member's.
 *
 * <h2>What a scan sees</h2>
 *
 * <p>The messages topic and the retry tiers are read from the group's committed offsets to their
 * end, the failed topic from its beginning (it is compacted: the latest record of each id, a
 * tombstone meaning gone). Records the deletions name are left out, and so are records this node
 * has finished but not yet committed. When one message has several records (its original not yet
 * committed and its retry record, or a failure and an operator's retry), the one written last
 * counts. So a scan is exact about failed messages and approximate about waiting ones: a message
 * another node finished after its last commit (within a commit interval, or longer behind one of
 * its messages still in flight) still shows as waiting, and one in flight on another node shows as
 * waiting, not active.
 *
 * <p><b>Bounds.</b> A scan reads at most {@link KafkaSpoolConfig#maxScanRecords()} records and
 * stops after the open timeout; what it returns then is partial, and a warning says so. {@link
 * #find} reads one bucket's partitions only (a message's partition is its bucket), so it stays
 * cheap whatever the backlog.
 *
 * <p>Thread-safe: one operation at a time.
 */
final class Inspector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Inspector.class);
  private static final long FAILED_CACHE_NANOS = 5_000_000_000L;

  /**
   * One record of a message as found.
   *
   * @param content the content, or null when not asked for
   */
  record Found(
      SpoolEntry entry, byte[] content, String topic, int partition, long offset, long timestamp) {}

  /** Records not yet committed by the group, on the messages topic and on the retry tiers. */
  record Lag(long messages, long tiers) {}

  /** The failed messages: how many, their content octets, the oldest received. */
  record FailedSummary(long count, long bytes, Optional<Instant> oldest) {}

  private final KafkaSpoolConfig config;
  private final Topics topics;
  private final Admin admin;
  private final Deletions deletions;
  private final ConsumerLoop local;
  private KafkaConsumer<String, byte[]> consumer;
  private FailedSummary failedCache;
  private long failedCacheNanos;
  private boolean closed;

  Inspector(
      KafkaSpoolConfig config,
      Topics topics,
      Admin admin,
      Deletions deletions,
      ConsumerLoop local) {
    this.config = config;
    this.topics = topics;
    this.admin = admin;
    this.deletions = deletions;
    this.local = local;
  }

  /** The latest record of one message, if it is waiting or failed. */
  synchronized Optional<Found> find(QueueId id, boolean withContent) {
    int bucket = id.bucket(config.partitions());
    List<TopicPartition> waiting = new ArrayList<>();
    for (String t : topics.consumed()) {
      waiting.add(new TopicPartition(t, bucket));
    }
    Map<TopicPartition, Long> from = committed(waiting);
    TopicPartition failed = new TopicPartition(topics.failed(), bucket);
    from.putAll(reader().beginningOffsets(List.of(failed), timeout()));
    Merge merge = new Merge(withContent);
    scan(
        from,
        r -> {
          if (id.value().equals(r.key())) {
            merge.offer(r);
          }
        });
    return Optional.ofNullable(merge.result().get(id));
  }

  /** The latest record of every waiting or failed message, entries only. */
  synchronized Map<QueueId, Found> all() {
    List<TopicPartition> waiting = new ArrayList<>();
    List<TopicPartition> failed = new ArrayList<>();
    for (int p = 0; p < config.partitions(); p++) {
      for (String t : topics.consumed()) {
        waiting.add(new TopicPartition(t, p));
      }
      failed.add(new TopicPartition(topics.failed(), p));
    }
    Map<TopicPartition, Long> from = committed(waiting);
    from.putAll(reader().beginningOffsets(failed, timeout()));
    Merge merge = new Merge(false);
    scan(from, merge::offer);
    return merge.result();
  }

  /**
   * How many records wait on the messages topic and on the tiers: for partitions this node owns,
   * exactly those it has neither taken nor finished; for the others, those the group has not
   * committed.
   */
  synchronized Lag lag() {
    List<TopicPartition> waiting = new ArrayList<>();
    for (int p = 0; p < config.partitions(); p++) {
      for (String t : topics.consumed()) {
        waiting.add(new TopicPartition(t, p));
      }
    }
    Map<TopicPartition, Long> from = committed(waiting);
    Map<TopicPartition, Long> end = reader().endOffsets(waiting, timeout());
    long messages = 0;
    long tiers = 0;
    for (TopicPartition tp : waiting) {
      long last = end.getOrDefault(tp, 0L);
      long n = local.waiting(tp, last);
      if (n < 0) {
        n = Math.max(0, last - from.getOrDefault(tp, 0L));
      }
      if (topics.isTier(tp.topic())) {
        tiers += n;
      } else {
        messages += n;
      }
    }
    return new Lag(messages, tiers);
  }

  /** The failed messages, from a scan of the failed topic at most a few seconds old. */
  synchronized FailedSummary failed() {
    if (failedCache != null && System.nanoTime() - failedCacheNanos < FAILED_CACHE_NANOS) {
      return failedCache;
    }
    List<TopicPartition> failed = new ArrayList<>();
    for (int p = 0; p < config.partitions(); p++) {
      failed.add(new TopicPartition(topics.failed(), p));
    }
    Map<String, long[]> live = new HashMap<>(); // id -> {size, received millis}
    scan(
        reader().beginningOffsets(failed, timeout()),
        r -> {
          QueueId id = QueueId.parseOrNull(r.key());
          if (id == null) {
            return;
          }
          if (r.value() == null) {
            live.remove(r.key());
            return;
          }
          try {
            SpoolEntry e = RecordCodec.decodeEntry(id, r.value());
            live.put(r.key(), new long[] {e.size(), Millis.of(e.received())});
          } catch (SpoolException e) {
            LOG.warn("skipping an unreadable failed record: {}", e.getMessage());
          }
        });
    long bytes = 0;
    long oldest = Long.MAX_VALUE;
    for (long[] v : live.values()) {
      bytes += v[0];
      oldest = Math.min(oldest, v[1]);
    }
    failedCache =
        new FailedSummary(
            live.size(),
            bytes,
            live.isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest)));
    failedCacheNanos = System.nanoTime();
    return failedCache;
  }

  /** Forgets the cached failed summary: this node just changed the failed topic. */
  synchronized void invalidateFailed() {
    failedCache = null;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (consumer != null) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      consumer = null;
    }
  }

  // ---------------------------------------------------------------- scanning

  private KafkaConsumer<String, byte[]> reader() {
    if (closed) {
      throw new SpoolException("spool is closed");
    }
    if (consumer == null) {
      consumer = new KafkaConsumer<>(Clients.reader(config, "inspector"));
    }
    return consumer;
  }

  private Duration timeout() {
    return config.openTimeout();
  }

  /** The group's committed offsets of these partitions; the beginning where it has none. */
  private Map<TopicPartition, Long> committed(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> group;
    try {
      group =
          admin
              .listConsumerGroupOffsets(config.groupId())
              .partitionsToOffsetAndMetadata()
              .get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new SpoolException(
          "could not read the offsets of group " + config.groupId() + ": " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new SpoolException(
          "could not read the offsets of group " + config.groupId() + " in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpoolException("interrupted", e);
    }
    Map<TopicPartition, Long> from = new HashMap<>();
    List<TopicPartition> none = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = group.get(tp);
      if (o == null) {
        none.add(tp);
      } else {
        from.put(tp, o.offset());
      }
    }
    if (!none.isEmpty()) {
      from.putAll(reader().beginningOffsets(none, timeout()));
    }
    return from;
  }

  /** Reads each partition from its offset to the end it had when the scan began, within bounds. */
  private void scan(
      Map<TopicPartition, Long> from, Consumer<ConsumerRecord<String, byte[]>> visit) {
    KafkaConsumer<String, byte[]> c = reader();
    long deadline = System.nanoTime() + timeout().toNanos();
    try {
      Map<TopicPartition, Long> end = c.endOffsets(from.keySet(), timeout());
      Set<TopicPartition> left = new HashSet<>();
      for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
        if (e.getValue() < end.getOrDefault(e.getKey(), 0L)) {
          left.add(e.getKey());
        }
      }
      c.assign(left);
      for (TopicPartition tp : left) {
        c.seek(tp, from.get(tp));
      }
      long read = 0;
      while (!left.isEmpty()) {
        if (read >= config.maxScanRecords() || System.nanoTime() - deadline > 0) {
          LOG.warn(
              "Kafka spool scan stopped after {} records with {} partitions unread; the result is"
                  + " partial (maxScanRecords {}, timeout {})",
              read,
              left.size(),
              config.maxScanRecords(),
              timeout());
          break;
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < end.get(tp)) {
            visit.accept(r);
            read++;
          }
        }
        left.removeIf(tp -> c.position(tp, timeout()) >= end.get(tp));
        c.pause(c.assignment().stream().filter(tp -> !left.contains(tp)).toList());
      }
    } catch (KafkaException e) {
      throw new SpoolException("could not read the Kafka spool's topics: " + e, e);
    } finally {
      c.assign(List.of());
    }
  }

  /** Keeps the latest record of each message among those offered. */
  private final class Merge {
    private final boolean withContent;
    private final Map<QueueId, Found> waiting = new HashMap<>();
    private final Map<QueueId, Found> failed = new HashMap<>();

    Merge(boolean withContent) {
      this.withContent = withContent;
    }

    void offer(ConsumerRecord<String, byte[]> r) {
      QueueId id = QueueId.parseOrNull(r.key());
      if (id == null) {
        return;
      }
      boolean isFailed = r.topic().equals(topics.failed());
      if (r.value() == null) {
        if (isFailed) {
          failed.remove(id); // a tombstone: gone
        }
        return;
      }
      if (!isFailed
          && (deletions.skips(id, r.topic(), r.partition(), r.offset())
              || local.finished(new TopicPartition(r.topic(), r.partition()), r.offset()))) {
        return; // deleted, or finished here and not yet committed
      }
      Found f;
      try {
        if (withContent) {
          RecordCodec.Decoded d = RecordCodec.decode(id, r.value());
          f = found(r, d.entry(), d.content());
        } else {
          f = found(r, RecordCodec.decodeEntry(id, r.value()), null);
        }
      } catch (SpoolException e) {
        LOG.warn("skipping an unreadable record at {}-{}@{}", r.topic(), r.partition(), r.offset());
        return;
      }
      if (isFailed) {
        failed.put(id, f); // records of one id are in one partition, in order: the last counts
      } else {
        waiting.merge(id, f, this::later);
      }
    }

    Map<QueueId, Found> result() {
      Map<QueueId, Found> all = new HashMap<>(waiting);
      failed.forEach((id, f) -> all.merge(id, f, this::later));
      return all;
    }

    private static Found found(ConsumerRecord<String, byte[]> r, SpoolEntry e, byte[] content) {
      return new Found(e, content, r.topic(), r.partition(), r.offset(), r.timestamp());
    }

    /**
     * The record written last; within one millisecond, the one further along a message's way
     * (messages topic, then a retry tier, then the failed topic).
     */
    private Found later(Found a, Found b) {
      if (a.timestamp() != b.timestamp()) {
        return b.timestamp() > a.timestamp() ? b : a;
      }
      return rank(b.topic()) >= rank(a.topic()) ? b : a;
    }

    private int rank(String topic) {
      return topic.equals(topics.failed()) ? 2 : topics.isTier(topic) ? 1 : 0;
    }
  }
}
