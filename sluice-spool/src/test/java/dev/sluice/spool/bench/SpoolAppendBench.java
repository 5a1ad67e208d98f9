package dev.sluice.spool.bench;

import dev.sluice.core.Durations;
import dev.sluice.core.Envelope;
import dev.sluice.core.spool.Submission;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * How many durable appends a second {@link RocksSpool} takes, next to how many synced writes a
 * second the disk under it takes, measured in the same run by the same harness.
 *
 * <p>Cases, each run for a warm-up and a measured window, all of them once per repeat so a slow
 * phase of a shared machine hits every case:
 *
 * <ul>
 *   <li>{@code raw 1}: one platform thread writes a message-sized record to a file and forces it
 *       ({@code fdatasync}), over and over: the disk's synced-write rate, the baseline;
 *   <li>{@code raw N}: N threads doing the same, each to its own file;
 *   <li>{@code spool C}: C virtual threads each append a message and wait for its future, as SMTP
 *       sessions do; a fresh spool per case.
 * </ul>
 *
 * <p>Reports medians over the repeats and each spool rate as a multiple of the {@code raw 1} rate;
 * writes the table to stdout and every number to a JSON file. Run it through {@code
 * bench/spool-append.sh}.
 */
public final class SpoolAppendBench {
  private SpoolAppendBench() {}

