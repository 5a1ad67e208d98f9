package dev.sluice.app.relay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.Clock;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.SesEventRecorder;
import dev.sluice.feedback.intake.SesEventParser;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.simulator.sns.SnsMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * How many SES events a second the relay records from SNS POSTs: {@code bench/feedback-ingest.sh}.
 *
 * <p>The notifications are signed as the simulator's SNS signs them (its key and certificate,
 * SignatureVersion 1, SNS's JSON) before anything is timed, so the simulator's signing (about a
 * millisecond of CPU each) does not compete with the relay being measured; then a client POSTs them
 * over kept-alive HTTP/1.1 connections to the endpoint, each connection waiting for its answer
 * before the next POST, as SNS does. Three ways, in the same run, each on a fresh directory:
 *
 * <ul>
 *   <li>{@code relay}: a relay ({@code sluice relay --hold}, its SNS endpoint, its feedback store,
 *       an events log): verified, parsed, recorded on disk with a synced write, written to the
 *       events log, then answered 200;
 *   <li>{@code verify-only}: the same relay and endpoint with a recorder that takes each event and
 *       discards it: everything but the store and the events log (the baseline);
 *   <li>{@code store-only}: the parsed events handed straight to a {@link FeedbackStore} from as
 *       many threads as there are connections: the store alone, no HTTP and no signature check.
 * </ul>
 *
 * <p>Events are 5% Permanent bounces, 0.1% complaints and Deliveries, each about its own SES
 * MessageId, which the store has not seen sent (kept under {@code ses:}, a little more work than
 * for a message the relay sent). Reports; asserts nothing but that every POST was answered 200.
 */
