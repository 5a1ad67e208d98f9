package dev.sluice.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool directory has one owner; a second gets a {@link SpoolInUseException}, not RocksDB's
 * words.
 */
class SpoolInUseIT {
  @TempDir Path dir;

  /** Opens the spool named by the first argument, says so, and holds it until stdin closes. */
  public static final class Holder {
    private Holder() {}

    public static void main(String[] args) throws Exception {
      try (RocksSpool s = RocksSpool.open(RocksSpoolConfig.builder(Path.of(args[0])).build())) {
        System.out.println("open " + s.buckets());
        System.out.flush();
        while (System.in.read() >= 0) {
          // hold until the parent closes the pipe
        }
      }
    }
  }

  @Test
  void open_whileAnotherProcessHoldsTheSpool_isSpoolInUse() throws Exception {
    Path spool = dir.resolve("spool");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                spool.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).as("the holder opened the spool").startsWith("open ");

      assertThatThrownBy(() -> RocksSpool.open(RocksSpoolConfig.builder(spool).build()))
          .isInstanceOf(SpoolInUseException.class)
          .hasMessage("the spool in " + spool + " is in use by another process")
          .satisfies(e -> assertThat(((SpoolInUseException) e).directory()).isEqualTo(spool));
      assertThatThrownBy(() -> RocksSpool.openExisting(spool))
          .isInstanceOf(SpoolInUseException.class);
    } finally {
      holder.getOutputStream().close();
      if (!holder.waitFor(30, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
    }
    assertThat(holder.exitValue()).isZero();
    try (RocksSpool s = RocksSpool.open(RocksSpoolConfig.builder(spool).build())) {
      assertThat(s.stats().total()).as("free again once the holder is gone").isZero();
    }
  }
}
