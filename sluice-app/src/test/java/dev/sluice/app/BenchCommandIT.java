package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice bench} end to end: its own simulator, reports, worker processes, the probe, and the
 * real-SES guard.
 */
class BenchCommandIT {
  private record Run(int status, String out, String err) {}

  private static Run bench(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl =
        new CommandLine(
            new BenchCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
    int status = cl.execute(args);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void bare_rampAgainstItsOwnSimulator_writesTableJsonAndHtml(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("r.json");
    Path html = dir.resolve("r.html");
    Run r =
        bench(
            "--ramp",
            "--concurrency",
            "4",
            "--messages",
            "30",
            "--warmup",
            "0ms",
            "--json",
            json.toString(),
            "--report",
            html.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.err()).contains("nothing leaves this machine");
    assertThat(r.out()).contains("<- knee").contains("calls/s");
    String own = "the bench's own throwaway simulator at ses-v2+http://127.0.0.1:";
    String unshaped = "none: the target's MaxSendRate is unlimited";
    assertThat(r.out())
        .as("the text report says what it measured and at what rate")
        .startsWith("target   " + own)
        .contains("; nothing left this machine)\nshaping  " + unshaped + "\n");
    JsonNode j = new ObjectMapper().readTree(Files.readString(json));
    assertThat(j.get("levels")).hasSize(3);
    assertThat(j.get("levels").get(0).get("accepted").asLong()).isEqualTo(30);
    assertThat(j.path("settings").path("target").asText()).startsWith(own).contains("latency 0ms");
    assertThat(j.path("settings").path("shaping").asText()).isEqualTo(unshaped);
    assertThat(Files.readString(html))
        .contains("<svg id=\"throughput-chart\"")
        .contains("<svg id=\"latency-chart\"")
        .contains("the bench&#39;s own throwaway simulator at ses-v2+http://127.0.0.1:")
        .contains("none: the target&#39;s MaxSendRate is unlimited");
  }

  @Test
  void processes_twoWorkers_areMergedIntoOneLevel() {
    Run r =
        bench(
            "--processes",
            "2",
            "--concurrency",
            "2",
            "--messages",
            "20",
            "--warmup",
            "0ms",
            "--json",
            "-");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"processes\" : 2").contains("\"accepted\" : 40");
  }

  @Test
  void probe_timesEachStep() {
    Run r = bench("--probe");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("dns ms").contains("call (reuse)");
  }

  @Test
  void realSes_withRealRecipient_isRefusedBeforeAnythingIsSent() {
    Run r = bench("--target", "ses-v2://us-east-1", "--to", "someone@example.com");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("real recipient").contains("--real-recipients");
  }

  @Test
  void badTarget_isAClearError() {
    Run r = bench("--target", "http://example.com");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("unknown target scheme");
  }
}