public final class FeedbackIngest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:sluice-bench-feedback";

  private FeedbackIngest() {}

  /** One measured run: events, wall seconds, CPU seconds of this process, load before. */
  record Run(String mode, int events, double seconds, double cpuSeconds, double load, int non200) {
    double rate() {
      return events / seconds;
    }
  }

  /** Runs the benchmark; {@code --events N --repeats R --connections C --out FILE}. */
  public static void main(String[] args) throws Exception {
    int events = 20_000;
    int repeats = 3;
    int connections = 32;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path work = Files.createTempDirectory("feedback-ingest");
    List<Run> runs = new ArrayList<>();
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "smtp-port=off", "export-cert=" + work.resolve("simulator.pem")))) {
      log("signing %,d notifications with the simulator's SNS key...", events + 1000);
      List<Signed> warm = sign(sim, 1000, new Random(1));
      List<Signed> bodies = sign(sim, events, new Random(2));
      log("signed; warming up");
      for (String mode : List.of("verify-only", "relay", "store-only")) {
        measure(mode, warm, connections, work.resolve("warm-" + mode), sim);
      }
      for (int r = 1; r <= repeats; r++) {
        for (String mode : List.of("verify-only", "relay", "store-only")) {
          Run run = measure(mode, bodies, connections, work.resolve(r + "-" + mode), sim);
          runs.add(run);
          log(
              "repeat %d %-11s %,8.0f events/s  (%,d in %.2f s, CPU %.0f%% of 2 cores, load %.2f"
                  + " before%s)",
              r,
              mode,
              run.rate(),
              run.events(),
              run.seconds(),
              100 * run.cpuSeconds() / run.seconds() / cores(),
              run.load(),
              run.non200() == 0 ? "" : ", " + run.non200() + " NOT ANSWERED 200");
        }
      }
    } finally {
      deleteTree(work);
    }
    report(runs, events, connections, out);
  }

  /** A signed notification's body and the SES event it carries. */
  private record Signed(String body, String id, String message) {}

  private static List<Signed> sign(Simulator sim, int n, Random random) throws Exception {
    String certUrl = sim.sns().signingCertUrl();
    List<Integer> index = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      index.add(i);
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(cores())) {
      List<Future<Signed>> fs = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (int i : index) {
        String kind =
            i % 1000 == 0 ? "complaint" : (random.nextInt(1000) < 50 ? "bounce" : "success");
        String sesId = "0100" + Long.toHexString(now) + "-" + UUID.randomUUID() + "-000000";
        String message = sesJson(kind, sesId, kind + "+" + i + "@simulator.amazonses.com", now);
        fs.add(
            pool.submit(
                () -> {
                  SnsMessage m =
                      SnsMessage.notification(
                          UUID.randomUUID().toString(), TOPIC, null, message, now);
                  String signature = sim.sns().signer().sign(m, 1);
                  String body =
                      m.toJson(1, signature, certUrl, certUrl.replaceFirst("/[^/]*$", "/unsub"));
                  return new Signed(body, m.messageId(), message);
                }));
      }
      List<Signed> out = new ArrayList<>();
      for (Future<Signed> f : fs) {
        out.add(f.get());
      }
      return out;
    }
  }

  /** SES's identity notification of one recipient's fate. */
  private static String sesJson(String kind, String sesId, String to, long millis) {
    String t = SnsMessage.timestamp(millis);
    ObjectNode n = JSON.createObjectNode();
    ObjectNode mail = JSON.createObjectNode();
    mail.put("timestamp", t)
        .put("messageId", sesId)
        .put("source", "app@example.com")
        .put("sourceArn", "arn:aws:ses:us-east-1:123456789012:identity/example.com")
        .put("sendingAccountId", "123456789012");
    mail.putArray("destination").add(to);
    switch (kind) {
      case "bounce" -> {
        n.put("notificationType", "Bounce");
        ObjectNode b = n.putObject("bounce");
        b.put("feedbackId", sesId.replace("0100", "0101"))
            .put("bounceType", "Permanent")
            .put("bounceSubType", "General")
            .put("timestamp", t)
            .put("reportingMTA", "dns; a8-70.smtp-out.amazonses.com");
        b.putArray("bouncedRecipients")
            .addObject()
            .put("emailAddress", to)
            .put("action", "failed")
            .put("status", "5.1.1")
            .put("diagnosticCode", "smtp; 550 5.1.1 user unknown");
      }
      case "complaint" -> {
        n.put("notificationType", "Complaint");
        ObjectNode c = n.putObject("complaint");
        c.put("feedbackId", sesId.replace("0100", "0101"))
            .put("timestamp", t)
            .put("userAgent", "Amazon SES Mailbox Simulator")
            .put("complaintFeedbackType", "abuse");
        c.putArray("complainedRecipients").addObject().put("emailAddress", to);
      }
      default -> {
        n.put("notificationType", "Delivery");
        ObjectNode d = n.putObject("delivery");
        d.put("timestamp", t)
            .put("processingTimeMillis", 500)
            .put("smtpResponse", "250 2.6.0 Message received")
            .put("reportingMTA", "a8-70.smtp-out.amazonses.com");
        d.putArray("recipients").add(to);
      }
    }
    n.set("mail", mail);
    return n.toString();
  }

  private static Run measure(
      String mode, List<Signed> bodies, int connections, Path dir, Simulator sim) throws Exception {
    Files.createDirectories(dir);
    double load = load();
    if (mode.equals("store-only")) {
      List<SesEvent> parsed = new ArrayList<>(bodies.size());
      for (Signed s : bodies) {
        parsed.add(SesEventParser.parse(s.id(), s.message()).orElseThrow());
      }
      try (FeedbackStore store =
          FeedbackStore.open(dir.resolve("feedback"), FeedbackSettings.DEFAULTS, Clock.system())) {
        return timed(
            mode,
            bodies.size(),
            load,
            connections,
            i -> {
              try {
                return store.record(parsed.get(i)) ? 200 : 409;
              } catch (IOException e) {
                return 500;
              }
            },
            Thread.ofPlatform().factory());
      }
    }
    SesEventRecorder discard = e -> true;
    try (Relay relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "hold=true",
                "smtp.port=off",
                "http.port=off",
                "admin.port=off",
                "events.log=" + dir.resolve("events.jsonl"),
                "sns.listen=127.0.0.1:0",
                "sns.topic=" + TOPIC,
                "sns.trust-cert-url=https://127.0.0.1:" + sim.httpsEndpoint().getPort(),
                "sns.trust-ca=" + dir.getParent().resolve("simulator.pem")),
            Map.of(),
            dir,
            mode.equals("relay") ? null : discard)) {
      int port = relay.snsPort();
      ThreadLocal<Poster> posters = new ThreadLocal<>();
      List<Poster> opened = Collections.synchronizedList(new ArrayList<>());
      try {
        return timed(
            mode,
            bodies.size(),
            load,
            connections,
            i -> {
              try {
                Poster p = posters.get();
                if (p == null) {
                  p = new Poster(port);
                  posters.set(p);
                  opened.add(p);
                }
                return p.post(bodies.get(i).body());
              } catch (IOException e) {
                return -1;
              }
            },
            Thread.ofVirtual().factory());
      } finally {
        for (Poster p : opened) {
          p.close();
        }
      }
    }
  }

  /** Hands out indexes 0..n-1 to {@code threads} threads calling {@code one}; times it all. */
  private static Run timed(
      String mode,
      int n,
      double load,
      int threads,
      Function<Integer, Integer> one,
      java.util.concurrent.ThreadFactory factory)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger non200 = new AtomicInteger();
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads, factory)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    if (one.apply(i) != 200) {
                      non200.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    return new Run(mode, n, seconds, cpu, load, non200.get());
  }

  /**
   * A kept-alive HTTP/1.1 connection that POSTs one body at a time, as SNS does, and reads the
   * status and the answer's body. Confined to one thread.
   */
  private static final class Poster implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String head;

    Poster(int port) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
      head =
          "POST /sns HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nContent-Type: text/plain; charset=UTF-8\r\n"
              + "x-amz-sns-message-type: Notification\r\n"
              + "x-amz-sns-topic-arn: "
              + TOPIC
              + "\r\nUser-Agent: Amazon Simple Notification Service Agent\r\n";
    }

    int post(String body) throws IOException {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      out.write(
          (head + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      String status = line();
      int length = 0;
      for (String h = line(); !h.isEmpty(); h = line()) {
        if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Integer.parseInt(h.substring(15).strip());
        }
      }
      in.readNBytes(length);
      return Integer.parseInt(status.split(" ")[1]);
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void report(List<Run> runs, int events, int connections, Path out)
      throws IOException {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "SES events recorded from signed SNS POSTs: %,d events per run, %d connections, %d"
            + " cores%n",
        events,
        connections,
        cores());
    System.out.printf(
        Locale.ROOT, "%-12s %14s %s%n", "mode", "median ev/s", "runs (events/s, CPU%)");
    Map<String, Double> medians = new java.util.LinkedHashMap<>();
    for (String mode : List.of("relay", "verify-only", "store-only")) {
      List<Run> mine = runs.stream().filter(r -> r.mode().equals(mode)).toList();
      List<Double> rates = new ArrayList<>(mine.stream().map(Run::rate).toList());
      Collections.sort(rates);
      double median = rates.get(rates.size() / 2);
      medians.put(mode, median);
      StringBuilder each = new StringBuilder();
      for (Run r : mine) {
        each.append(
            String.format(
                Locale.ROOT,
                " %,.0f (%.0f%%)",
                r.rate(),
                100 * r.cpuSeconds() / r.seconds() / cores()));
      }
      System.out.printf(Locale.ROOT, "%-12s %,14.0f%s%n", mode, median, each);
    }
    System.out.printf(
        Locale.ROOT,
        "relay / verify-only: %.2f; relay / store-only: %.2f; target >= 2,000 events/s: %s%n",
        medians.get("relay") / medians.get("verify-only"),
        medians.get("relay") / medians.get("store-only"),
        medians.get("relay") >= 2000 ? "met" : "NOT met");
    int failed = runs.stream().mapToInt(Run::non200).sum();
    if (failed > 0) {
      System.out.printf("%d POSTs were not answered 200: the numbers are not valid%n", failed);
    }
    if (out != null) {
      ObjectNode root = JSON.createObjectNode();
      root.put("time", Instant.now().toString())
          .put("events", events)
          .put("connections", connections);
      ObjectNode m = root.putObject("medians");
      medians.forEach(m::put);
      var list = root.putArray("runs");
      for (Run r : runs) {
        list.addObject()
            .put("mode", r.mode())
            .put("events", r.events())
            .put("seconds", r.seconds())
            .put("eventsPerSecond", r.rate())
            .put("cpuSeconds", r.cpuSeconds())
            .put("load1Before", r.load())
            .put("non200", r.non200());
      }
      Files.createDirectories(out.toAbsolutePath().getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
      System.out.println("JSON: " + out);
    }
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double load() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static void log(String format, Object... args) {
    System.err.printf(
        Locale.ROOT,
        "[%tT] %s%n",
        System.currentTimeMillis(),
        String.format(Locale.ROOT, format, args));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
