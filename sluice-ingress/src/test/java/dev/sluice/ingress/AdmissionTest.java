package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.Submission;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import dev.sluice.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Back-pressure against a real spool, read live and from a background reading, and the intake state
 * it keeps.
 */
class AdmissionTest {
  @TempDir Path dir;
  private RocksSpool spool;

  @BeforeEach
  void open() {
    spool = RocksSpool.open(RocksSpoolConfig.builder(dir.resolve("spool")).buckets(2).build());
  }

  @AfterEach
  void close() {
    spool.close();
  }

  private void append() {
    spool
        .append(
            new Submission(
                new Envelope("a@example.com", List.of("b@example.net")),
                "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII),
                Instant.now(),
                ""))
        .join();
  }

  @Test
  void live_refusesAsSoonAsTheHighWaterIsReached() {
    Admission a = new Admission(spool, 2, ByteSize.ofBytes(0));
    append();
    assertThat(a.refusal(100)).isNull();
    append();
    assertThat(a.refusal(100)).startsWith("Queue full (2 messages)");
  }

  @Test
  void fromABackgroundReading_takesMailUntilAReadingShowsTheSpoolFull() throws Exception {
    append();
    append();
    Admission a = new Admission(spool, 2, ByteSize.ofBytes(0), Duration.ofMillis(50));
    // No reading yet: mail is taken rather than waiting for one.
    assertThat(a.refusal(100)).isNull();
    String refusal =
        Await.value(
            "a reading that shows the spool full",
            Duration.ofSeconds(30),
            () -> Optional.ofNullable(a.refusal(100)));
    assertThat(refusal).startsWith("Queue full (2 messages)");
  }

  @Test
  void intake_whileTheQueueIsFull_saysSoWithTheRefusalsThenAcceptsAgain() {
    Admission a = new Admission(spool, 1, ByteSize.ofBytes(0));
    assertThat(a.intake()).isEqualTo(Intake.OPEN);
    append();
    Instant before = Instant.now();
    assertThat(a.refusal(100)).startsWith("Queue full (1 messages)");
    assertThat(a.refusal(100)).startsWith("Queue full (1 messages)");
    Intake full = a.intake();
    assertThat(full.accepting()).isFalse();
    assertThat(full.state()).isEqualTo("refusing: queue full");
    assertThat(full.detail()).isEqualTo("1 messages held, high water 1");
    assertThat(full.refused()).isEqualTo(2);
    assertThat(full.since())
        .hasValueSatisfying(t -> assertThat(t).isBefore(Instant.now().plusSeconds(1)));
    assertThat(full.since().orElseThrow()).isAfterOrEqualTo(before.minusSeconds(1));

    QueueId only = spool.list(SpoolFilter.ALL, null, 1).get(0).id();
    spool.delete(only).join();
    assertThat(a.refusal(100)).isNull();
    assertThat(a.intake()).isEqualTo(Intake.OPEN);
  }

  @Test
  void intake_belowTheFreeDiskFloor_namesTheFreeSpaceAndTheFloor() {
    Admission a = new Admission(spool, 10, ByteSize.ofBytes(Long.MAX_VALUE / 2));
    assertThat(a.refusal(0)).isEqualTo("Insufficient disk space for the queue, try again later");
    Intake low = a.intake();
    assertThat(low.state()).isEqualTo("refusing: free disk below the floor");
    assertThat(low.detail()).matches("[0-9.]+ MB free, floor [0-9.]+ MB");
    assertThat(low.refused()).isEqualTo(1);
  }

  @Test
  void refusal_ofAMessageTooLargeForTheRoomAboveTheFloor_leavesTheDoorsAccepting() {
    long free = spool.stats().freeBytes();
    assertThat(free).as("free space under the temp directory").isGreaterThan(2L << 30);
    // The floor is a gigabyte below the free space: small mail fits, a message of all of it not.
    Admission a = new Admission(spool, 10, ByteSize.ofBytes(free - (1L << 30)));
    assertThat(a.refusal(free)).isEqualTo("Insufficient disk space for the queue, try again later");
    assertThat(a.intake()).isEqualTo(Intake.OPEN);
    assertThat(a.refusal(100)).isNull();
  }

  @Test
  void aNegativeMaxAge_isRefused() {
    assertThatThrownBy(() -> new Admission(spool, 2, ByteSize.ofBytes(0), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statsMaxAge");
  }
}
