package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load: a relay process takes mail from many SMTP sessions and HTTP clients and is
 * stopped with SIGTERM mid-load. Every session that sent its final dot gets a reply before its
 * connection closes, every session is told {@code 421 4.3.2} rather than dropped, and every message
 * answered {@code 250} or {@code 202} reaches the simulator once the relay is started again on the
 * same spool.
 */
class RelayStopIT {
  private static final int SMTP_SENDERS = 40;
  private static final int HTTP_SENDERS = 4;
  private static final Pattern SMTP_PORT = Pattern.compile("SMTP smtp://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern HTTP_PORT =
      Pattern.compile("HTTP http://127\\.0\\.0\\.1:(\\d+)/v1/messages");

  @TempDir Path dir;

  /** What the SMTP senders saw, shared by all of them. */
  private static final class Seen {
    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    final Map<String, String> refusedAtDot = new ConcurrentHashMap<>();
    final Set<String> dotWithoutReply = ConcurrentHashMap.newKeySet();
    final Map<Integer, String> lastReply = new ConcurrentHashMap<>();
    final Set<Integer> greeted = ConcurrentHashMap.newKeySet();
    final Set<String> httpAccepted = ConcurrentHashMap.newKeySet();
    final AtomicInteger httpWithoutAnswer = new AtomicInteger();
    final AtomicInteger httpNotConnected = new AtomicInteger();
  }

  @Test
  void sigtermUnderLoad_everyFinalDotAnsweredAndEvery250Delivered() throws Exception {
    Path spool = dir.resolve("spool");
    Seen seen = new Seen();
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "https-port=off",
                "smtp-port=off",
                "max-send-rate=unlimited",
                "latency=20ms",
                "inbox-size=100000",
                "inbox-bytes=512MB"))) {
      String upstream = "ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort();
      RelayProcess relay = RelayProcess.start(dir, spool, upstream);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> senders = new ArrayList<>();
      try {
        for (int c = 0; c < SMTP_SENDERS; c++) {
          int client = c;
          senders.add(
              Thread.ofVirtual().start(() -> smtpSender(relay.smtpPort, client, seen, stop)));
        }
        for (int c = 0; c < HTTP_SENDERS; c++) {
          int client = c;
          senders.add(
              Thread.ofVirtual().start(() -> httpSender(relay.httpPort, client, seen, stop)));
        }
        await(() -> seen.greeted.size() == SMTP_SENDERS, "every SMTP session greeted");
        await(() -> seen.accepted.size() >= 200, "200 messages accepted");
        relay.process.destroy(); // SIGTERM, mid-load
        assertThat(relay.process.waitFor(60, TimeUnit.SECONDS)).as("the relay stopped").isTrue();
      } finally {
        stop.set(true);
        relay.process.destroyForcibly();
        for (Thread t : senders) {
          t.join(Duration.ofSeconds(30));
        }
      }
      System.out.printf(
          "SIGTERM under load: %d SMTP messages answered 250, %d refused at the dot %s, %d with no"
              + " reply; HTTP: %d answered 202, %d requests without an answer, %d not connected%n",
          seen.accepted.size(),
          seen.refusedAtDot.size(),
          seen.refusedAtDot.values(),
          seen.dotWithoutReply.size(),
          seen.httpAccepted.size(),
          seen.httpWithoutAnswer.get(),
          seen.httpNotConnected.get());
      assertThat(seen.dotWithoutReply)
          .as("sessions that sent the final dot and got no reply")
          .isEmpty();
      assertThat(seen.lastReply)
          .as("every session is told the relay is shutting down before it is closed")
          .hasSize(SMTP_SENDERS)
          .allSatisfy((client, reply) -> assertThat(reply).startsWith("421 4.3.2"));

      // Started again on the same spool, the relay delivers whatever the stop left in it.
      Set<String> everAccepted = new HashSet<>(seen.accepted);
      everAccepted.addAll(seen.httpAccepted);
      RelayProcess again = RelayProcess.start(dir, spool, upstream);
      Set<String> delivered = new HashSet<>();
      try {
        await(
            () -> {
              delivered.clear();
              for (var m : sim.core().inbox().recent(1_000_000, m -> true)) {
                delivered.add(m.subject().substring("crash ".length()));
              }
              return delivered.containsAll(everAccepted);
            },
            "every accepted message at the simulator");
        again.process.destroy();
        assertThat(again.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } finally {
        again.process.destroyForcibly();
      }
      assertThat(delivered).as("every 250 and 202 delivered").containsAll(everAccepted);
    }
  }

  /** A relay process (run in the test's directory) and the ports it printed. */
  private record RelayProcess(Process process, int smtpPort, int httpPort) {
    static RelayProcess start(Path dir, Path spool, String upstream) throws IOException {
      Path jar = Path.of("target", "sluice.jar");
      assertThat(jar).exists();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  java,
                  "--enable-native-access=ALL-UNNAMED",
                  "-jar",
                  jar.toAbsolutePath().toString(),
                  "relay",
                  "--smtp-port",
                  "0",
                  "--http-port",
                  "0",
                  "--admin-port",
                  "0",
                  "--spool-dir",
                  spool.toString(),
                  "--upstream",
                  upstream,
                  "--stop-grace",
                  "20s")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      int smtp = -1;
      int http = -1;
      for (String line; (line = out.readLine()) != null && !line.contains("ready"); ) {
        Matcher m = SMTP_PORT.matcher(line);
        if (m.find()) {
          smtp = Integer.parseInt(m.group(1));
        }
        Matcher h = HTTP_PORT.matcher(line);
        if (h.find()) {
          http = Integer.parseInt(h.group(1));
        }
      }
      assertThat(smtp).as("SMTP port in the banner").isPositive();
      assertThat(http).as("HTTP port in the banner").isPositive();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (out.readLine() != null) {
                    // keep the pipe from filling
                  }
                } catch (IOException e) {
                  // the process is gone
                }
              });
      return new RelayProcess(p, smtp, http);
    }
  }

  /**
   * One SMTP session sending message after message until the relay ends it; records each message by
   * what came back after its final dot, and the session's last reply.
   */
  private static void smtpSender(int port, int client, Seen seen, AtomicBoolean stop) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(60_000);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      if (!reply(in, seen, client).startsWith("220")) {
        return;
      }
      seen.greeted.add(client);
      if (!command(out, in, seen, client, "EHLO sender" + client + ".example").startsWith("250")) {
        return;
      }
      for (int n = 0; !stop.get(); n++) {
        String id = "s" + client + "-" + n;
        if (!command(out, in, seen, client, "MAIL FROM:<app@example.com>").startsWith("250")
            || !command(out, in, seen, client, "RCPT TO:<to@example.net>").startsWith("250")
            || !command(out, in, seen, client, "DATA").startsWith("354")) {
          return;
        }
        out.write(RelayCrashIT.message(id));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer;
        try {
          answer = reply(in, seen, client);
        } catch (IOException e) {
          seen.dotWithoutReply.add(id);
          return;
        }
        if (answer.isEmpty()) {
          seen.dotWithoutReply.add(id);
          return;
        }
        if (!answer.startsWith("250")) {
          seen.refusedAtDot.put(id, answer);
          return;
        }
        seen.accepted.add(id);
      }
    } catch (IOException e) {
      // the connection ended outside a message; the session's last reply tells how
    }
  }

  /** Sends a command and reads its reply; empty when the connection ended first. */
  private static String command(
      OutputStream out, InputStream in, Seen seen, int client, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return reply(in, seen, client);
  }

  /** Reads one whole reply (its last line), or empty at end of stream; remembers it. */
  private static String reply(InputStream in, Seen seen, int client) throws IOException {
    while (true) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        b.write(c);
      }
      if (c == -1) {
        return "";
      }
      String line = b.toString(StandardCharsets.US_ASCII).strip();
      if (line.length() < 4 || line.charAt(3) != '-') {
        seen.lastReply.put(client, line);
        return line;
      }
    }
  }

  /** Submits raw messages over one keep-alive HTTP client until the relay stops answering. */
  private static void httpSender(int port, int client, Seen seen, AtomicBoolean stop) {
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build()) {
      URI uri =
          URI.create(
              "http://127.0.0.1:"
                  + port
                  + "/v1/messages?from=app%40example.com&to=to%40example.net");
      for (int n = 0; !stop.get(); n++) {
        String id = "h" + client + "-" + n;
        HttpResponse<String> r;
        try {
          r =
              http.send(
                  HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofSeconds(60))
                      .header("Content-Type", "message/rfc822")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(RelayCrashIT.message(id)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
          seen.httpNotConnected.incrementAndGet(); // the listener is closed
          return;
        } catch (IOException e) {
          seen.httpWithoutAnswer.incrementAndGet(); // the request may not have been read whole
          return;
        }
        if (r.statusCode() != 202) {
          return;
        }
        seen.httpAccepted.add(id);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
