package dev.sluice.spool;

import static dev.sluice.spool.Messages.join;
import static dev.sluice.spool.Messages.submission;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolRefusal;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import dev.sluice.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool on a real small disk: an ext4 filesystem of 64 or 256 MB, loop-mounted ({@link
 * SmallDisk}; skipped where the test cannot mount one). What the spool takes of it is read from the
 * filesystem, and the disk is filled for real with a filler file, so RocksDB meets "No space left
 * on device" where it writes.
 */
class RocksSpoolDiskFullIT {
  private static final long DISK = 64L << 20;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static RocksSpoolConfig config(Path dir) {
    return RocksSpoolConfig.builder(dir).buckets(1).build();
  }

  @Test
  void open_freshSpoolOnASmallDisk_takesUnderAMegabyte() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(tmp, DISK)) {
      long before = disk.free();
      try (RocksSpool spool = RocksSpool.open(config(disk.root().resolve("spool")))) {
        join(spool.append(submission("first")));
        long used = before - disk.free();
        // Preallocated, the write-ahead log alone took 70 MB (1.1 write buffers) at the first
        // write.
        assertThat(used).as("bytes a fresh spool with one message takes").isLessThan(1L << 20);
        assertThat(spool.refusal()).isEmpty();
      }
    }
  }

  @Test
  void appendTakeComplete_ofManyMessages_keepsTheSpoolsOwnFilesUnder100Megabytes()
      throws Exception {
    try (SmallDisk disk = SmallDisk.mount(tmp, 4 * DISK)) {
      long before = disk.free();
      long peak = 0;
      try (RocksSpool spool = RocksSpool.open(config(disk.root().resolve("spool")))) {
        byte[] body = new byte[2048];
        new Random(20261206L).nextBytes(body);
        Submission message =
            new Submission(
                new Envelope("sender@example.com", List.of("rcpt@example.net")),
                body,
                Instant.now(),
                "test");
        for (int round = 0; round < 200; round++) {
          List<CompletableFuture<QueueId>> appends = new ArrayList<>();
          for (int i = 0; i < 500; i++) {
            appends.add(spool.append(message));
          }
          appends.forEach(Messages::join);
          List<CompletableFuture<Boolean>> done = new ArrayList<>();
          for (SpooledMessage m : spool.takeDue(0, Instant.now().plusSeconds(60), 500)) {
            done.add(spool.complete(m.entry().id()));
          }
          done.forEach(Messages::join);
          peak = Math.max(peak, before - disk.free());
        }
        assertThat(spool.stats().total()).isZero();
      }
      // 100,000 messages of 2 KB went through; the log is kept up to 64 MB before it is flushed.
      assertThat(peak).as("most bytes the spool took on its disk").isLessThan(100L << 20);
    }
  }

  @Test
  void append_whenTheDiskFillsAndIsFreed_refusesThenWritesAgainLosingNothing() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(tmp, DISK)) {
      Path dir = disk.root().resolve("spool");
      Map<QueueId, String> acknowledged = new HashMap<>();
      QueueId delivered;
      CompletableFuture<Boolean> completion;
      try (RocksSpool spool = RocksSpool.open(config(dir))) {
        for (int i = 0; i < 50; i++) {
          acknowledged.put(join(spool.append(submission("before " + i))), "before " + i);
        }
        List<SpooledMessage> taken = spool.takeDue(0, Instant.now(), 1);
        assertThat(taken).hasSize(1);
        delivered = taken.get(0).entry().id();

        disk.fill();
        int attempts = 0;
        SpoolException refused = null;
        while (refused == null && attempts < 100_000) {
          String body = "while filling " + attempts++;
          try {
            acknowledged.put(spool.append(submission(body)).get(60, TimeUnit.SECONDS), body);
          } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(SpoolException.class);
            refused = (SpoolException) e.getCause();
          }
        }
        assertThat(refused).as("an append refused after %d appends", attempts).isNotNull();
        assertThat(refused.getMessage()).contains("disk full").contains("No space left on device");
        Optional<SpoolRefusal> refusal = spool.refusal();
        assertThat(refusal).isPresent();
        assertThat(refusal.get().cause()).isEqualTo(SpoolRefusal.Cause.DISK_FULL);
        assertThat(refusal.get().refused()).isEqualTo(1);

        assertThatThrownBy(() -> join(spool.append(submission("while full"))))
            .isInstanceOf(SpoolException.class)
            .hasMessageContaining("disk full");
        assertThat(spool.refusal().orElseThrow().refused()).isEqualTo(2);
        assertThatThrownBy(() -> spool.takeDue(0, Instant.now(), 10))
            .isInstanceOf(SpoolException.class)
            .hasMessageContaining("disk full");
        // The delivery of the taken message is recorded while the disk is full: it waits.
        completion = spool.complete(delivered);

        disk.release();
        Await.until(
            "the spool writes again after the disk is freed",
            DEADLINE,
            () -> spool.refusal().isEmpty());
        assertThat(completion.get(60, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 50; i++) {
          acknowledged.put(join(spool.append(submission("after " + i))), "after " + i);
        }
      }
      acknowledged.remove(delivered);

      try (RocksSpool reopened = RocksSpool.open(config(dir))) {
        List<SpoolEntry> held = reopened.list(SpoolFilter.ALL, null, 1_000_000);
        assertThat(held.stream().map(SpoolEntry::id).collect(Collectors.toSet()))
            .as("every acknowledged message, and no refused or delivered one")
            .isEqualTo(acknowledged.keySet());
        for (SpoolEntry e : held) {
          assertThat(e.state()).isEqualTo(SpoolState.QUEUED);
          String content =
              new String(reopened.content(e.id()).orElseThrow(), StandardCharsets.UTF_8);
          assertThat(content)
              .isEqualTo("Subject: test\r\n\r\n" + acknowledged.get(e.id()) + "\r\n");
        }
        assertThat(reopened.stats().total()).isEqualTo(acknowledged.size());
      }
    }
  }
}
