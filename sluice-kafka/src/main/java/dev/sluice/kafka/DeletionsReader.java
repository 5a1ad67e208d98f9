package dev.sluice.kafka;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole deletions topic into {@link Deletions}, first up to its end when the spool opens
 * (so a node knows every deletion before it takes anything), then follows it on its own thread.
 *
 * <p>Its consumer belongs to no group: every node reads every partition.
 */
final class DeletionsReader implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(DeletionsReader.class);
  private static final long PRUNE_NANOS = 60_000_000_000L;

  private final KafkaConsumer<String, byte[]> consumer;
  private final Deletions deletions;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean started;

  DeletionsReader(KafkaSpoolConfig config, Topics topics, Deletions deletions, Clock clock) {
    this.deletions = deletions;
    this.clock = clock;
    this.consumer = new KafkaConsumer<>(Clients.reader(config, "deletions"));
    this.thread = Thread.ofPlatform().name("sluice-kafka-deletions").daemon().unstarted(this);
    try {
      catchUp(topics.deleted(), config.openTimeout());
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
  }

  /** Reads up to the end the topic had when this started. */
  private void catchUp(String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : infos) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    for (TopicPartition tp : partitions) {
      while (consumer.position(tp, timeout) < end.get(tp)) {
        if (System.nanoTime() - deadline > 0) {
          throw new SpoolException(
              "could not read the deletions topic " + topic + " within " + timeout);
        }
        consumer.poll(Duration.ofMillis(100)).forEach(this::add);
      }
    }
    LOG.debug("read {} deletions from {}", deletions.size(), topic);
  }

  synchronized void start() {
    started = true;
    thread.start();
  }

  @Override
  public void run() {
    long nextPrune = System.nanoTime() + PRUNE_NANOS;
    try {
      while (running) {
        try {
          consumer.poll(Duration.ofMillis(500)).forEach(this::add);
        } catch (WakeupException e) {
          continue;
        } catch (KafkaException e) {
          LOG.warn("reading the Kafka spool's deletions failed: {}; trying again", e.toString());
        }
        if (System.nanoTime() - nextPrune >= 0) {
          deletions.prune(clock.millis());
          nextPrune = System.nanoTime() + PRUNE_NANOS;
        }
      }
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
  }

  private void add(ConsumerRecord<String, byte[]> r) {
    QueueId id = QueueId.parseOrNull(r.key());
    if (id == null || r.value() == null) {
      return;
    }
    try {
      deletions.add(id, Deletions.decode(id, r.value()), r.timestamp());
    } catch (SpoolException e) {
      LOG.warn("skipping an unreadable deletion: {}", e.getMessage());
    }
  }

  void close() {
    synchronized (this) {
      if (!started) {
        started = true; // closes once
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        return;
      }
    }
    running = false;
    consumer.wakeup();
    Threads.joinUninterruptibly(thread);
  }
}
