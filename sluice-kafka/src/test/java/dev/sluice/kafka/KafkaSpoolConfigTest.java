package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ByteSize;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaSpoolConfigTest {
  @Test
  void defaults_areTheDocumentedOnes() {
    KafkaSpoolConfig c = KafkaSpoolConfig.of("k1:9092,k2:9092");
    assertThat(c.topicPrefix()).isEqualTo("sluice");
    assertThat(c.partitions()).isEqualTo(12);
    assertThat(c.replicationFactor()).isEqualTo((short) 3);
    assertThat(c.minInsyncReplicas()).isEqualTo(2);
    assertThat(c.groupId()).isEqualTo("sluice-relay");
    assertThat(c.retryTiers())
        .containsExactly(
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2));
    assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.openTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.createTopics()).isTrue();
    assertThat(c.messageRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(c.maxRecordBytes()).isEqualTo(ByteSize.ofMegabytes(41));
    assertThat(c.listener()).isSameAs(KafkaSpool.Listener.NONE);
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void minInsyncReplicas_isCappedAtTheReplicationFactor() {
    KafkaSpoolConfig c = KafkaSpoolConfig.builder("k:1").replicationFactor(1).build();
    assertThat(c.minInsyncReplicas()).isEqualTo(1);
  }

  @Test
  void badValues_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> KafkaSpoolConfig.of(" ")).hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> KafkaSpoolConfig.builder("k:1").topicPrefix("a b").build())
        .hasMessageContaining("topicPrefix");
    assertThatThrownBy(() -> KafkaSpoolConfig.builder("k:1").partitions(0).build())
        .hasMessageContaining("partitions must be 1..10000, got 0");
    assertThatThrownBy(
            () ->
                KafkaSpoolConfig.builder("k:1")
                    .retryTiers(List.of(Duration.ofMinutes(5), Duration.ofSeconds(30)))
                    .build())
        .hasMessageContaining("retryTiers")
        .hasMessageContaining("[5m, 30s]");
    assertThatThrownBy(() -> KafkaSpoolConfig.builder("k:1").retryTiers(List.of()).build())
        .hasMessageContaining("retryTiers");
    assertThatThrownBy(
            () ->
                KafkaSpoolConfig.builder("k:1")
                    .maxBufferedBytesPerBucket(ByteSize.ofBytes(0))
                    .build())
        .hasMessageContaining("maxBufferedBytesPerBucket");
    assertThatThrownBy(() -> KafkaSpoolConfig.builder("k:1").commitInterval(Duration.ZERO).build())
        .hasMessageContaining("commitInterval must be positive");
  }

  @Test
  void toString_leavesOutClientPropertyValues() {
    KafkaSpoolConfig c =
        KafkaSpoolConfig.builder("k:1").clientProperty("sasl.jaas.config", "secret!").build();
    assertThat(c.toString()).contains("sasl.jaas.config").doesNotContain("secret!");
  }
}
