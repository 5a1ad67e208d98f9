package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Envelope;
import dev.sluice.core.spool.Submission;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Back-pressure against a real spool, read live and from a background reading. */
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
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String refusal;
    while ((refusal = a.refusal(100)) == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(refusal).startsWith("Queue full (2 messages)");
  }

  @Test
  void aNegativeMaxAge_isRefused() {
    assertThatThrownBy(() -> new Admission(spool, 2, ByteSize.ofBytes(0), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statsMaxAge");
  }
}
