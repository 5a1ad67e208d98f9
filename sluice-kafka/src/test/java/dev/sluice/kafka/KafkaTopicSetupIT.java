package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.spool.SpoolException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Opening a KafkaSpool: topics created as configured, and clear errors when they cannot be. */
class KafkaTopicSetupIT {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static EmbeddedKafka kafka;
  private static Admin admin;

  private final String prefix = "setup" + SEQUENCE.incrementAndGet();

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

  private KafkaSpoolConfig.Builder config(int partitions) {
    return KafkaSpoolConfig.builder(kafka.bootstrapServers())
        .topicPrefix(prefix)
        .groupId(prefix + "-relay")
        .partitions(partitions)
        .replicationFactor(1)
        .openTimeout(Duration.ofSeconds(20));
  }

  @Test
  void open_createsEveryTopicWithOnePartitionPerBucket_andTheFailedTopicCompacted()
      throws Exception {
    try (KafkaSpool spool = KafkaSpool.open(config(5).build())) {
      assertThat(spool.buckets()).isEqualTo(5);
    }
    List<String> names =
        List.of(
            prefix + ".messages",
            prefix + ".retry.30s",
            prefix + ".retry.5m",
            prefix + ".retry.30m",
            prefix + ".retry.2h",
            prefix + ".failed",
            prefix + ".deleted");
    Map<String, TopicDescription> described =
        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
    assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(5));
    ConfigResource failed = new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".failed");
    ConfigResource deleted = new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".deleted");
    ConfigResource tier = new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".retry.5m");
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(List.of(failed, deleted, tier)).all().get(30, TimeUnit.SECONDS);
    assertThat(configs.get(tier).get(TopicConfig.RETENTION_MS_CONFIG).value())
        .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
    assertThat(configs.get(tier).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value())
        .isEqualTo("1");
    assertThat(configs.get(failed).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
        .isEqualTo("compact");
    assertThat(configs.get(deleted).get(TopicConfig.RETENTION_MS_CONFIG).value())
        .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));

    // Opening again finds them as they should be.
    KafkaSpool.open(config(5).build()).close();
  }

  @Test
  void open_withAnotherPartitionCount_failsNamingTopicExpectedAndFound() {
    KafkaSpool.open(config(3).build()).close();

    assertThatThrownBy(() -> KafkaSpool.open(config(4).build()))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("Kafka topic " + prefix + ".messages has 3 partitions")
        .hasMessageContaining("configured for 4");
  }

  @Test
  void open_withMoreReplicasThanBrokers_failsSayingHowToLowerIt() {
    assertThatThrownBy(() -> KafkaSpool.open(config(2).replicationFactor(3).build()))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("replicationFactor is 3")
        .hasMessageContaining("has only 1 broker(s)")
        .hasMessageContaining("set replicationFactor (and minInsyncReplicas) to at most 1");
  }

  @Test
  void open_onTopicsWithFewerReplicasThanConfigured_fails() {
    KafkaSpool.open(config(2).build()).close();

    assertThatThrownBy(() -> KafkaSpool.open(config(2).replicationFactor(2).build()))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("has replication factor 1, less than the configured")
        .hasMessageContaining("replicationFactor 2");
  }

  @Test
  void open_withoutCreatingTopics_failsNamingTheMissingOnes() {
    assertThatThrownBy(() -> KafkaSpool.open(config(2).createTopics(false).build()))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining(prefix + ".messages")
        .hasMessageContaining("do not exist")
        .hasMessageContaining("createTopics");
  }

  @Test
  void open_onAFailedTopicThatIsNotCompacted_fails() throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (String suffix :
        List.of(
            "messages", "retry.30s", "retry.5m", "retry.30m", "retry.2h", "failed", "deleted")) {
      topics.add(new NewTopic(prefix + "." + suffix, 2, (short) 1));
    }
    admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);

    assertThatThrownBy(() -> KafkaSpool.open(config(2).build()))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining(prefix + ".failed must have cleanup.policy=compact")
        .hasMessageContaining("found delete");
  }

  @Test
  void open_withNothingListening_failsWithinTheOpenTimeout() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    KafkaSpoolConfig c =
        KafkaSpoolConfig.builder("127.0.0.1:" + port).openTimeout(Duration.ofSeconds(2)).build();

    assertThatThrownBy(() -> KafkaSpool.open(c))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("could not reach the Kafka cluster at 127.0.0.1:" + port)
        .hasMessageContaining("within the open timeout of 2s");
  }

  @Test
  void open_withAnUnresolvableHost_failsClearly() {
    KafkaSpoolConfig c =
        KafkaSpoolConfig.builder("no-such-host.invalid:9092")
            .openTimeout(Duration.ofSeconds(2))
            .build();

    assertThatThrownBy(() -> KafkaSpool.open(c))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("no-such-host.invalid:9092");
  }
}
