package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.SmallDisk;
import io.micrometer.core.instrument.Timer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The relay whose spool lives on a small real disk (a loop-mounted 64 MB ext4, {@link SmallDisk};
 * skipped where the test cannot mount one) that fills up for real, with {@code
 * relay.spool.min-free-disk = 0}: mail sent over SMTP is refused while the spool cannot write, and
 * {@code /health}, the status JSON and {@code sluice status} say so; once the disk is freed the
 * relay takes mail again without a restart, and every message it acknowledged is in the spool,
 * intact; delivery in flight meanwhile is recorded once there is room, and sends nothing twice.
 */
class RelayDiskFullIT {
  private static final long DISK = 64L << 20;
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();

  /** What the relay logs (slf4j-simple writes to System.err as it is at each line). */
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

  private PrintStream stderr;

  @BeforeEach
  void captureLog() {
    stderr = System.err;
    System.setErr(new PrintStream(new Tee(stderr, logged), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStderr() {
    System.setErr(stderr);
  }

  @Test
  void smtp_whenTheSpoolDiskFillsAndIsFreed_refusesSaysSoAndTakesMailAgainWithoutRestart()
      throws Exception {
    Map<QueueId, String> acknowledged = new HashMap<>();
    Path spoolDir;
    try (SmallDisk disk = SmallDisk.mount(tmp, DISK)) {
      spoolDir = disk.root().resolve("spool");
      Relay relay =
          Relay.start(
              RelayConfig.onFreePorts(
                  spoolDir, "hold=true", "http.port=off", "spool.min-free-disk=0"),
              Map.of(),
              tmp);
      try {
        int port = relay.smtpPort();
        URI admin = relay.adminUri();
        assertThat(get(admin, "health").statusCode()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
          accept(send(port, "before-" + i), "before-" + i, acknowledged);
        }

        // The door sees 32 KB free and lets a 64 KB message through; the spool's disk refuses it.
        disk.fill(32 << 10);
        String reply = null;
        for (int i = 0; i < 2000; i++) { // 128 MB: more than the disk holds
          reply = send(port, "filling-" + i);
          if (!reply.startsWith("250")) {
            break;
          }
          accept(reply, "filling-" + i, acknowledged);
        }
        assertThat(reply).as("the message the disk had no room for").startsWith("451 4.3.0");
        assertThat(send(port, "while-full"))
            .as("refused at the door, before the client sends the message")
            .startsWith("452 4.3.1 Insufficient disk space");

        HttpResponse<String> health = get(admin, "health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(health.body()).path("status").asText())
            .isEqualTo("refusing: disk full");
        JsonNode intake = JSON.readTree(get(admin, "api/stats").body()).path("intake");
        assertThat(intake.path("accepting").asBoolean()).isFalse();
        assertThat(intake.path("state").asText()).isEqualTo("refusing: disk full");
        assertThat(intake.path("detail").asText()).contains("No space left on device");
        assertThat(intake.path("refused").asLong())
            .as("one by the spool, one at the door")
            .isEqualTo(2);
        assertThat(status(admin)).contains("intake       refusing: disk full since ");

        disk.release();
        await(() -> statusCode(admin, "health") == 200, "/health answers 200 again");
        for (int i = 0; i < 10; i++) {
          accept(send(port, "after-" + i), "after-" + i, acknowledged);
        }
        intake = JSON.readTree(get(admin, "api/stats").body()).path("intake");
        assertThat(intake.path("state").asText()).isEqualTo("accepting");
        assertThat(status(admin)).contains("intake       accepting");
      } finally {
        relay.close();
      }

      try (RocksSpool spool = RocksSpool.openExisting(spoolDir)) {
        List<SpoolEntry> held = spool.list(SpoolFilter.ALL, null, 100_000);
        assertThat(held.stream().map(SpoolEntry::id).collect(Collectors.toSet()))
            .as("every message answered 250, and no refused one")
            .isEqualTo(acknowledged.keySet());
        for (SpoolEntry e : held) {
          String content = new String(spool.content(e.id()).orElseThrow(), StandardCharsets.UTF_8);
          assertThat(content).endsWith(message(acknowledged.get(e.id())));
        }
      }
    }
    String log = logged.toString(StandardCharsets.UTF_8);
    assertThat(count(log, "refusing new mail: disk full")).as(log).isEqualTo(1);
    assertThat(count(log, "accepting new mail again after")).as(log).isEqualTo(1);
    assertThat(count(log, "spool refusing writes: disk full")).as(log).isEqualTo(1);
    assertThat(count(log, "spool writing again after")).as(log).isEqualTo(1);
    assertThat(log).as("no stack trace for a full disk").doesNotContain("RocksDBException");
  }

  @Test
  void delivery_throughAFullDisk_recordsEveryOutcomeOnceThereIsRoomAndSendsNothingTwice()
      throws Exception {
    // Each call takes 5 s at the simulator, so the messages are still in flight when the disk is
    // filled, and their outcomes come back while the spool cannot write (on a machine too slow
    // for that they come back before: the test then checks the plain path).
    Simulator sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "https-port=off", "smtp-port=off", "max-send-rate=unlimited", "latency=5s"));
    List<String> acknowledged = new ArrayList<>();
    try (SmallDisk disk = SmallDisk.mount(tmp, DISK)) {
      Relay relay =
          Relay.start(
              RelayConfig.onFreePorts(
                  disk.root().resolve("spool"),
                  "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(),
                  "http.port=off",
                  "spool.min-free-disk=0"),
              Map.of(),
              tmp);
      try {
        int port = relay.smtpPort();
        for (int i = 0; i < 10; i++) {
          assertThat(send(port, "sent-" + i)).startsWith("250 ");
          acknowledged.add("sent-" + i);
        }
        disk.fill(32 << 10);
        assertThat(send(port, "refused")).startsWith("451 4.3.0");
        // The calls come back and their outcomes are recorded while the spool cannot write.
        await(() -> acceptedCalls(relay) == acknowledged.size(), "every call is answered");
        disk.release();
        await(() -> relay.spool().stats().total() == 0, "every outcome is recorded");
        assertThat(statusCode(relay.adminUri(), "health")).isEqualTo(200);
        assertThat(send(port, "after")).startsWith("250 ");
        acknowledged.add("after");
        await(() -> relay.spool().stats().total() == 0, "the last message is delivered");
      } finally {
        relay.close();
      }
    } finally {
      sim.close();
    }
    Map<String, Long> delivered = delivered(sim);
    assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(acknowledged);
    assertThat(delivered.values()).as("each message sent once").allMatch(n -> n == 1);
    String log = logged.toString(StandardCharsets.UTF_8);
    assertThat(log).as("no stack trace for a full disk").doesNotContain("RocksDBException");
  }

  /** Upstream calls the simulator accepted, as the relay counted them. */
  private static long acceptedCalls(Relay relay) {
    Timer t =
        relay.registry().find("sluice.upstream.call.duration").tag("result", "accepted").timer();
    return t == null ? 0 : t.count();
  }

  /** How many times the simulator received each subject. */
  private static Map<String, Long> delivered(Simulator sim) {
    return sim.core().inbox().recent(10_000, m -> true).stream()
        .collect(Collectors.groupingBy(ReceivedMessage::subject, Collectors.counting()));
  }

  /** The content sent for {@code marker}: 64 KB in lines of 80, with the marker first and last. */
  private static String message(String marker) {
    StringBuilder b = new StringBuilder();
    b.append("From: app@example.com\r\nTo: to@example.net\r\nSubject: ").append(marker);
    b.append("\r\n\r\n");
    while (b.length() < 64 << 10) {
      b.append(marker).append(' ').append("x".repeat(70 - marker.length())).append("\r\n");
    }
    return b.append(marker).append("\r\n").toString();
  }

  /** One message over SMTP without SIZE: the reply that ended the transaction. */
  private static String send(int port, String marker) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout((int) DEADLINE.toMillis());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      reply(in, "220");
      for (String[] step :
          new String[][] {
            {"EHLO app.example", "250"},
            {"MAIL FROM:<app@example.com>", "250"},
            {"RCPT TO:<to@example.net>", "250"},
            {"DATA", "354"}
          }) {
        out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String r = reply(in, step[1]);
        if (!r.startsWith(step[1])) {
          return r;
        }
      }
      out.write((message(marker) + ".\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String r = reply(in, "250");
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return r;
    }
  }

  /** The last line of one reply. */
  private static String reply(BufferedReader in, String expected) throws IOException {
    String line;
    do {
      line = in.readLine();
      assertThat(line).as("a reply (expected %s)", expected).isNotNull();
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }

  private static void accept(String reply, String marker, Map<QueueId, String> acknowledged) {
    assertThat(reply).as(marker).startsWith("250 2.0.0 Ok: queued as ");
    acknowledged.put(new QueueId(reply.substring("250 2.0.0 Ok: queued as ".length())), marker);
  }

  private HttpResponse<String> get(URI admin, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(admin.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int statusCode(URI admin, String path) {
    try {
      return get(admin, path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /** What {@code sluice status --admin URL} prints. */
  private static String status(URI admin) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StatusCommand(Map.of()));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("--admin", admin.toString())).as(err.toString()).isZero();
    return out.toString();
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + DEADLINE + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Writes to the real stderr and keeps a copy, to count log lines. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final ByteArrayOutputStream b;

    Tee(OutputStream a, ByteArrayOutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
    }
  }
}
