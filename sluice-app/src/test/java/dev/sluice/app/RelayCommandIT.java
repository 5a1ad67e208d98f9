package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice relay} refusing to start because something else holds what it needs: one line that
 * names it and what to change, never a library's exception.
 */
class RelayCommandIT {
  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private static Run relay(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter picocliErr = new StringWriter();
    CommandLine cl =
        RelayCommand.commandLine(
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(picocliErr));
    int status = cl.execute(args);
    return new Run(
        status,
        out.toString(StandardCharsets.UTF_8),
        picocliErr + err.toString(StandardCharsets.UTF_8));
  }

  private static void assertOneCleanLine(Run r) {
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
      Run second =
          relay(
              "--spool-dir",
              spool.toString(),
              "--hold",
              "--smtp-port",
              "0",
              "--http-port",
              "0",
              "--admin-port",
              "0");

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

  @Test
  void portHeldByAnotherProgram_namesThePortAndTheFlagForEachDoor() throws Exception {
    for (String flag : List.of("--smtp-port", "--http-port", "--admin-port")) {
      try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        int port = held.getLocalPort();
        List<String> args =
            new java.util.ArrayList<>(
                List.of(
                    "--spool-dir",
                    dir.resolve("spool" + flag).toString(),
                    "--hold",
                    "--smtp-port",
                    "0",
                    "--http-port",
                    "0",
                    "--admin-port",
                    "0"));
        args.set(args.indexOf(flag) + 1, Integer.toString(port));

        Run r = relay(args.toArray(String[]::new));

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
