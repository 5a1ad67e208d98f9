package dev.sluice.app.relay;

import dev.sluice.core.Durations;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Parsers;
import dev.sluice.core.config.Settings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Which spool the relay uses and, for distributed mode, how it reaches Apache Kafka: the keys
 * {@code relay.spool.backend} and {@code relay.kafka.*}.
 *
 * @param backend {@link #LOCAL} (the embedded spool on this machine's disk) or {@link #KAFKA}
 * @param bootstrapServers host:port pairs of the Kafka cluster, comma-separated
 * @param topicPrefix the first part of every topic's name
 * @param partitions partitions of every topic: the buckets messages are sharded into
 * @param replicationFactor replicas of every partition
 * @param minInsyncReplicas replicas that must have a message before it counts as accepted
 * @param groupId the consumer group the delivering nodes form
 * @param retryTiers the delays of the retry topics
 * @param createTopics whether missing topics are created at start (else they must exist)
 * @param clientProperties a Kafka client properties file (security settings), if any
 * @param openTimeout how long start-up waits for the cluster
 */
public record KafkaSettings(
    String backend,
    String bootstrapServers,
    String topicPrefix,
    int partitions,
    int replicationFactor,
    int minInsyncReplicas,
    String groupId,
    List<Duration> retryTiers,
    boolean createTopics,
    Optional<Path> clientProperties,
    Duration openTimeout) {

  /** The embedded spool. */
  public static final String LOCAL = "local";

  /** Apache Kafka. */
  public static final String KAFKA = "kafka";

  /** {@code relay.spool.backend}. */
  public static final ConfigKey<String> BACKEND =
      new ConfigKey<>(
          "relay.spool.backend",
          LOCAL,
          "Where accepted mail is kept: local (the embedded spool in relay.spool.dir) or kafka"
              + " (distributed mode: topics on an Apache Kafka cluster shared by every relay node).",
          KafkaSettings::backend);

  /** {@code relay.kafka.bootstrap-servers}. */
  public static final ConfigKey<String> BOOTSTRAP =
      new ConfigKey<>(
          "relay.kafka.bootstrap-servers",
          "",
          "Kafka brokers to connect to first, host:port[,host:port...]; required with"
              + " relay.spool.backend=kafka.",
          String::strip);

  /** {@code relay.kafka.topic-prefix}. */
  public static final ConfigKey<String> PREFIX =
      new ConfigKey<>(
          "relay.kafka.topic-prefix",
          "sluice",
          "First part of every topic name: PREFIX.messages, PREFIX.retry.<delay>, PREFIX.failed,"
              + " PREFIX.deleted.",
          KafkaSettings::topicPrefix);

  /** {@code relay.kafka.partitions}. */
  public static final ConfigKey<Integer> PARTITIONS =
      new ConfigKey<>(
          "relay.kafka.partitions",
          "12",
          "Partitions of every topic (the buckets); more than the delivering nodes, fixed once the"
              + " topics exist.",
          Parsers::positiveInt);

  /** {@code relay.kafka.replication-factor}. */
  public static final ConfigKey<Integer> REPLICATION =
      new ConfigKey<>(
          "relay.kafka.replication-factor",
          "3",
          "Replicas of every partition; the cluster needs at least this many brokers.",
          Parsers::positiveInt);

  /** {@code relay.kafka.min-insync-replicas}. */
  public static final ConfigKey<Integer> MIN_ISR =
      new ConfigKey<>(
          "relay.kafka.min-insync-replicas",
          "2",
          "Replicas that must have a message before it is accepted (250/202); at most the"
              + " replication factor.",
          Parsers::positiveInt);

  /** {@code relay.kafka.group-id}. */
  public static final ConfigKey<String> GROUP =
      new ConfigKey<>(
          "relay.kafka.group-id",
          "sluice-relay",
          "Consumer group of the delivering nodes; every node of one relay cluster uses the same.",
          KafkaSettings::nonBlank);

  /** {@code relay.kafka.retry-tiers}. */
  public static final ConfigKey<List<Duration>> TIERS =
      new ConfigKey<>(
          "relay.kafka.retry-tiers",
          "1m,5m,20m,1h",
          "Delays of the retry topics; a deferred message waits in the longest tier not longer than"
              + " its retry delay.",
          KafkaSettings::tiers);

  /** {@code relay.kafka.create-topics}. */
  public static final ConfigKey<Boolean> CREATE =
      new ConfigKey<>(
          "relay.kafka.create-topics",
          "true",
          "Create missing topics at start; false: they must exist (and are checked).",
          Parsers::bool);

  /** {@code relay.kafka.client-properties}. */
  public static final ConfigKey<Path> CLIENT_PROPERTIES =
      new ConfigKey<>(
          "relay.kafka.client-properties",
          "",
          "A Kafka client properties file (security.protocol, sasl.*, ssl.*...) for every"
              + " connection; keeps secrets out of flags.",
          s -> s.isBlank() ? null : Path.of(s));

  /** {@code relay.kafka.open-timeout}. */
  public static final ConfigKey<Duration> OPEN_TIMEOUT =
      new ConfigKey<>(
          "relay.kafka.open-timeout",
          "30s",
          "How long start-up waits for the Kafka cluster before giving up with an error.",
          Durations::parse);

  /** Every key, for the relay's schema. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(
          BACKEND,
          BOOTSTRAP,
          PREFIX,
          PARTITIONS,
          REPLICATION,
          MIN_ISR,
          GROUP,
          TIERS,
          CREATE,
          CLIENT_PROPERTIES,
          OPEN_TIMEOUT);

  /** Checks what the keys' parsers cannot see alone. */
  public KafkaSettings {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(clientProperties, "clientProperties");
    retryTiers = List.copyOf(retryTiers);
    if (backend.equals(KAFKA) && bootstrapServers.isBlank()) {
      throw new ConfigException(
          BOOTSTRAP.name() + " is required with " + BACKEND.name() + "=" + KAFKA);
    }
    if (minInsyncReplicas > replicationFactor) {
      throw new ConfigException(
          MIN_ISR.name()
              + " ("
              + minInsyncReplicas
              + ") cannot be more than "
              + REPLICATION.name()
              + " ("
              + replicationFactor
              + ")");
    }
  }

  /** The settings the relay's configuration gives. */
  public static KafkaSettings from(Settings s) {
    return new KafkaSettings(
        s.get(BACKEND),
        s.get(BOOTSTRAP),
        s.get(PREFIX),
        s.get(PARTITIONS),
        s.get(REPLICATION),
        s.get(MIN_ISR),
        s.get(GROUP),
        s.get(TIERS),
        s.get(CREATE),
        Optional.ofNullable(s.get(CLIENT_PROPERTIES)),
        s.get(OPEN_TIMEOUT));
  }

  /** Whether the spool is Kafka. */
  public boolean distributed() {
    return backend.equals(KAFKA);
  }

  /**
   * The client properties file's settings, or none.
   *
   * @throws ConfigException when the file cannot be read
   */
  public Map<String, String> clientOverrides() {
    if (clientProperties.isEmpty()) {
      return Map.of();
    }
    Path file = clientProperties.get();
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException(
          CLIENT_PROPERTIES.name() + ": cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }

  private static String backend(String s) {
    String v = s.strip().toLowerCase(java.util.Locale.ROOT);
    if (!v.equals(LOCAL) && !v.equals(KAFKA)) {
      throw new IllegalArgumentException("expected local or kafka, got '" + s + "'");
    }
    return v;
  }

  private static String topicPrefix(String s) {
    String v = nonBlank(s);
    if (!v.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException(
          "a topic prefix may hold letters, digits, '.', '_' and '-' only, got '" + s + "'");
    }
    return v;
  }

  private static String nonBlank(String s) {
    if (s.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return s.strip();
  }

  private static List<Duration> tiers(String s) {
    List<Duration> out = new ArrayList<>();
    for (String part : s.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      Duration d = Durations.parse(part.strip());
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("a retry tier must be positive, got '" + part + "'");
      }
      if (!out.isEmpty() && d.compareTo(out.get(out.size() - 1)) <= 0) {
        throw new IllegalArgumentException("retry tiers must grow, got '" + s + "'");
      }
      out.add(d);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("at least one retry tier is needed");
    }
    return out;
  }
}
