package dev.sluice.spool;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Submission;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * The process {@link RocksSpoolKillIT} kills: opens a spool and appends from many virtual threads
 * until it is killed, printing {@code <id> <thread> <seq>} for each message only after its append
 * has completed, that is, once the spool has said the message is durable.
 *
 * <p>Arguments: spool directory, buckets, threads, seed.
 */
final class AppendingChild {
  private AppendingChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int buckets = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    RocksSpool spool = RocksSpool.open(RocksSpoolConfig.builder(dir).buckets(buckets).build());
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread.ofVirtual()
          .start(
              () -> {
                for (int seq = 0; ; seq++) {
                  QueueId id = spool.append(message(seed, thread, seq)).join();
                  out.println(id + " " + thread + " " + seq);
                }
              });
    }
    Thread.sleep(Long.MAX_VALUE); // until killed
  }

  /** The message thread {@code thread} appends as its {@code seq}-th, the same every time. */
  static Submission message(long seed, int thread, int seq) {
    Random rnd = new Random(seed * 1_000_003L + thread * 65_537L + seq);
    byte[] content = new byte[1 + rnd.nextInt(6000)];
    rnd.nextBytes(content);
    return new Submission(
        new Envelope("child@example.com", List.of("t" + thread + "s" + seq + "@example.net")),
        content,
        Instant.ofEpochMilli(1_790_000_000_000L + seq),
        "child " + seed);
  }
}
