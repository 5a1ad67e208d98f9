package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice relay} refusing to start because something else holds what it needs: one line that
 * names it and what to change, never a library's exception.
 */
class RelayCommandIT {
  @TempDir Path dir;

  private static RelayCommandTest.Run relay(List<String> args) {
    return RelayCommandTest.run(Map.of(), args.toArray(String[]::new));
  }

  /** A held relay on {@code spool} with every door on a free port. */
  private static List<String> heldOnFreePorts(Path spool) {
    return new java.util.ArrayList<>(
        List.of(
            "--spool-dir",
            spool.toString(),
            "--hold",
            "--smtp-port",
            "0",
            "--http-port",
            "0",
            "--admin-port",
            "0"));
  }

  private static void assertOneCleanLine(RelayCommandTest.Run r) {
    assertThat(r.status()).as(r.err()).isEqualTo(1);
    assertThat(r.err().lines()).as(r.err()).hasSize(1);
    assertThat(r.err())
        .startsWith("sluice relay: ")
        .doesNotContain("Exception")
        .doesNotContain("io.netty")
        .doesNotContain("RocksDB")
        .doesNotContain("\tat ");
    assertThat(r.out()).as("no banner: the relay did not start").isEmpty();
  }

  @Test
  void secondRelay_onTheSameSpool_saysARelayHoldsItInOneLine() {
    Path spool = dir.resolve("spool");
    try (Relay first = Relay.start(RelayConfig.onFreePorts(spool, "hold=true"), Map.of(), dir)) {
      RelayCommandTest.Run second = relay(heldOnFreePorts(spool));

      assertOneCleanLine(second);
      assertThat(second.err())
          .isEqualTo(
              "sluice relay: the spool in "
                  + spool
                  + " is in use by another process (is a relay running on it? ask it with"
                  + " 'sluice queue --admin', or stop it first)\n");
      assertThat(first.spool().stats().total()).as("the first relay still has it").isZero();
    }
  }

  private String banner(String... settings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Relay r =
        Relay.start(
            RelayConfig.onFreePorts(dir.resolve("spool-" + settings.length), settings),
            Map.of(),
            dir)) {
      RelayCommand.banner(r, new PrintStream(out, true, StandardCharsets.UTF_8));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void banner_namesEachLimitByItsFlagInTheFlagsUnits_withTheValueSet() {
    String defaults = banner();
    assertThat(defaults)
        .contains("(no STARTTLS; --max-message-size 40MB, --max-recipients 100)\n")
        .contains("/v1/messages/batch, --http-max-batch 500)\n")
        .contains(" (--spool-buckets 16, 0 messages held)\n")
        .contains(
            "relay: sending: --max-in-flight 64 upstream calls in flight (256 messages taken at"
                + " once, 64 connections), --max-send-rate account\n")
        .doesNotContain("41943040")
        .doesNotContain("octets");

    String set =
        banner(
            "max-message-size=10MB",
            "max-recipients=20",
            "http.max-batch=50",
            "spool.buckets=4",
            "max-in-flight=12",
            "max-send-rate=200/s");
    assertThat(set)
        .contains("--max-message-size 10MB, --max-recipients 20)")
        .contains("--http-max-batch 50)")
        .contains("(--spool-buckets 4, ")
        .contains(
            "--max-in-flight 12 upstream calls in flight (48 messages taken at once, 12"
                + " connections)")
        .contains("--max-send-rate 200/s\n");
    assertThat(banner("hold=true", "max-send-rate=unlimited"))
        .contains("relay: delivery: held")
        .doesNotContain("relay: sending:");
    assertThat(banner("max-send-rate=unlimited", "max-message-size=1000"))
        .contains("--max-send-rate unlimited\n")
        .contains("--max-message-size 1000,");
  }

  @Test
  void portHeldByAnotherProgram_namesThePortAndTheFlagForEachDoor() throws Exception {
    for (String flag : List.of("--smtp-port", "--http-port", "--admin-port")) {
      try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        int port = held.getLocalPort();
        List<String> args = heldOnFreePorts(dir.resolve("spool" + flag));
        args.set(args.indexOf(flag) + 1, Integer.toString(port));

        RelayCommandTest.Run r = relay(args);

        assertOneCleanLine(r);
        String door =
            switch (flag) {
              case "--smtp-port" -> "SMTP";
              case "--http-port" -> "HTTP";
              default -> "the admin API";
            };
        assertThat(r.err())
            .as(flag)
            .isEqualTo(
                "sluice relay: cannot listen for "
                    + door
                    + " on 127.0.0.1:"
                    + port
                    + ": the address is already in use (is another relay running?); choose"
                    + " another port with "
                    + flag
                    + ", or 'off'\n");
      }
    }
  }
}
