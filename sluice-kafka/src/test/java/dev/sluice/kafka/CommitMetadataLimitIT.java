package dev.sluice.kafka;

import static dev.sluice.kafka.Waits.append;
import static dev.sluice.kafka.Waits.await;
import static dev.sluice.kafka.Waits.ids;
import static dev.sluice.kafka.Waits.join;
import static dev.sluice.kafka.Waits.takeUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spool.QueueId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster that allows less commit metadata than the finished offsets need: the spool falls back
 * to plain commits, and nothing is lost.
 */
class CommitMetadataLimitIT {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = new EmbeddedKafka(Map.of("offset.metadata.max.bytes", "4")).start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static KafkaSpoolConfig.Builder config() {
    return KafkaSpoolConfig.builder(kafka.bootstrapServers())
        .topicPrefix("limit")
        .groupId("limit-relay")
        .partitions(1)
        .replicationFactor(1)
        .commitInterval(Duration.ofMillis(200))
        .clientProperty("heartbeat.interval.ms", "200");
  }

  @Test
  void metadataRefusedByTheCluster_plainCommitsStillMoveTheOffset_andNothingIsLost() {
    List<QueueId> sent = new ArrayList<>();
    List<QueueId> unfinished = new ArrayList<>();
    try (KafkaSpool first = KafkaSpool.open(config().build())) {
      for (int i = 0; i < 10; i++) {
        sent.add(append(first, "m" + i));
      }
      List<QueueId> taken = ids(takeUntil(first, "all ten are taken", l -> l.size() == 10));
      assertThat(taken).isEqualTo(sent); // one partition: in order
      // 0 and 1 finished, 2 not, 3..9 finished: the commit at 2 would need metadata for 3..9
      for (int i = 0; i < 10; i++) {
        if (i == 2) {
          unfinished.add(taken.get(i));
        } else {
          assertThat(join(first.complete(taken.get(i)))).isTrue();
        }
      }
      await("the offset is committed up to the unfinished message", () -> committed() == 2);
    }
    try (KafkaSpool successor = KafkaSpool.open(config().build())) {
      List<QueueId> again =
          ids(takeUntil(successor, "what followed the commit is taken", l -> l.size() == 8));
      // without the metadata, everything from the committed offset on comes again: at least once
      assertThat(again).isEqualTo(sent.subList(2, 10));
      assertThat(again).containsAll(unfinished);
    }
  }

  private static long committed() {
    return kafka.committedOffset("limit-relay", "limit.messages", 0);
  }
}