  /** Options, with their defaults. */
  static final class Options {
    Path dir;
    Path out;
    Duration warmup = Duration.ofSeconds(2);
    Duration duration = Duration.ofSeconds(5);
    int repeats = 3;
    int size = 2048;
    int rawThreads = 16;
    List<Integer> concurrency = List.of(1, 16, 256);

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("-h") || a.equals("--help")) {
          System.out.println(usage());
          System.exit(0);
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value\n" + usage());
        }
        String v = args[++i];
        switch (a) {
          case "--dir" -> o.dir = Path.of(v);
          case "--out" -> o.out = Path.of(v);
          case "-w", "--warmup" -> o.warmup = Durations.parse(v);
          case "-d", "--duration" -> o.duration = Durations.parse(v);
          case "-r", "--repeats" -> o.repeats = positive(a, v);
          case "-s", "--size" -> o.size = positive(a, v);
          case "--raw-threads" -> o.rawThreads = Integer.parseInt(v);
          case "-c", "--concurrency" ->
              o.concurrency =
                  Arrays.stream(v.split(",")).map(String::trim).map(s -> positive(a, s)).toList();
          default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
        }
      }
      return o;
    }

    private static int positive(String option, String v) {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new IllegalArgumentException(option + " must be >= 1, got " + v);
      }
      return n;
    }

    static String usage() {
      return """
          Usage: bench/spool-append.sh [options]
            --dir DIR             put the files and spools in a new directory under DIR
                                  (default /tmp); it is removed afterwards
            --out FILE            JSON result (default: none)
            -w, --warmup D        untimed run before each measured window (default 2s)
            -d, --duration D      measured window per case and repeat (default 5s)
            -r, --repeats N       repeats; medians are reported (default 3)
            -s, --size BYTES      message and record size (default 2048)
            --raw-threads N       also measure N threads forcing N files, 0 = skip (default 16)
            -c, --concurrency L   concurrent appenders, comma separated (default 1,16,256)""";
    }
  }

  /** One case's samples, one per repeat. */
  record Case(String name, String kind, int threads, List<TimedLoad.Sample> samples) {
    double median(ToDoubleFunction<TimedLoad.Sample> f) {
      double[] v = samples.stream().mapToDouble(f).sorted().toArray();
      if (v.length == 0) {
        return Double.NaN;
      }
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("spool-append: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Always a new directory of our own, so cleaning up never touches anything else.
    Path dir =
        o.dir != null
            ? Files.createTempDirectory(Files.createDirectories(o.dir), "sluice-spool-bench-")
            : Files.createTempDirectory("sluice-spool-bench-");
    Thread cleanup = new Thread(() -> deleteTree(dir));
    Runtime.getRuntime().addShutdownHook(cleanup);

    byte[] payload = new byte[o.size];
    new Random(1).nextBytes(payload);
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("raw fsync, 1 thread", "raw", 1, new ArrayList<>()));
    if (o.rawThreads > 1) {
      cases.add(
          new Case(
              "raw fsync, " + o.rawThreads + " threads", "raw", o.rawThreads, new ArrayList<>()));
    }
    for (int c : o.concurrency) {
      cases.add(
          new Case(
              "spool, " + c + " appender" + (c == 1 ? "" : "s"), "spool", c, new ArrayList<>()));
    }
    String startedAt = Instant.now().toString();
    String loadBefore = loadAverage();
    log(
        "%d-byte messages, %s warm-up + %s per case, %d repeats, in %s (%s)",
        o.size,
        Durations.format(o.warmup),
        Durations.format(o.duration),
        o.repeats,
        dir,
        fileStore(dir));
    int cell = 0;
    for (int r = 0; r < o.repeats; r++) {
      for (Case c : cases) {
        Path cellDir = dir.resolve("cell-" + cell++);
        Files.createDirectories(cellDir);
        TimedLoad.Sample s =
            c.kind().equals("raw")
                ? raw(cellDir, c.threads(), payload, o)
                : spool(cellDir, c.threads(), payload, o);
        c.samples().add(s);
        deleteTree(cellDir);
        log(
            "repeat %d  %-24s %9.0f/s  p50 %7.3f ms  p99 %7.3f ms%s",
            r + 1,
            c.name(),
            s.rate(),
            s.p50Millis(),
            s.p99Millis(),
            s.syncs() > 0 ? String.format(Locale.ROOT, "  %.1f per sync", s.callsPerSync()) : "");
      }
    }
    String loadAfter = loadAverage();
    String fileSystem = fileStore(dir);
    deleteTree(dir);
    Runtime.getRuntime().removeShutdownHook(cleanup);

    double base = cases.get(0).median(TimedLoad.Sample::rate);
    System.out.println(table(cases, base, o));
    if (o.out != null) {
      Files.createDirectories(o.out.toAbsolutePath().getParent());
      Files.writeString(o.out, json(cases, base, o, startedAt, loadBefore, loadAfter, fileSystem));
      System.out.println("JSON: " + o.out);
    }
  }

  private static TimedLoad.Sample raw(Path dir, int threads, byte[] payload, Options o)
      throws Exception {
    List<FileChannel> files = new ArrayList<>();
    try {
      return TimedLoad.run(
          threads,
          false,
          o.warmup,
          o.duration,
          worker -> {
            FileChannel ch =
                FileChannel.open(
                    dir.resolve("raw-" + worker),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            files.add(ch);
            ByteBuffer buf = ByteBuffer.wrap(payload);
            return () -> {
              buf.rewind();
              while (buf.hasRemaining()) {
                ch.write(buf);
              }
              ch.force(false); // fdatasync, as RocksDB syncs its write-ahead log
            };
          },
          null);
    } finally {
      for (FileChannel ch : files) {
        ch.close();
      }
    }
  }

  private static TimedLoad.Sample spool(Path dir, int appenders, byte[] payload, Options o)
      throws Exception {
    Envelope envelope = new Envelope("bench@example.com", List.of("rcpt@example.net"));
    try (RocksSpool spool = RocksSpool.open(RocksSpoolConfig.of(dir.resolve("spool")))) {
      return TimedLoad.run(
          appenders,
          true,
          o.warmup,
          o.duration,
          worker ->
              () -> spool.append(new Submission(envelope, payload, Instant.now(), "bench")).join(),
          spool::syncs);
    }
  }

  // ---------------------------------------------------------------- report

  private static String table(List<Case> cases, double base, Options o) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%nspool-append: %d-byte messages, medians of %d × %s%n%n",
            o.size,
            o.repeats,
            Durations.format(o.duration)));
    b.append(
        String.format(
            Locale.ROOT,
            "%-24s %10s %9s %9s %9s %8s%n",
            "case",
            "ops/s",
            "p50 ms",
            "p99 ms",
            "ops/sync",
            "× raw 1"));
    for (Case c : cases) {
      double rate = c.median(TimedLoad.Sample::rate);
      double perSync = c.median(TimedLoad.Sample::callsPerSync);
      b.append(
          String.format(
              Locale.ROOT,
              "%-24s %10.0f %9.3f %9.3f %9s %8.2f%n",
              c.name(),
              rate,
              c.median(TimedLoad.Sample::p50Millis),
              c.median(TimedLoad.Sample::p99Millis),
              Double.isNaN(perSync) ? "-" : String.format(Locale.ROOT, "%.1f", perSync),
              rate / base));
    }
    b.append("\nraw ops/s of each repeat:\n");
    for (Case c : cases) {
      b.append(String.format(Locale.ROOT, "  %-24s", c.name()));
      for (TimedLoad.Sample s : c.samples()) {
        b.append(String.format(Locale.ROOT, " %9.0f", s.rate()));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String json(
      List<Case> cases,
      double base,
      Options o,
      String startedAt,
      String loadBefore,
      String loadAfter,
      String fileSystem) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("benchmark", "spool-append");
    root.put("startedAt", startedAt);
    root.put("java", System.getProperty("java.version"));
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("loadAverageBefore", loadBefore);
    root.put("loadAverageAfter", loadAfter);
    root.put("fileSystem", fileSystem);
    root.put("messageBytes", o.size);
    root.put("warmupSeconds", o.warmup.toMillis() / 1e3);
    root.put("durationSeconds", o.duration.toMillis() / 1e3);
    root.put("repeats", o.repeats);
    root.put("baseline", cases.get(0).name());
    List<Object> out = new ArrayList<>();
    for (Case c : cases) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("case", c.name());
      m.put("kind", c.kind());
      m.put("threads", c.threads());
      m.put("medianOpsPerSecond", c.median(TimedLoad.Sample::rate));
      m.put("medianP50Millis", c.median(TimedLoad.Sample::p50Millis));
      m.put("medianP99Millis", c.median(TimedLoad.Sample::p99Millis));
      m.put("medianOpsPerSync", c.median(TimedLoad.Sample::callsPerSync));
      m.put("ratioToBaseline", c.median(TimedLoad.Sample::rate) / base);
      List<Object> runs = new ArrayList<>();
      for (TimedLoad.Sample s : c.samples()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ops", s.calls());
        r.put("seconds", s.seconds());
        r.put("opsPerSecond", s.rate());
        r.put("p50Millis", s.p50Millis());
        r.put("p99Millis", s.p99Millis());
        r.put("p999Millis", s.latency().getValueAtPercentile(99.9) / 1e6);
        r.put("maxMillis", s.latency().getMaxValue() / 1e6);
        r.put("syncs", s.syncs());
        runs.add(r);
      }
      m.put("runs", runs);
      out.add(m);
    }
    root.put("cases", out);
    return toJson(root) + "\n";
  }

  private static String toJson(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      m.forEach(
          (k, x) -> {
            if (b.length() > 1) {
              b.append(',');
            }
            b.append(toJson(k.toString())).append(':').append(toJson(x));
          });
      return b.append('}').toString();
    }
    if (v instanceof List<?> l) {
      return l.stream()
          .map(SpoolAppendBench::toJson)
          .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.4f", d);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    String s = v.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    return "\"" + s + "\"";
  }

  // ---------------------------------------------------------------- helpers

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String fileStore(Path dir) {
    try {
      var fs = Files.getFileStore(dir);
      return fs.type() + " " + fs.name();
    } catch (IOException e) {
      return "unknown file system";
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), format(format, args));
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
