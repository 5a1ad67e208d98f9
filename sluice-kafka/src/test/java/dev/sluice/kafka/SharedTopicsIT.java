package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.spool.SpoolException;
import dev.sluice.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Topics every node reads in full, against a real broker: each node sees the others' records and
 * not its own, tombstones included; a node reopened reads on from where it kept its positions, and
 * has read what was written meanwhile before its open returns; topics are created compacted, and a
 * topic that is not refuses the open.
 */
class SharedTopicsIT {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static EmbeddedKafka kafka;
  private static Admin admin;

  private final String prefix = "shared" + SEQUENCE.incrementAndGet();

  @BeforeAll
  static void startKafka() {
    kafka = new EmbeddedKafka().start();
    admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  @AfterAll
  static void stopKafka() {
    if (admin != null) {
      admin.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private KafkaSpoolConfig config() {
    return KafkaSpoolConfig.builder(kafka.bootstrapServers())
        .topicPrefix(prefix)
        .partitions(3)
        .replicationFactor(1)
        .minInsyncReplicas(1)
        .openTimeout(Duration.ofSeconds(20))
        .build();
  }

  private List<SharedTopics.Topic> topics() {
    return List.of(
        new SharedTopics.Topic(prefix + ".list", null),
        new SharedTopics.Topic(prefix + ".log", Duration.ofDays(7)));
  }

  /** What one node applied ("topic key=value", "-" for a tombstone), and where it got to. */
  private static final class Applied implements SharedTopics.Reader {
    final List<String> records = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, Map<Integer, Long>> kept = new HashMap<>();

    @Override
    public synchronized Map<Integer, Long> positions(String topic) {
      return new HashMap<>(kept.getOrDefault(topic, Map.of()));
    }

    @Override
    public synchronized void apply(
        List<SharedTopics.Shared> shared, Map<String, Map<Integer, Long>> positions) {
      for (SharedTopics.Shared s : shared) {
        String topic = s.topic().substring(s.topic().indexOf('.') + 1);
        records.add(
            topic
                + " "
                + s.key()
                + "="
                + (s.value() == null ? "-" : new String(s.value(), StandardCharsets.UTF_8)));
      }
      positions.forEach((t, p) -> kept.computeIfAbsent(t, k -> new HashMap<>()).putAll(p));
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void publish_twoNodes_eachAppliesTheOthersRecordsOnlyAndResumesWhereItKeptItsPositions()
      throws Exception {
    Applied atA = new Applied();
    Applied atB = new Applied();
    String list = prefix + ".list";
    String log = prefix + ".log";
    try (SharedTopics a = SharedTopics.open(config(), "node-a", topics(), atA)) {
      try (SharedTopics b = SharedTopics.open(config(), "node-b", topics(), atB)) {
        a.publishAll(
            List.of(
                new SharedTopics.Shared(list, "x@example.com", utf8("BOUNCE")),
                new SharedTopics.Shared(log, "event:1", utf8("{}"))));
        a.publish(list, "x@example.com", null).get(20, TimeUnit.SECONDS);
        b.publish(list, "y@example.com", utf8("MANUAL")).get(20, TimeUnit.SECONDS);

        Await.until(
            "B applied A's three records", Duration.ofSeconds(30), () -> atB.records.size() == 3);
        Await.until("A applied B's record", Duration.ofSeconds(30), () -> atA.records.size() == 1);
        assertThat(atB.records)
            .containsExactlyInAnyOrder(
                "list x@example.com=BOUNCE", "log event:1={}", "list x@example.com=-");
        // One key's records keep their order: the tombstone after the add.
        assertThat(atB.records.indexOf("list x@example.com=-"))
            .isGreaterThan(atB.records.indexOf("list x@example.com=BOUNCE"));
        assertThat(atA.records).containsExactly("list y@example.com=MANUAL");
      }
      // B is away; A goes on writing.
      a.publishAll(
          List.of(
              new SharedTopics.Shared(list, "z@example.com", utf8("COMPLAINT")),
              new SharedTopics.Shared(log, "event:2", utf8("{}"))));
      atB.records.clear();
      try (SharedTopics b = SharedTopics.open(config(), "node-b", topics(), atB)) {
        assertThat(b.origin()).isEqualTo("node-b");
        // Read before the open returned, and nothing read twice.
        assertThat(atB.records)
            .containsExactlyInAnyOrder("list z@example.com=COMPLAINT", "log event:2={}");
      }
    }
  }

  @Test
  void open_topicsMissing_createsThemCompacted() {
    try (SharedTopics a = SharedTopics.open(config(), "node-a", topics(), new Applied())) {
      assertThat(a.origin()).isEqualTo("node-a");
      assertThat(policy(prefix + ".list")).isEqualTo("compact");
      assertThat(policy(prefix + ".log")).isEqualTo("compact,delete");
    }
  }

  @Test
  void open_topicNotCompacted_refusedNamingIt() throws Exception {
    admin
        .createTopics(
            List.of(
                new NewTopic(prefix + ".list", 3, (short) 1)
                    .configs(
                        Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE))))
        .all()
        .get(20, TimeUnit.SECONDS);

    assertThatThrownBy(() -> SharedTopics.open(config(), "node-a", topics(), new Applied()))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining(prefix + ".list")
        .hasMessageContaining("cleanup.policy=compact");
  }

  private static String policy(String topic) {
    try {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config c = admin.describeConfigs(List.of(r)).all().get(20, TimeUnit.SECONDS).get(r);
      return c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
