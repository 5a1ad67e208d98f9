package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReadyBuffersTest {
  private final PartitionTracker p0 = new PartitionTracker(new TopicPartition("m", 0));
  private final PartitionTracker p1 = new PartitionTracker(new TopicPartition("r", 0));
  private final ReadyBuffers buffers = new ReadyBuffers(2, 4, 100);

  private static ReadyBuffers.Ready ready(PartitionTracker t, long offset, int size) {
    SpoolEntry e =
        new SpoolEntry(
            new QueueId("ID" + offset),
            new Envelope("", List.of("a@b")),
            size,
            Instant.ofEpochSecond(1000 - offset),
            "",
            SpoolState.QUEUED,
            Instant.EPOCH,
            0,
            "");
    return new ReadyBuffers.Ready(e, new byte[size], t, offset);
  }

  @Test
  void hasRoom_boundsCountAndOctets_butAlwaysLetsOneIntoAnEmptyBucket() {
    assertThat(buffers.hasRoom(0, 1_000)).isTrue(); // empty: one oversized record may enter
    buffers.add(0, ready(p0, 1, 60));
    assertThat(buffers.hasRoom(0, 41)).isFalse();
    assertThat(buffers.hasRoom(0, 40)).isTrue();
    assertThat(buffers.hasRoom(1, 100)).isTrue(); // other buckets are independent
    for (int i = 2; i <= 4; i++) {
      buffers.add(0, ready(p0, i, 1));
    }
    assertThat(buffers.hasRoom(0, 1)).isFalse(); // four records
    assertThat(buffers.belowHalf(0)).isFalse();
    assertThat(buffers.take(0, 3))
        .extracting(ReadyBuffers.Ready::offset)
        .containsExactly(1L, 2L, 3L);
    assertThat(buffers.belowHalf(0)).isTrue();
    assertThat(buffers.count()).isEqualTo(1);
    assertThat(buffers.bytes()).isEqualTo(1);
  }

  @Test
  void drop_removesOnlyTheRevokedPartitionsRecords() {
    buffers.add(0, ready(p0, 1, 10));
    buffers.add(0, ready(p1, 2, 20));
    buffers.add(1, ready(p0, 3, 30));
    assertThat(buffers.oldestReceived()).contains(Instant.ofEpochSecond(997));
    buffers.drop(List.of(p0.partition()));
    assertThat(buffers.count()).isEqualTo(1);
    assertThat(buffers.bytes()).isEqualTo(20);
    assertThat(buffers.isEmpty(1)).isTrue();
    assertThat(buffers.take(0, 10)).extracting(ReadyBuffers.Ready::offset).containsExactly(2L);
  }
}
