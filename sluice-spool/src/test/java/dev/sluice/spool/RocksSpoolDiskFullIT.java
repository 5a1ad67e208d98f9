package dev.sluice.spool;

import static dev.sluice.spool.Messages.join;
import static dev.sluice.spool.Messages.submission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool on a real small disk: an ext4 filesystem of 64 or 256 MB, loop-mounted ({@link
 * SmallDisk}; skipped where the test cannot mount one). What the spool takes of it is read from the
 * filesystem.
 */
class RocksSpoolDiskFullIT {
  private static final long DISK = 64L << 20;

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
}
