package dev.sluice.kafka;

import dev.sluice.core.spool.SpoolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few keyed topics that every node writes to and reads in full, to keep state of its own in step
 * with the other nodes' (distributed mode's feedback: SES events, history lines, the suppression
 * list). Each record carries the id of the node that wrote it in a header; a node skips its own,
 * which it applied when it wrote them.
 *
 * <p><b>Design.</b> One consumer outside any group, assigned every partition of every topic, on a
 * platform thread of its own, so that every node sees every record; it resumes from the positions
 * the {@link Reader} kept with what it applied (at-least-once: a record applied but whose position
 * was not kept is applied again after a crash, so applying must tolerate a repeat). {@link #open}
 * waits, up to the open timeout, until the records the topics held when it started are applied, so
 * a node does not open its doors knowing less than the others. A failed apply is retried from the
 * same positions after a pause. Topics are created at open when missing, compacted ({@code
 * cleanup.policy=compact}, plus {@code delete} after a retention when the topic has one); an
 * existing topic that is not compacted stops the open.
 *
 * <p>Thread-safe: {@link #publish} may be called from any thread.
 */
public final class SharedTopics implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SharedTopics.class);

  /** The header naming the node that wrote a record. */
  static final String ORIGIN = "sluice-node";

  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  /**
   * A topic to share.
   *
   * @param name its full name
   * @param retention how long its records are kept, or null to keep the latest of each key until a
   *     tombstone removes it
   */
  public record Topic(String name, Duration retention) {
    /** Checks the name is present. */
    public Topic {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * One record another node wrote.
   *
   * @param topic the topic it was read from
   * @param key its key
   * @param value its value, or null for a tombstone
   */
  public record Shared(String topic, String key, byte[] value) {}

  /** Applies what the other nodes wrote to this node's state, and keeps where it got to. */
  public interface Reader {
    /**
     * Where to resume a topic: the next offset of each partition, as last given to {@link #apply};
     * empty to read from the beginning.
     */
    Map<Integer, Long> positions(String topic);

    /**
     * Applies records (in order within each partition), then keeps {@code positions}: for each
     * topic read, the next offset of each partition.
     *
     * @throws IOException if they could not be applied; the same records come again later
     */
    void apply(List<Shared> records, Map<String, Map<Integer, Long>> positions) throws IOException;
  }

  private final KafkaSpoolConfig config;
  private final String origin;
  private final byte[] originBytes;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Reader reader;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Map<TopicPartition, Long> ends = new HashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private volatile boolean running = true;

  private SharedTopics(
      KafkaSpoolConfig config,
      String origin,
      KafkaProducer<String, byte[]> producer,
      KafkaConsumer<String, byte[]> consumer,
      Reader reader) {
    this.config = config;
    this.origin = origin;
    this.originBytes = origin.getBytes(StandardCharsets.UTF_8);
    this.producer = producer;
    this.consumer = consumer;
    this.reader = reader;
    this.thread = Thread.ofPlatform().name("sluice-kafka-shared").daemon().unstarted(this::run);
  }

  /**
   * Creates missing topics, starts reading from where {@code reader} got to, and waits until what
   * the topics held is applied (at most the open timeout; beyond it reading goes on in the
   * background, with a warning).
   *
   * @param config the cluster, client settings, partitions and replication of created topics
   * @param origin this node's id, the same across restarts
   * @throws SpoolException when the cluster cannot be reached or a topic is not compacted
   */
  public static SharedTopics open(
      KafkaSpoolConfig config, String origin, List<Topic> topics, Reader reader) {
    try (Admin admin = Admin.create(Clients.admin(config))) {
      ensure(admin, config, topics);
    }
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Clients.producer(config));
    KafkaConsumer<String, byte[]> consumer;
    try {
      consumer = new KafkaConsumer<>(Clients.reader(config, "shared"));
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    SharedTopics shared = new SharedTopics(config, origin, producer, consumer, reader);
    try {
      shared.assign(topics);
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      producer.close(Duration.ZERO);
      throw e;
    }
    shared.thread.start();
    try {
      if (!shared.caughtUp.await(config.openTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "the shared topics {} were not read to their end within {}; reading on in the"
                + " background",
            topics.stream().map(Topic::name).toList(),
            config.openTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return shared;
  }

  /** Assigns every partition, at the reader's positions, and notes where the topics end now. */
  private void assign(List<Topic> topics) {
    Duration timeout = config.openTimeout();
    List<TopicPartition> all = new ArrayList<>();
    for (Topic t : topics) {
      for (PartitionInfo p : consumer.partitionsFor(t.name(), timeout)) {
        all.add(new TopicPartition(t.name(), p.partition()));
      }
    }
    consumer.assign(all);
    for (Topic t : topics) {
      Map<Integer, Long> from = reader.positions(t.name());
      for (TopicPartition tp : all) {
        if (!tp.topic().equals(t.name())) {
          continue;
        }
        Long at = from.get(tp.partition());
        if (at == null) {
          consumer.seekToBeginning(List.of(tp));
        } else {
          // Beyond what the log still has, the reset policy (earliest) applies.
          consumer.seek(tp, at);
        }
      }
    }
    ends.putAll(consumer.endOffsets(all, timeout));
    for (TopicPartition tp : all) {
      positions.put(tp, consumer.position(tp, timeout));
    }
    checkCaughtUp();
  }

  private void checkCaughtUp() {
    if (caughtUp.getCount() == 0) {
      return;
    }
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (positions.getOrDefault(e.getKey(), 0L) < e.getValue()) {
        return;
      }
    }
    caughtUp.countDown();
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (WakeupException e) {
          continue;
        } catch (KafkaException e) {
          LOG.warn("reading the shared topics failed: {}; trying again", e.toString());
          continue;
        }
        if (records.isEmpty()) {
          // Offsets past the last record (transaction markers) count as read once polled past.
          for (TopicPartition tp : consumer.assignment()) {
            positions.put(tp, consumer.position(tp));
          }
          checkCaughtUp();
          continue;
        }
        List<Shared> mine = new ArrayList<>(records.count());
        Map<String, Map<Integer, Long>> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
          next.computeIfAbsent(r.topic(), k -> new HashMap<>()).put(r.partition(), r.offset() + 1);
          if (!fromHere(r)) {
            mine.add(new Shared(r.topic(), r.key(), r.value()));
          }
        }
        try {
          reader.apply(mine, next);
        } catch (IOException | RuntimeException e) {
          LOG.warn(
              "applying {} shared records failed: {}; trying again in {}",
              mine.size(),
              e.toString(),
              RETRY_PAUSE);
          for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, positions.get(tp));
          }
          pause();
          continue;
        }
        next.forEach(
            (topic, parts) ->
                parts.forEach((p, o) -> positions.put(new TopicPartition(topic, p), o)));
        checkCaughtUp();
      }
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
  }

  private boolean fromHere(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(ORIGIN);
    return h != null && java.util.Arrays.equals(h.value(), originBytes);
  }

  private void pause() {
    try {
      Thread.sleep(RETRY_PAUSE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * Writes a record for every other node, with this node's id.
   *
   * @param value the value, or null for a tombstone
   * @return completes when every in-sync replica has it
   */
  public CompletableFuture<Void> publish(String topic, String key, byte[] value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
    r.headers().add(ORIGIN, originBytes);
    try {
      producer.send(
          r,
          (meta, e) -> {
            if (e != null) {
              done.completeExceptionally(e);
            } else {
              done.complete(null);
            }
          });
    } catch (KafkaException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /**
   * Writes records and waits until Kafka has all of them, at most the open timeout.
   *
   * @throws IOException naming what failed
   */
  public void publishAll(List<Shared> records) throws IOException {
    List<CompletableFuture<Void>> sent = new ArrayList<>(records.size());
    for (Shared s : records) {
      sent.add(publish(s.topic(), s.key(), s.value()));
    }
    try {
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
          .get(config.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("Kafka did not take the shared records: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IOException(
          "Kafka did not take the shared records within " + config.openTimeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sharing records", e);
    }
  }

  /** This node's id, as written in its records. */
  public String origin() {
    return origin;
  }

  /** Stops reading and closes the clients, after sending what was published. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    Threads.joinUninterruptibly(thread);
    producer.close(config.openTimeout());
  }

  /** The topics' settings; a topic just created may not be known everywhere yet: asks again. */
  private static Map<ConfigResource, Config> describe(
      Admin admin, List<ConfigResource> resources, long deadline, KafkaSpoolConfig config) {
    String what =
        "read the settings of the shared topics "
            + resources.stream().map(ConfigResource::name).toList();
    while (true) {
      try {
        return TopicSetup.await(admin.describeConfigs(resources).all(), what, deadline, config);
      } catch (SpoolException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() - deadline > 0) {
          throw e;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SpoolException("interrupted while setting up the shared topics", e);
      }
    }
  }

  private static void ensure(Admin admin, KafkaSpoolConfig config, List<Topic> topics) {
    long deadline = System.nanoTime() + config.openTimeout().toNanos();
    Set<String> existing =
        TopicSetup.await(admin.listTopics().names(), "list the topics", deadline, config);
    List<NewTopic> news = new ArrayList<>();
    for (Topic t : topics) {
      if (existing.contains(t.name())) {
        continue;
      }
      if (!config.createTopics()) {
        throw new SpoolException(
            "the shared topic "
                + t.name()
                + " does not exist; create it with cleanup.policy=compact, or set createTopics");
      }
      Map<String, String> cfg = new HashMap<>();
      cfg.put(
          TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(config.minInsyncReplicas()));
      if (t.retention() == null) {
        cfg.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      } else {
        cfg.put(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
        cfg.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(t.retention().toMillis()));
      }
      news.add(
          new NewTopic(t.name(), config.partitions(), config.replicationFactor()).configs(cfg));
    }
    if (!news.isEmpty()) {
      for (Map.Entry<String, KafkaFuture<Void>> r : admin.createTopics(news).values().entrySet()) {
        try {
          TopicSetup.await(r.getValue(), "create topic " + r.getKey(), deadline, config);
          LOG.info("created topic {}", r.getKey());
        } catch (SpoolException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
    List<ConfigResource> resources =
        topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
    Map<ConfigResource, Config> configs = describe(admin, resources, deadline, config);
    for (ConfigResource r : resources) {
      ConfigEntry policy = configs.get(r).get(TopicConfig.CLEANUP_POLICY_CONFIG);
      if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw new SpoolException(
            "Kafka topic "
                + r.name()
                + " must have cleanup.policy=compact (it keeps the latest record of each key),"
                + " found "
                + (policy == null ? "none" : policy.value()));
      }
    }
  }
}
