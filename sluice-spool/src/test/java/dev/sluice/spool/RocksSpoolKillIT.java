package dev.sluice.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.Submission;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: a child JVM appends from many threads and prints each id once its append has
 * completed; the test SIGKILLs it at a random moment, reopens the spool and finds every printed
 * message, intact. Three crashes in a row on the same spool.
 *
 * <p>A killed process loses nothing the kernel already has, so this proves that no append is
 * acknowledged before RocksDB has written it, and that a spool left by a killed process reopens
 * whole. That the sync reaches the disk (what a power cut would test) it cannot show.
 */
class RocksSpoolKillIT {
  private static final long SEED = 20261128L;
  private static final int BUCKETS = 8;
  private static final int THREADS = 48;
  private static final int ROUNDS = 3;
  private static final long LINE_TIMEOUT_SECONDS = 60;

  @TempDir Path tmp;

  /** One line the child printed: a message it was told is durable. */
  record Printed(QueueId id, int thread, int seq, long childSeed) {}

  @Test
  void sigkill_atARandomMoment_losesNoAcknowledgedAppend() throws Exception {
    Random rnd = new Random(SEED);
    Path dir = tmp.resolve("spool");
    List<Printed> all = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      long childSeed = rnd.nextLong();
      int killAfter = 1 + rnd.nextInt(2000);
      List<Printed> printed = runAndKill(dir, childSeed, killAfter, round);
      assertThat(printed.size())
          .as("seed %d round %d: lines read before the kill", SEED, round)
          .isGreaterThanOrEqualTo(killAfter);
      all.addAll(printed);

      try (RocksSpool spool =
          RocksSpool.open(RocksSpoolConfig.builder(dir).buckets(BUCKETS).build())) {
        for (Printed p : all) {
          Submission expected = AppendingChild.message(p.childSeed(), p.thread(), p.seq());
          SpoolEntry e = spool.find(p.id()).orElse(null);
          assertThat(e).as("seed %d round %d: entry of %s", SEED, round, p).isNotNull();
          assertThat(e.envelope()).isEqualTo(expected.envelope());
          assertThat(e.size()).isEqualTo(expected.content().length);
          assertThat(spool.content(p.id()))
              .as("seed %d round %d: content of %s", SEED, round, p)
              .hasValueSatisfying(c -> assertThat(c).isEqualTo(expected.content()));
        }
        assertThat(spool.stats().total()).isGreaterThanOrEqualTo(all.size());
      }
    }
  }

  private List<Printed> runAndKill(Path dir, long childSeed, int killAfter, int round)
      throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path stderr = tmp.resolve("child-" + round + ".err");
    Process child =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                AppendingChild.class.getName(),
                dir.toString(),
                Integer.toString(BUCKETS),
                Integer.toString(THREADS),
                Long.toString(childSeed))
            .redirectError(stderr.toFile())
            .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    String eof = "<eof>";
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                      lines.add(l);
                    }
                  } catch (IOException e) {
                    lines.add("<error " + e + ">");
                  }
                  lines.add(eof);
                });
    List<Printed> printed = new ArrayList<>();
    try {
      boolean killed = false;
      while (true) {
        String line = lines.poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(line)
            .as("child output (stderr: %s)", readQuietly(stderr))
            .isNotNull()
            .doesNotStartWith("<error");
        if (line.equals(eof)) {
          assertThat(killed).as("child ended by itself; stderr: %s", readQuietly(stderr)).isTrue();
          break;
        }
        String[] f = line.split(" ");
        printed.add(
            new Printed(
                new QueueId(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), childSeed));
        if (!killed && printed.size() >= killAfter) {
          // SIGKILL through the handle: Process.destroyForcibly() would also close our end of
          // the pipe, losing lines the child printed just before it died.
          child.toHandle().destroyForcibly();
          killed = true;
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      reader.join();
    }
    return printed;
  }

  private static String readQuietly(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
