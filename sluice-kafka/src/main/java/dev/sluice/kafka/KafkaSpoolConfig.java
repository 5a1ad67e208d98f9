package dev.sluice.kafka;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link KafkaSpool} reaches Kafka, lays out its topics and bounds its memory.
 *
 * @param bootstrapServers {@code host:port[,host:port...]} of the Kafka cluster
 * @param topicPrefix the first part of every topic name (see {@link KafkaSpool} for the layout)
 * @param partitions partitions of every topic, which is the spool's bucket count; fixed once the
 *     topics exist
 * @param replicationFactor replicas of each partition of the topics this spool creates; existing
 *     topics must have at least this many
 * @param minInsyncReplicas {@code min.insync.replicas} of the topics this spool creates, capped at
 *     the replication factor: an append is acknowledged once this many replicas have it
 * @param groupId the consumer group of the relay nodes sharing this spool
 * @param clientId the Kafka client id prefix of this node's clients
 * @param retryTiers the delays of the retry topics, ascending
 * @param maxBufferedPerBucket messages read ahead per bucket, waiting to be taken
 * @param maxBufferedBytesPerBucket content octets read ahead per bucket (one larger message is let
 *     in when the bucket holds nothing)
 * @param commitInterval how often the consumer commits the offsets of finished messages
 * @param createTopics whether missing topics are created at open (otherwise they must exist)
 * @param openTimeout how long opening may take to reach the cluster and set up topics
 * @param clientProperties extra Kafka client properties (security: SASL, SSL) given to every
 *     producer, consumer and admin client this spool makes; they override the spool's own
 * @param linger how long the producer waits to fill a batch ({@code linger.ms})
 * @param maxRecordBytes the largest record (message content plus its envelope): the producer's
 *     {@code max.request.size} and the created topics' {@code max.message.bytes}
 * @param messageRetention {@code retention.ms} of the messages and retry topics this spool creates:
 *     a message not delivered within this time after it was written is lost, so keep it well above
 *     the messages' expiry plus the longest outage of every node
 * @param deletedRetention how long operator deletions are kept in the deletions topic; a deleted
 *     message must come up for delivery within this time to be skipped
 * @param maxScanRecords how many records one operator scan ({@link KafkaSpool#list}, {@link
 *     KafkaSpool#find}, the failed count of {@link KafkaSpool#stats}) reads at most
 * @param revokeGrace how long a node losing buckets in a rebalance waits for the outcomes of their
 *     messages in flight before it lets them go (each one not finished by then is delivered again
 *     by the new owner)
 * @param listener told of bucket assignments and arrivals; called on the consumer thread
 */
public record KafkaSpoolConfig(
    String bootstrapServers,
    String topicPrefix,
    int partitions,
    short replicationFactor,
    int minInsyncReplicas,
    String groupId,
    String clientId,
    List<Duration> retryTiers,
    int maxBufferedPerBucket,
    ByteSize maxBufferedBytesPerBucket,
    Duration commitInterval,
    boolean createTopics,
    Duration openTimeout,
    Map<String, String> clientProperties,
    Duration linger,
    ByteSize maxRecordBytes,
    Duration messageRetention,
    Duration deletedRetention,
    int maxScanRecords,
    Duration revokeGrace,
    KafkaSpool.Listener listener) {

  /** The default topic name prefix. */
  public static final String DEFAULT_TOPIC_PREFIX = "sluice";

  /** The default partition (bucket) count. */
  public static final int DEFAULT_PARTITIONS = 12;

  /** The default replication factor of created topics. */
  public static final short DEFAULT_REPLICATION_FACTOR = 3;

  /** The default {@code min.insync.replicas} of created topics. */
  public static final int DEFAULT_MIN_INSYNC_REPLICAS = 2;

  /** The default consumer group. */
  public static final String DEFAULT_GROUP_ID = "sluice-relay";

  /** The default client id prefix. */
  public static final String DEFAULT_CLIENT_ID = "sluice";

  /** The default retry tiers: 30s, 5m, 30m, 2h. */
  public static final List<Duration> DEFAULT_RETRY_TIERS =
      List.of(
          Duration.ofSeconds(30),
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(2));

  /** The default read-ahead per bucket, in messages. */
  public static final int DEFAULT_MAX_BUFFERED_PER_BUCKET = 500;

  /** The default read-ahead per bucket, in content octets. */
  public static final ByteSize DEFAULT_MAX_BUFFERED_BYTES_PER_BUCKET = ByteSize.ofMegabytes(8);

  /** The default commit interval. */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

  /** The default open timeout. */
  public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(30);

  /** The default producer linger. */
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);

  /** The default largest record: a 40MB message (SES's limit) and its envelope. */
  public static final ByteSize DEFAULT_MAX_RECORD_BYTES = ByteSize.ofMegabytes(41);

  /** The default retention of the messages and retry topics. */
  public static final Duration DEFAULT_MESSAGE_RETENTION = Duration.ofDays(7);

  /** The default retention of operator deletions. */
  public static final Duration DEFAULT_DELETED_RETENTION = Duration.ofDays(7);

  /** The default bound on records read by one operator scan. */
  public static final int DEFAULT_MAX_SCAN_RECORDS = 100_000;

  /** The default wait for in-flight outcomes of buckets moving to another node. */
  public static final Duration DEFAULT_REVOKE_GRACE = Duration.ofSeconds(5);

  /** Kafka's own limit on topic names. */
  private static final int MAX_TOPIC_NAME = 249;

  private static final Pattern TOPIC_CHARS = Pattern.compile("[A-Za-z0-9._-]+");

  /** Copies the collections and checks every value, naming the one that is wrong. */
  public KafkaSpoolConfig {
    bootstrapServers = require(bootstrapServers, "bootstrapServers").trim();
    if (bootstrapServers.isEmpty()) {
      throw new IllegalArgumentException(
          "kafka bootstrapServers must name at least one host:port, got nothing");
    }
    require(topicPrefix, "topicPrefix");
    if (!TOPIC_CHARS.matcher(topicPrefix).matches() || topicPrefix.length() > 150) {
      throw new IllegalArgumentException(
          "kafka topicPrefix must be 1..150 characters of [A-Za-z0-9._-], got '"
              + topicPrefix
              + "'");
    }
    if (partitions < 1 || partitions > 10_000) {
      throw new IllegalArgumentException("kafka partitions must be 1..10000, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "kafka replicationFactor must be >= 1, got " + replicationFactor);
    }
    if (minInsyncReplicas < 1) {
      throw new IllegalArgumentException(
          "kafka minInsyncReplicas must be >= 1, got " + minInsyncReplicas);
    }
    minInsyncReplicas = Math.min(minInsyncReplicas, replicationFactor);
    if (require(groupId, "groupId").isBlank()) {
      throw new IllegalArgumentException("kafka groupId must not be blank");
    }
    if (require(clientId, "clientId").isBlank()) {
      throw new IllegalArgumentException("kafka clientId must not be blank");
    }
    retryTiers = List.copyOf(require(retryTiers, "retryTiers"));
    if (retryTiers.isEmpty()) {
      throw new IllegalArgumentException("kafka retryTiers must hold at least one delay");
    }
    Duration previous = Duration.ZERO;
    for (Duration t : retryTiers) {
      if (t.compareTo(previous) <= 0 || t.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "kafka retryTiers must be whole milliseconds, positive and ascending, got "
                + retryTiers.stream().map(Durations::format).toList());
      }
      previous = t;
    }
    if (maxBufferedPerBucket < 1) {
      throw new IllegalArgumentException(
          "kafka maxBufferedPerBucket must be >= 1, got " + maxBufferedPerBucket);
    }
    if (require(maxBufferedBytesPerBucket, "maxBufferedBytesPerBucket").bytes() < 1) {
      throw new IllegalArgumentException(
          "kafka maxBufferedBytesPerBucket must be >= 1 byte, got " + maxBufferedBytesPerBucket);
    }
    positive(commitInterval, "commitInterval");
    positive(openTimeout, "openTimeout");
    clientProperties = Map.copyOf(require(clientProperties, "clientProperties"));
    require(linger, "linger");
    if (linger.isNegative()) {
      throw new IllegalArgumentException("kafka linger must not be negative, got " + linger);
    }
    if (require(maxRecordBytes, "maxRecordBytes").bytes() < 1024
        || maxRecordBytes.bytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "kafka maxRecordBytes must be 1KB..2GB, got " + maxRecordBytes);
    }
    positive(messageRetention, "messageRetention");
    positive(deletedRetention, "deletedRetention");
    if (maxScanRecords < 1) {
      throw new IllegalArgumentException(
          "kafka maxScanRecords must be >= 1, got " + maxScanRecords);
    }
    require(revokeGrace, "revokeGrace");
    if (revokeGrace.isNegative()) {
      throw new IllegalArgumentException(
          "kafka revokeGrace must not be negative, got " + revokeGrace);
    }
    require(listener, "listener");
    String longest = topicPrefix + ".retry." + Durations.format(retryTiers.get(0));
    for (Duration t : retryTiers) {
      String name = topicPrefix + ".retry." + Durations.format(t);
      longest = name.length() > longest.length() ? name : longest;
    }
    if (longest.length() > MAX_TOPIC_NAME) {
      throw new IllegalArgumentException("kafka topic name too long: " + longest);
    }
  }

  /** A builder starting from the defaults, for the cluster at {@code bootstrapServers}. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** The defaults for the cluster at {@code bootstrapServers}. */
  public static KafkaSpoolConfig of(String bootstrapServers) {
    return builder(bootstrapServers).build();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder(bootstrapServers);
    b.topicPrefix = topicPrefix;
    b.partitions = partitions;
    b.replicationFactor = replicationFactor;
    b.minInsyncReplicas = minInsyncReplicas;
    b.groupId = groupId;
    b.clientId = clientId;
    b.retryTiers = retryTiers;
    b.maxBufferedPerBucket = maxBufferedPerBucket;
    b.maxBufferedBytesPerBucket = maxBufferedBytesPerBucket;
    b.commitInterval = commitInterval;
    b.createTopics = createTopics;
    b.openTimeout = openTimeout;
    b.clientProperties = new LinkedHashMap<>(clientProperties);
    b.linger = linger;
    b.maxRecordBytes = maxRecordBytes;
    b.messageRetention = messageRetention;
    b.deletedRetention = deletedRetention;
    b.maxScanRecords = maxScanRecords;
    b.revokeGrace = revokeGrace;
    b.listener = listener;
    return b;
  }

  /** Secrets may be among the client properties, so they are not printed. */
  @Override
  public String toString() {
    return "KafkaSpoolConfig[bootstrapServers="
        + bootstrapServers
        + ", topicPrefix="
        + topicPrefix
        + ", partitions="
        + partitions
        + ", replicationFactor="
        + replicationFactor
        + ", minInsyncReplicas="
        + minInsyncReplicas
        + ", groupId="
        + groupId
        + ", retryTiers="
        + retryTiers.stream().map(Durations::format).toList()
        + ", clientProperties="
        + clientProperties.keySet()
        + "]";
  }

  private static <T> T require(T value, String name) {
    return Objects.requireNonNull(value, "kafka " + name);
  }

  private static void positive(Duration d, String name) {
    require(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("kafka " + name + " must be positive, got " + d);
    }
  }

  /** Builds a {@link KafkaSpoolConfig}; not thread-safe. */
  public static final class Builder {
    private final String bootstrapServers;
    private String topicPrefix = DEFAULT_TOPIC_PREFIX;
    private int partitions = DEFAULT_PARTITIONS;
    private short replicationFactor = DEFAULT_REPLICATION_FACTOR;
    private int minInsyncReplicas = DEFAULT_MIN_INSYNC_REPLICAS;
    private String groupId = DEFAULT_GROUP_ID;
    private String clientId = DEFAULT_CLIENT_ID;
    private List<Duration> retryTiers = DEFAULT_RETRY_TIERS;
    private int maxBufferedPerBucket = DEFAULT_MAX_BUFFERED_PER_BUCKET;
    private ByteSize maxBufferedBytesPerBucket = DEFAULT_MAX_BUFFERED_BYTES_PER_BUCKET;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private boolean createTopics = true;
    private Duration openTimeout = DEFAULT_OPEN_TIMEOUT;
    private Map<String, String> clientProperties = new LinkedHashMap<>();
    private Duration linger = DEFAULT_LINGER;
    private ByteSize maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    private Duration messageRetention = DEFAULT_MESSAGE_RETENTION;
    private Duration deletedRetention = DEFAULT_DELETED_RETENTION;
    private int maxScanRecords = DEFAULT_MAX_SCAN_RECORDS;
    private Duration revokeGrace = DEFAULT_REVOKE_GRACE;
    private KafkaSpool.Listener listener = KafkaSpool.Listener.NONE;

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    /** Sets the topic name prefix. */
    public Builder topicPrefix(String prefix) {
      this.topicPrefix = prefix;
      return this;
    }

    /** Sets the partition (bucket) count. */
    public Builder partitions(int n) {
      this.partitions = n;
      return this;
    }

    /** Sets the replication factor of created topics (and the least that existing ones need). */
    public Builder replicationFactor(int n) {
      if (n > Short.MAX_VALUE) {
        throw new IllegalArgumentException("kafka replicationFactor too large: " + n);
      }
      this.replicationFactor = (short) n;
      return this;
    }

    /** Sets {@code min.insync.replicas} of created topics. */
    public Builder minInsyncReplicas(int n) {
      this.minInsyncReplicas = n;
      return this;
    }

    /** Sets the consumer group. */
    public Builder groupId(String id) {
      this.groupId = id;
      return this;
    }

    /** Sets the client id prefix. */
    public Builder clientId(String id) {
      this.clientId = id;
      return this;
    }

    /** Sets the retry tiers, ascending. */
    public Builder retryTiers(List<Duration> tiers) {
      this.retryTiers = new ArrayList<>(tiers);
      return this;
    }

    /** Sets the read-ahead per bucket in messages. */
    public Builder maxBufferedPerBucket(int n) {
      this.maxBufferedPerBucket = n;
      return this;
    }

    /** Sets the read-ahead per bucket in content octets. */
    public Builder maxBufferedBytesPerBucket(ByteSize size) {
      this.maxBufferedBytesPerBucket = size;
      return this;
    }

    /** Sets how often finished offsets are committed. */
    public Builder commitInterval(Duration d) {
      this.commitInterval = d;
      return this;
    }

    /** Sets whether missing topics are created at open. */
    public Builder createTopics(boolean create) {
      this.createTopics = create;
      return this;
    }

    /** Sets how long opening may take. */
    public Builder openTimeout(Duration d) {
      this.openTimeout = d;
      return this;
    }

    /** Adds one Kafka client property for every client (e.g. {@code security.protocol}). */
    public Builder clientProperty(String key, String value) {
      this.clientProperties.put(key, value);
      return this;
    }

    /** Replaces the extra Kafka client properties. */
    public Builder clientProperties(Map<String, String> properties) {
      this.clientProperties = new LinkedHashMap<>(properties);
      return this;
    }

    /** Sets the producer linger. */
    public Builder linger(Duration d) {
      this.linger = d;
      return this;
    }

    /** Sets the largest record. */
    public Builder maxRecordBytes(ByteSize size) {
      this.maxRecordBytes = size;
      return this;
    }

    /** Sets the retention of the messages and retry topics created. */
    public Builder messageRetention(Duration d) {
      this.messageRetention = d;
      return this;
    }

    /** Sets how long operator deletions are kept. */
    public Builder deletedRetention(Duration d) {
      this.deletedRetention = d;
      return this;
    }

    /** Sets the bound on records one operator scan reads. */
    public Builder maxScanRecords(int n) {
      this.maxScanRecords = n;
      return this;
    }

    /** Sets the wait for in-flight outcomes of buckets moving away. */
    public Builder revokeGrace(Duration d) {
      this.revokeGrace = d;
      return this;
    }

    /** Sets the listener told of assignments and arrivals. */
    public Builder listener(KafkaSpool.Listener l) {
      this.listener = l;
      return this;
    }

    /** The checked configuration. */
    public KafkaSpoolConfig build() {
      return new KafkaSpoolConfig(
          bootstrapServers,
          topicPrefix,
          partitions,
          replicationFactor,
          minInsyncReplicas,
          groupId,
          clientId,
          retryTiers,
          maxBufferedPerBucket,
          maxBufferedBytesPerBucket,
          commitInterval,
          createTopics,
          openTimeout,
          clientProperties,
          linger,
          maxRecordBytes,
          messageRetention,
          deletedRetention,
          maxScanRecords,
          revokeGrace,
          listener);
    }
  }
}
