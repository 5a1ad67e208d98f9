package dev.sluice.kafka;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.QueueIdGenerator;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool of distributed mode: messages in Apache Kafka topics, shared by the relay nodes of one
 * consumer group. A bucket is a partition; each node delivers the buckets the group assigns it.
 *
 * <h2>Topics</h2>
 *
 * <p>With the prefix {@code p} (default {@code sluice}), every topic has one partition per bucket
 * and a message's records always go to partition {@link QueueId#bucket(int)}:
 *
 * <ul>
 *   <li>{@code p.messages}: new messages (and operator retries), key the queue id, value {@link
 *       RecordCodec} (entry and content).
 *   <li>{@code p.retry.<delay>}, one per retry tier ({@code 30s, 5m, 30m, 2h} by default): deferred
 *       messages, each carrying its due time. See {@link Topics} for how a delay picks a tier and
 *       how long a record may wait behind the head of its tier.
 *   <li>{@code p.failed}: failed messages, compacted, keyed by queue id; a tombstone means gone.
 *   <li>{@code p.deleted}: operator deletions of waiting messages, read in full by every node
 *       ({@link Deletions}), kept for {@link KafkaSpoolConfig#deletedRetention()}.
 * </ul>
 *
 * <h2>Design</h2>
 *
 * <p><b>Appending</b> is one idempotent producer ({@code acks=all}, lz4): an append completes when
 * every in-sync replica has the record, and with an error ({@link SpoolException} with Kafka's
 * cause) when Kafka refused or timed out. There is no rollback in Kafka without transactions, so
 * {@link #appendAll} is all-or-none only as far as it can check before sending (a message larger
 * than {@link KafkaSpoolConfig#maxRecordBytes()} fails the whole batch with nothing written). If
 * one record of a batch fails in Kafka, the batch's future fails, so the client is told the batch
 * was not accepted, but the records Kafka did acknowledge stay and will be delivered: a client that
 * sends the batch again causes duplicates, never a loss.
 *
 * <p><b>Taking.</b> A platform thread owns the group member ({@link ConsumerLoop}) and reads into a
 * bounded buffer per bucket; {@link #takeDue} takes from the buffer and keeps the message in an
 * in-flight map until its outcome. {@link #nextDue} is now when the bucket's buffer holds
 * something, else empty: the scheduler waits its wake interval, or until the {@link Listener} hears
 * of an arrival and the relay wakes it.
 *
 * <p><b>Outcomes.</b> {@link #complete} finishes the record at once (no write); {@link #reschedule}
 * writes the updated entry to its retry tier and {@link #fail} to the failed topic, and finish the
 * record when that write is acknowledged ({@link InFlight}). Finished records are committed in
 * offset order every commit interval; a crash delivers again what was in flight or finished but not
 * yet committed. Only this node's in-flight messages can have outcomes here; for any other id these
 * complete with false.
 *
 * <p><b>Operators</b> ({@link #find}, {@link #content}, {@link #list}, {@link #stats}, {@link
 * #delete}, {@link #retryNow}) read the topics with a consumer of their own ({@link Inspector}):
 * slower than the embedded spool, bounded by {@link KafkaSpoolConfig#maxScanRecords()} and the open
 * timeout, and approximate where {@link Inspector} says.
 *
 * <p><b>Rebalances</b> move buckets between nodes; see {@link ConsumerLoop}. The group assigns
 * partitions by range, which gives a bucket's messages partition and its retry partitions to the
 * same node; a client property that changes the assignor or the group protocol gives that up
 * (delivery stays correct, but a bucket's retries may then be taken on another node than its new
 * messages, and {@link #ownedBuckets} counts the messages partitions only). {@link #ownedBuckets}
 * and {@link #ownedShare} say what this node holds now, and the {@link Listener} hears of each new
 * assignment, so the relay can give its rate shaper this node's share of the account's rate.
 *
 * <p>Thread-safe. Futures complete on virtual threads, never on Kafka's client threads.
 */
public final class KafkaSpool implements Spool {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSpool.class);

  /** Room a record needs besides its content: key, entry fields, record headers. */
  private static final int RECORD_OVERHEAD = 512;

  /**
   * Hears of this node's buckets. Called on the consumer thread: return quickly and do not call
   * back into the spool's taking methods from here.
   */
  public interface Listener {
    /** Does nothing. */
    Listener NONE =
        new Listener() {
          @Override
          public void assigned(Set<Integer> owned, int partitions) {}

          @Override
          public void arrived(int bucket) {}
        };

    /**
     * A rebalance gave this node {@code owned}, out of {@code partitions}, a set other than the one
     * heard last. Not called for the empty set a rebalance passes through while it revokes.
     */
    void assigned(Set<Integer> owned, int partitions);

    /** Due messages arrived in the buffer of {@code bucket}: its taker may look now. */
    void arrived(int bucket);
  }

  private enum Phase {
    OPEN,
    CLOSING,
    CLOSED
  }

  private final KafkaSpoolConfig config;
  private final Clock clock;
  private final Topics topics;
  private final Admin admin;
  private final RecordWriter writer;
  private final DeletionsReader deletionsReader;
  private final ReadyBuffers buffers;
  private final ConsumerLoop loop;
  private final Inspector inspector;
  private final InFlight inFlight;
  private final Operators operators;
  private final QueueIdGenerator ids = new QueueIdGenerator();
  private final Executor completer = r -> Thread.ofVirtual().name("kafka-spool-outcome").start(r);
  private final Object lifecycle = new Object();
  private volatile Phase phase = Phase.OPEN;

  private KafkaSpool(KafkaSpoolConfig config, Clock clock, Admin admin) {
    this.config = config;
    this.clock = clock;
    this.topics = new Topics(config.topicPrefix(), config.retryTiers());
    this.admin = admin;
    Deletions deletions = new Deletions(config.deletedRetention().toMillis());
    this.buffers =
        new ReadyBuffers(
            config.partitions(),
            config.maxBufferedPerBucket(),
            config.maxBufferedBytesPerBucket().bytes());
    TopicSetup.ensure(admin, config, topics);
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Clients.producer(config));
    this.writer = new RecordWriter(producer, clock, config.partitions(), config.openTimeout());
    DeletionsReader reader = null;
    try {
      reader = new DeletionsReader(config, topics, deletions, clock);
      this.deletionsReader = reader;
      this.loop = new ConsumerLoop(config, topics, clock, buffers, deletions, producer);
    } catch (RuntimeException e) {
      if (reader != null) {
        reader.close();
      }
      writer.close(Duration.ZERO);
      throw e;
    }
    this.inspector = new Inspector(config, topics, admin, deletions, loop);
    this.inFlight =
        new InFlight(topics, deletions, writer, clock, completer, inspector::invalidateFailed);
    this.operators = new Operators(topics, inspector, inFlight, writer, deletions, buffers, clock);
    deletionsReader.start();
    loop.start();
  }

  /** Opens a spool on the system clock; see {@link #open(KafkaSpoolConfig, Clock)}. */
  public static KafkaSpool open(KafkaSpoolConfig config) {
    return open(config, Clock.system());
  }

  /**
   * Connects to the cluster, sets up or checks the topics, reads the deletions, and joins the
   * consumer group; buckets arrive with the group's first assignment, shortly after this returns.
   *
   * @param clock names new messages, dates records, and decides when retries are due
   * @throws SpoolException when the cluster cannot be reached within the open timeout, or the
   *     topics are missing or laid out otherwise than configured (the message says what to change)
   */
  public static KafkaSpool open(KafkaSpoolConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Admin admin;
    try {
      admin = Admin.create(Clients.admin(config));
    } catch (KafkaException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new SpoolException(
          "cannot use Kafka at " + config.bootstrapServers() + ": " + cause.getMessage(), e);
    }
    try {
      return new KafkaSpool(config, clock, admin);
    } catch (RuntimeException e) {
      admin.close(Duration.ZERO);
      if (e instanceof SpoolException) {
        throw e;
      }
      throw new SpoolException("cannot open the Kafka spool: " + e.getMessage(), e);
    }
  }

  /** The configuration this spool was opened with. */
  public KafkaSpoolConfig config() {
    return config;
  }

  /** The buckets this node owns now (its partitions of the messages topic). */
  public Set<Integer> ownedBuckets() {
    return loop.ownedBuckets();
  }

  /** The share of all buckets this node owns now, 0 to 1. */
  public double ownedShare() {
    return (double) loop.ownedBuckets().size() / config.partitions();
  }

  @Override
  public int buckets() {
    return config.partitions();
  }

  // ---------------------------------------------------------------- appending

  @Override
  public CompletableFuture<QueueId> append(Submission message) {
    Objects.requireNonNull(message, "message");
    return appendAll(List.of(message)).thenApply(list -> list.get(0));
  }

  /**
   * {@inheritDoc}
   *
   * <p>All or none only as far as can be checked before sending: see the class notes. When the
   * future fails, some of the messages may nevertheless be stored and will be delivered.
   */
  @Override
  public CompletableFuture<List<QueueId>> appendAll(List<Submission> messages) {
    List<Submission> copy = List.copyOf(messages);
    if (phase != Phase.OPEN) {
      return CompletableFuture.failedFuture(closed());
    }
    if (copy.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<QueueId> named = new ArrayList<>(copy.size());
    List<byte[]> values = new ArrayList<>(copy.size());
    for (Submission m : copy) {
      if (m.buckets().first() >= config.partitions()) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException(
                "bucket range "
                    + m.buckets()
                    + " holds none of the spool's "
                    + config.partitions()));
      }
    }
    for (Submission m : copy) {
      QueueId id = ids.next(clock.millis(), m.buckets(), config.partitions());
      SpoolEntry e = SpoolEntry.queued(id, m);
      byte[] value = RecordCodec.encode(e, m.content());
      if (value.length + RECORD_OVERHEAD > config.maxRecordBytes().bytes()) {
        return CompletableFuture.failedFuture(
            new SpoolException(
                "a message of "
                    + m.content().length
                    + " octets is larger than the Kafka spool takes (maxRecordBytes "
                    + config.maxRecordBytes()
                    + "); nothing of this batch was stored"));
      }
      named.add(id);
      values.add(value);
    }
    List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>(named.size());
    for (int i = 0; i < named.size(); i++) {
      sends.add(writer.send(topics.messages(), named.get(i), values.get(i)));
    }
    CompletableFuture<List<QueueId>> done = new CompletableFuture<>();
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
        .whenCompleteAsync(
            (v, error) -> {
              if (error == null) {
                done.complete(List.copyOf(named));
                return;
              }
              long failed =
                  sends.stream().filter(CompletableFuture::isCompletedExceptionally).count();
              Throwable cause = RecordWriter.cause(error);
              done.completeExceptionally(
                  new SpoolException(
                      failed
                          + " of "
                          + sends.size()
                          + " messages were not stored in Kafka ("
                          + cause.getMessage()
                          + ")"
                          + (sends.size() > failed
                              ? "; the others were and will be delivered"
                              : ""),
                      cause));
            },
            completer);
    return done;
  }

  // ---------------------------------------------------------------- taking

  /**
   * {@inheritDoc}
   *
   * <p>Takes from what this node has read ahead for the bucket, in the order read; records read
   * were due when read (those of the messages topic always are), so {@code now} is not consulted.
   * Returns nothing for a bucket this node does not own.
   *
   * @throws SpoolException when the spool is closed
   */
  @Override
  public List<SpooledMessage> takeDue(int bucket, Instant now, int max) {
    checkBucket(bucket);
    Objects.requireNonNull(now, "now");
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0, got " + max);
    }
    checkOpen();
    List<SpooledMessage> out = new ArrayList<>();
    while (out.size() < max) {
      List<ReadyBuffers.Ready> got = buffers.take(bucket, max - out.size());
      if (got.isEmpty()) {
        break;
      }
      for (ReadyBuffers.Ready r : got) {
        SpooledMessage m = inFlight.take(r);
        if (m != null) {
          out.add(m);
        }
      }
    }
    loop.drained(bucket);
    return out;
  }

  /** {@inheritDoc} Now when this node holds due messages of the bucket, else empty. */
  @Override
  public Optional<Instant> nextDue(int bucket) {
    checkBucket(bucket);
    return buffers.isEmpty(bucket)
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(clock.millis()));
  }

  // ---------------------------------------------------------------- outcomes

  /**
   * {@inheritDoc}
   *
   * <p>Finishes the record in memory; it is durable with the next commit (within the commit
   * interval). A crash before that delivers the message again. Only a message in flight on this
   * node can be completed here.
   */
  @Override
  public CompletableFuture<Boolean> complete(QueueId id) {
    Objects.requireNonNull(id, "id");
    if (phase == Phase.CLOSED) {
      return CompletableFuture.failedFuture(closed());
    }
    return inFlight.complete(id);
  }

  /** {@inheritDoc} Only a message in flight on this node can be rescheduled here. */
  @Override
  public CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError) {
    return reschedule(id, due, attempts, lastError, null);
  }

  @Override
  public CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError, List<String> remainingRecipients) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(lastError, "lastError");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, got " + attempts);
    }
    List<String> narrowed =
        remainingRecipients == null ? null : SpoolEntry.narrowing(remainingRecipients);
    if (phase == Phase.CLOSED) {
      return CompletableFuture.failedFuture(closed());
    }
    return inFlight.reschedule(id, due, attempts, lastError, narrowed);
  }

  /** {@inheritDoc} Only a message in flight on this node can fail here. */
  @Override
  public CompletableFuture<Boolean> fail(QueueId id, String reason, Instant at) {
    return fail(id, reason, at, null);
  }

  @Override
  public CompletableFuture<Boolean> fail(
      QueueId id, String reason, Instant at, List<String> remainingRecipients) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
    List<String> narrowed =
        remainingRecipients == null ? null : SpoolEntry.narrowing(remainingRecipients);
    if (phase == Phase.CLOSED) {
      return CompletableFuture.failedFuture(closed());
    }
    return inFlight.fail(id, reason, at, narrowed);
  }

  // ---------------------------------------------------------------- operators

  /**
   * {@inheritDoc}
   *
   * <p>A failed message is written to the messages topic, then removed from the failed topic. A
   * deferred one waiting in a retry tier is written to the messages topic, due now, and its tier
   * record is marked deleted; if another node has just taken that tier record, the message is
   * delivered twice. A queued message (on the messages topic) is due already: true, nothing
   * written. One in flight on this node: false. Scans one bucket (see {@link Inspector}).
   */
  @Override
  public CompletableFuture<Boolean> retryNow(QueueId id, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    return operator(() -> operators.retryNow(id, now));
  }

  /**
   * {@inheritDoc}
   *
   * <p>A failed message gets a tombstone in the failed topic. A waiting or in-flight one gets a
   * deletion record: every node skips its records from then on (a node that holds it in flight at
   * that moment may still deliver it). Scans one bucket (see {@link Inspector}).
   */
  @Override
  public CompletableFuture<Boolean> delete(QueueId id) {
    Objects.requireNonNull(id, "id");
    return operator(() -> operators.delete(id));
  }

  /**
   * {@inheritDoc}
   *
   * <p>A message in flight on this node is ACTIVE; otherwise one bucket is scanned (see {@link
   * Inspector}).
   */
  @Override
  public Optional<SpoolEntry> find(QueueId id) {
    Objects.requireNonNull(id, "id");
    checkOpen();
    return operators.find(id);
  }

  @Override
  public Optional<byte[]> content(QueueId id) {
    Objects.requireNonNull(id, "id");
    checkOpen();
    return operators.content(id);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Scans every topic (see {@link Inspector} for bounds and precision) and sorts by queue id.
   */
  @Override
  public List<SpoolEntry> list(SpoolFilter filter, QueueId after, int limit) {
    Objects.requireNonNull(filter, "filter");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    checkOpen();
    return limit == 0 ? List.of() : operators.list(filter, after, limit);
  }

  /**
   * {@inheritDoc}
   *
   * <p>QUEUED and DEFERRED count the records waiting on the messages topic and on the retry tiers:
   * exact for the buckets this node owns (not yet read, or read and not taken); for the others, the
   * group's uncommitted records, which include messages in flight on other nodes and those they
   * finished since their last commit. Deleted records count until they are skipped. ACTIVE is this
   * node's in-flight messages. FAILED is exact, from a scan of the failed topic at most a few
   * seconds old (this node's own changes to it show at once). Octets and the oldest message cover
   * only what is known without reading the waiting records: failed messages, and this node's
   * in-flight and read-ahead ones. Free space is unknown (-1).
   */
  @Override
  public SpoolStats stats() {
    checkOpen();
    return operators.stats();
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Stops taking and appending, waits for pending writes (their futures complete), commits every
   * finished record, leaves the group and closes the clients. Outcomes are accepted until the
   * commit. Idempotent.
   */
  @Override
  public void close() {
    shutDown(true);
  }

  /**
   * Closes without the final commit and without waiting for pending writes, leaving the group's
   * offsets where the last periodic commit put them: what a crash leaves behind. For tests.
   */
  void abandon() {
    shutDown(false);
  }

  private void shutDown(boolean clean) {
    synchronized (lifecycle) {
      if (phase != Phase.OPEN) {
        return;
      }
      phase = Phase.CLOSING;
      try {
        if (clean) {
          writer.flush();
        }
        loop.stop(clean);
        phase = Phase.CLOSED;
        deletionsReader.close();
        inspector.close();
        writer.close(clean ? Duration.ofSeconds(30) : Duration.ZERO);
        admin.close(clean ? Duration.ofSeconds(5) : Duration.ZERO);
      } finally {
        phase = Phase.CLOSED;
      }
    }
    if (inFlight.size() > 0) {
      LOG.info(
          "Kafka spool closed with {} messages in flight; they will be delivered again",
          inFlight.size());
    }
  }

  /** Tier partitions waiting for their head record to come due; for tests. */
  int heldPartitions() {
    return loop.heldPartitions();
  }

  /** Held heads of retry tiers written again to another tier; for tests. */
  long hops() {
    return loop.hops();
  }

  @Override
  public String toString() {
    return "KafkaSpool["
        + config.bootstrapServers()
        + ", "
        + topics.messages()
        + ", "
        + config.partitions()
        + " buckets, group "
        + config.groupId()
        + "]";
  }

  // ---------------------------------------------------------------- helpers

  /** Runs an operator change on a virtual thread, its failures as {@link SpoolException}. */
  private CompletableFuture<Boolean> operator(Supplier<Boolean> body) {
    if (phase != Phase.OPEN) {
      return CompletableFuture.failedFuture(closed());
    }
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    completer.execute(
        () -> {
          try {
            done.complete(body.get());
          } catch (RuntimeException e) {
            done.completeExceptionally(
                e instanceof SpoolException ? e : new SpoolException(e.getMessage(), e));
          }
        });
    return done;
  }

  private void checkOpen() {
    if (phase != Phase.OPEN) {
      throw closed();
    }
  }

  private void checkBucket(int bucket) {
    if (bucket < 0 || bucket >= config.partitions()) {
      throw new IllegalArgumentException(
          "bucket must be 0.." + (config.partitions() - 1) + ", got " + bucket);
    }
  }

  private static SpoolException closed() {
    return new SpoolException("spool is closed");
  }
}
