package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.config.ConfigKey;
import dev.sluice.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulatorCommandTest {
  private record Run(int status, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CommandLine cl =
        SimulatorCommand.commandLine(env, new PrintStream(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err));
    PrintStream oldErr = System.err;
    ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
    System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
    try {
      int status = cl.execute(args);
      return new Run(
          status,
          out.toString(StandardCharsets.UTF_8),
          err + sysErr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }

  @Test
  void printConfig_layersFlagsOverEnvironment() {
    Run r =
        run(
            Map.of("SLUICE_SIMULATOR_REGION", "eu-west-1", "SLUICE_SIMULATOR_HTTP_PORT", "9000"),
            "--print-config",
            "--http-port",
            "9100",
            "--latency",
            "lognormal:p50=40ms,p99=200ms",
            "--sandbox",
            "--set",
            "burst=2s");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .contains("simulator.region = eu-west-1   # from environment")
        .contains("simulator.http-port = 9100   # from flag")
        .contains("simulator.latency = lognormal:p50=40ms,p99=200ms")
        .contains("simulator.sandbox = true")
        .contains("simulator.burst = 2s   # from flag");
  }

  @Test
  void snsSubscription_repeatedFlag_joinsIntoTheListKey() {
    String a = "arn:aws:sns:us-east-1:123456789012:a=http://127.0.0.1:9/a";
    String b = "arn:aws:sns:us-east-1:123456789012:b=http://127.0.0.1:9/b";
    Run r = run(Map.of(), "--print-config", "--sns-subscription", a, "--sns-subscription", b);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("simulator.sns-subscriptions = " + a + "," + b + "   # from flag");
    Run list = run(Map.of(), "--print-config", "--sns-subscriptions", a + "," + b);
    assertThat(list.out()).contains("simulator.sns-subscriptions = " + a + "," + b);
  }

  @Test
  void badValue_exitsTwoNamingTheKey() {
    Run r = run(Map.of(), "--max-send-rate", "fast");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("simulator.max-send-rate").contains("expected a rate");
  }

  @Test
  void unknownEnvironmentVariable_exitsTwo() {
    Run r = run(Map.of("SLUICE_SIMULATOR_MAX_SEND_RAT", "1"), "--print-config");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("SLUICE_SIMULATOR_MAX_SEND_RAT");
  }

  @Test
  void strictAuthSecret_isNeverPrinted() {
    Run r = run(Map.of(), "--print-config", "--strict-auth", "AKID:supersecret");
    assertThat(r.out()).doesNotContain("supersecret").contains("simulator.strict-auth = ********");
  }

  @Test
  void help_listsEveryKeyAsAFlag() {
    Run r = run(Map.of(), "--help");
    for (ConfigKey<?> k : SimulatorConfig.SCHEMA.keys()) {
      assertThat(r.out()).contains(SimulatorCommand.flag(k));
    }
  }

  @Test
  void readme_documentsEveryFlag() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (ConfigKey<?> k : SimulatorConfig.SCHEMA.keys()) {
      assertThat(readme)
          .as("README documents %s", SimulatorCommand.flag(k))
          .contains("`" + SimulatorCommand.flag(k) + "`");
    }
  }

  @Test
  void mainHelp_listsSimulator() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    assertThat(cl.execute("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("simulator");
  }
}
