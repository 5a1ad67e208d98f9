package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.report.BenchRun;
import dev.sluice.bench.report.HtmlReport;
import dev.sluice.bench.report.JsonReport;
import dev.sluice.bench.report.Knee;
import dev.sluice.bench.report.LatencySummary;
import dev.sluice.bench.report.LevelResult;
import dev.sluice.bench.report.TextReport;
import dev.sluice.core.Rate;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Runs a benchmark: each concurrency level in turn, in this process or in several worker processes
 * at once, then the knee and the reports.
 *
 * <p>Design: with {@code processes > 1} the level runs in that many child JVMs started from this
 * one's command (the SES throughput guide's "launch additional instances on the same machine");
 * each child prints one JSON line holding its level result and its latency histogram, compressed,
 * and the parent merges the histograms so percentiles are exact across processes. Shaping by hand
 * ({@code --max-send-rate}) is divided among the processes.
 */
public final class Bench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHAPING = "shaping";

  private final BenchOptions options;
  private final Progress progress;
  private final List<String> workerCommand;

  /**
   * Creates a benchmark.
   *
   * @param options the settings
   * @param progress where the run reports how it is going ({@link Progress#NONE}: nowhere)
   * @param workerCommand the command that starts this program's bench face in worker mode, to which
   *     per-level arguments are appended; only used when {@code processes > 1}
   */
  public Bench(BenchOptions options, Progress progress, List<String> workerCommand) {
    this.options = options;
    this.progress = progress;
    this.workerCommand = List.copyOf(workerCommand);
  }

  /**
   * Runs every level and returns the run with its knee. The {@code shaping} setting, when given, is
   * replaced by the rate actually shaped to (see {@link #shaping()}).
   */
  public BenchRun run(Map<String, String> settings) throws InterruptedException, IOException {
    Map<String, String> shown = new LinkedHashMap<>(settings);
    if (shown.containsKey(SHAPING)) {
      shown.put(SHAPING, shaping());
    }
    settings = shown;
    Instant started = Instant.now();
    List<LevelResult> levels = new ArrayList<>();
    for (int c : options.levels()) {
      LevelResult r =
          options.processes() == 1 ? new LevelRunner(options, progress).run(c).result() : multi(c);
      levels.add(r);
      progress.println(
          String.format(
              java.util.Locale.ROOT,
              "bench: level c=%d x %d process(es): %.0f calls/s, p50 %.1f ms, p99 %.1f ms",
              c,
              r.processes(),
              r.throughputPerSecond(),
              r.latency().p50Millis(),
              r.latency().p99Millis()));
    }
    String knee = levels.size() > 1 ? Knee.describe(levels) : "";
    return new BenchRun(
        options.target().text(), options.target().transportName(), settings, levels, started, knee);
  }

  /** Writes the terminal table, and the JSON and HTML reports when asked. */
  public static void report(
      BenchRun run, PrintStream out, java.nio.file.Path json, java.nio.file.Path html)
      throws IOException {
    out.print(TextReport.heading(run));
    out.print(TextReport.table(run));
    if (json != null) {
      java.nio.file.Files.writeString(json, JsonReport.toJson(run), StandardCharsets.UTF_8);
    }
    if (html != null) {
      java.nio.file.Files.writeString(html, HtmlReport.render(run), StandardCharsets.UTF_8);
    }
  }

  /** Worker mode: runs one level in this process and prints it as one JSON line. */
  public static void worker(BenchOptions options, int concurrency, PrintStream out)
      throws InterruptedException {
    LevelRunner.Measured m = new LevelRunner(options, Progress.NONE).run(concurrency);
    ByteBuffer buf = ByteBuffer.allocate(m.histogram().getNeededByteBufferCapacity());
    int len = m.histogram().encodeIntoCompressedByteBuffer(buf);
    ObjectNode line = JSON.createObjectNode();
    line.set("level", JSON.valueToTree(m.result()));
    line.put(
        "histogram", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len)));
    out.println(line);
    out.flush();
  }

  private LevelResult multi(int concurrency) throws IOException, InterruptedException {
    List<Process> children = new ArrayList<>();
    for (int p = 0; p < options.processes(); p++) {
      List<String> cmd = new ArrayList<>(workerCommand);
      cmd.add("--worker-concurrency");
      cmd.add(Integer.toString(concurrency));
      children.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }
    Histogram merged = new Histogram(3);
    long attempts = 0;
    long accepted = 0;
    long throttled = 0;
    long transientErrors = 0;
    long permanent = 0;
    long connections = 0;
    double seconds = 0;
    double throughput = 0;
    double recipients = 0;
    for (Process child : children) {
      String line;
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String last = null;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("{")) {
            last = line;
          }
        }
        line = last;
      }
      if (!child.waitFor(5, TimeUnit.MINUTES) || child.exitValue() != 0 || line == null) {
        child.destroyForcibly();
        throw new IOException(
            "a bench worker process failed (exit "
                + (child.isAlive() ? "?" : child.exitValue())
                + ")");
      }
      JsonNode n = JSON.readTree(line);
      LevelResult lr = JSON.treeToValue(n.get("level"), LevelResult.class);
      try {
        merged.add(
            Histogram.decodeFromCompressedByteBuffer(
                ByteBuffer.wrap(Base64.getDecoder().decode(n.get("histogram").asText())), 0));
      } catch (DataFormatException e) {
        throw new IOException("a bench worker sent a corrupt histogram", e);
      }
      attempts += lr.attempts();
      accepted += lr.accepted();
      throttled += lr.throttled();
      transientErrors += lr.transientErrors();
      permanent += lr.permanentErrors();
      connections += lr.connectionsOpened();
      seconds = Math.max(seconds, lr.seconds());
      throughput += lr.throughputPerSecond();
      recipients += lr.recipientsPerSecond();
    }
    return new LevelResult(
        concurrency,
        options.processes(),
        attempts,
        accepted,
        throttled,
        transientErrors,
        permanent,
        seconds,
        throughput,
        recipients,
        LatencySummary.of(merged),
        connections);
  }

  /**
   * The rate the run shapes to, in words. By hand ({@code --max-send-rate}) it is known; following
   * the account, it is what the target reports as its MaxSendRate, read once here as each level's
   * sender reads it when it starts.
   */
  String shaping() {
    double r = options.maxSendRate();
    String each =
        options.processes() > 1 ? ", in each of " + options.processes() + " processes" : "";
    if (!Double.isNaN(r)) {
      return r < 0
          ? "none (--max-send-rate unlimited)"
          : new Rate(r) + " (--max-send-rate" + each + ")";
    }
    Optional<AccountQuota> q;
    try (Transport t = options.openTransport(1)) {
      q = t.quota();
    }
    if (q.isEmpty()) {
      return "none: no MaxSendRate could be read from the target ("
          + options.target().transportName()
          + ")";
    }
    double max = q.get().maxSendRate();
    return max < 0
        ? "none: the target's MaxSendRate is unlimited"
        : "the target's MaxSendRate, " + new Rate(max) + " when read at the start" + each;
  }

  /** The settings shown in reports. */
  public static Map<String, String> describe(BenchOptions o) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("target", o.target().text());
    s.put(
        "transport",
        o.target().transportName()
            + (o.asyncClient()
                ? " (async SDK client)"
                : o.httpClient() == dev.sluice.ses.HttpClientKind.CRT ? " (CRT HTTP client)" : ""));
    s.put("levels", o.levels().toString());
    s.put("processes", Integer.toString(o.processes()));
    s.put(
        "per level",
        o.messages() >= 0
            ? o.messages() + " messages"
            : dev.sluice.core.Durations.format(o.duration()));
    s.put("warm-up", dev.sluice.core.Durations.format(o.warmup()));
    s.put("recipients", String.join(", ", o.recipients()));
    s.put("recipients per message", Integer.toString(o.recipientsPerMessage()));
    s.put("message size", o.messageSize() + " bytes");
    s.put(
        SHAPING,
        Double.isNaN(o.maxSendRate())
            ? "account's MaxSendRate"
            : o.maxSendRate() < 0 ? "none" : o.maxSendRate() + "/s");
    s.put("keep-alive", Boolean.toString(o.keepAlive()));
    s.put("java", Runtime.version().toString());
    s.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    return s;
  }
}
