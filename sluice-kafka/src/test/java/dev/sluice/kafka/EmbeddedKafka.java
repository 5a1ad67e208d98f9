package dev.sluice.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) inside this JVM, on free loopback
 * ports and a fresh temporary directory: for integration tests and benchmarks that need Kafka
 * without Docker. Starting one takes about three seconds; share one per test class.
 *
 * <p>{@link #main} starts one, prints {@code bootstrap=<host:port>} on a line of its own, and runs
 * until its standard input is closed or it gets SIGTERM.
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Map<String, String> overrides;
  private Path dir;
  private KafkaRaftServer server;
  private String bootstrap;

  /** A broker with the default test settings. */
  public EmbeddedKafka() {
    this(Map.of());
  }

  /** A broker with some broker properties set or overridden. */
  public EmbeddedKafka(Map<String, String> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  /**
   * Formats the storage, starts the broker and waits until it answers.
   *
   * @return this
   */
  public EmbeddedKafka start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before we bind it
      try {
        startOnce();
        return this;
      } catch (RuntimeException e) {
        close();
        failure = new IllegalStateException("could not start an embedded Kafka", e);
      } catch (Error e) {
        close(); // e.g. the broker's classes missing from the class path: no point in trying again
        throw e;
      }
    }
    throw failure;
  }

  private void startOnce() {
    try {
      dir = Files.createTempDirectory("sluice-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int brokerPort = freePort();
    int controllerPort = freePort();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.put("log.dirs", dir.resolve("logs").toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // The cleaner's dedupe buffer defaults to 128 MB, too much for a small test heap.
    p.put("log.cleaner.dedupe.buffer.size", "8388608");
    p.putAll(overrides);
    Properties props = new Properties();
    props.putAll(p);
    Path file = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "embedded Kafka");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    int rc =
        kafka.tools.StorageTool$.MODULE$.execute(
            new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()},
            quiet);
    if (rc != 0) {
      throw new IllegalStateException("formatting the Kafka storage failed: " + rc);
    }
    server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    bootstrap = "127.0.0.1:" + brokerPort;
    awaitReady();
  }

  private void awaitReady() {
    Map<String, Object> cfg = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(cfg)) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the embedded Kafka did not come up", e);
    }
  }

  /** {@code host:port} of the broker's client listener. */
  public String bootstrapServers() {
    if (bootstrap == null) {
      throw new IllegalStateException("not started");
    }
    return bootstrap;
  }

  /** The committed offset of {@code group} on one partition; -1 when it has none. */
  public long committedOffset(String group, String topic, int partition) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      OffsetAndMetadata o =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(60, TimeUnit.SECONDS)
              .get(new TopicPartition(topic, partition));
      return o == null ? -1 : o.offset();
    } catch (Exception e) {
      throw new IllegalStateException("could not read the committed offsets of " + group, e);
    }
  }

  /** Stops the broker and deletes its files; idempotent. */
  @Override
  public void close() {
    if (server != null) {
      try {
        server.shutdown();
        server.awaitShutdown();
      } finally {
        server = null;
      }
    }
    bootstrap = null;
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // a temporary directory; the system cleans it up eventually
      }
      dir = null;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs one broker until standard input closes or SIGTERM; prints {@code bootstrap=...}. */
  public static void main(String[] args) throws IOException {
    EmbeddedKafka kafka = new EmbeddedKafka().start();
    Thread hook = new Thread(kafka::close, "embedded-kafka-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("bootstrap=" + kafka.bootstrapServers());
    while (System.in.read() >= 0) {
      // runs until stdin closes
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    kafka.close();
  }
}
