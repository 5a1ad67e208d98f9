package dev.sluice.app;

import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The training run of the JVM's AOT cache: a relay with its embedded simulator takes mail through
 * both doors and delivers it, so that the cache records what the hot path loads and how it runs.
 *
 * <p>Run as {@code java -XX:AOTCacheOutput=FILE -cp sluice.jar dev.sluice.app.AotTraining
 * [MESSAGES]} by the package build and the {@code ./sluice} launcher. A cache made by a relay that
 * only starts and stops holds the classes a start loads; one made here also holds the classes and
 * the method profiles (JDK 25, JEP 515) of accepting over SMTP and HTTP, spooling, taking from the
 * spool and sending through the AWS SDK, so that the JIT compiler of a fresh relay compiles that
 * code from the first messages on instead of first profiling it again.
 *
 * <p>The relay runs as {@code sluice relay} runs it (the command tree built, the same {@link
 * Relay#start}, the banner) with a fresh spool in a temporary directory, every listener on a free
 * loopback port, no environment (so no AWS configuration: delivery always goes to the embedded
 * simulator, at unlimited rate) and stops once every accepted message is delivered. Of {@code
 * MESSAGES} (default {@value #DEFAULT_MESSAGES}), nine in ten go over SMTP in {@value #SESSIONS}
 * sessions, one in ten over HTTP (raw, JSON and batches). Prints one line of counts; exits 0 when
 * every message was accepted and delivered, 1 otherwise.
 */
public final class AotTraining {
  static final int DEFAULT_MESSAGES = 12_000;
  private static final int SESSIONS = 8;
  private static final int BATCH = 50;
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  private static final String BODY = body();

  private AotTraining() {}

  /** Runs the training; the argument is the number of messages. */
  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_MESSAGES;
    Main.useOwnLogging();
    Path dir = Files.createTempDirectory("sluice-aot-training");
    int status;
    try {
      status = run(dir, messages, System.out);
    } finally {
      delete(dir);
    }
    System.exit(status);
  }

  /** What a training run did. */
  record Counts(int smtp, int http, long delivered) {}

  /**
   * Starts a relay in {@code dir}, sends {@code messages} through it and waits for their delivery.
   *
   * @return the exit status: 0 when all were accepted and delivered
   */
  static int run(Path dir, int messages, PrintStream out) throws Exception {
    Main.commandLine(); // as every start builds it
    RelayConfig config =
        RelayConfig.onFreePorts(
            dir.resolve("spool"),
            "upstream=simulator",
            "max-send-rate=unlimited",
            "simulator.max-send-rate=unlimited");
    Relay relay = Relay.start(config, Map.of(), dir);
    try {
      RelayCommand.banner(relay, line -> {});
      Counts c = traffic(relay, messages);
      out.println(
          "sluice AOT training: "
              + c.smtp()
              + " messages over SMTP, "
              + c.http()
              + " over HTTP, "
              + c.delivered()
              + " delivered");
      return c.smtp() + c.http() == messages && c.delivered() >= messages ? 0 : 1;
    } finally {
      relay.close();
    }
  }

  /** Sends the messages and waits until the spool is empty again. */
  static Counts traffic(Relay relay, int messages) throws Exception {
    int http = messages / 10;
    int smtp = messages - http;
    AtomicInteger smtpDone = new AtomicInteger();
    AtomicInteger httpDone = new AtomicInteger();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    try (ExecutorService pool = Executors.newFixedThreadPool(SESSIONS + 2);
        HttpClient client = HttpClient.newHttpClient()) {
      List<Future<?>> work = new ArrayList<>();
      for (int s = 0; s < SESSIONS; s++) {
        int share = smtp / SESSIONS + (s < smtp % SESSIONS ? 1 : 0);
        work.add(pool.submit(() -> smtpSession(relay.smtpPort(), share, smtpDone)));
      }
      URI base = URI.create("http://127.0.0.1:" + relay.httpPort() + "/v1/messages");
      work.add(pool.submit(() -> httpSingles(client, base, http / 2, httpDone)));
      work.add(pool.submit(() -> httpBatches(client, base, http - http / 2, httpDone)));
      for (Future<?> f : work) {
        f.get();
      }
    }
    long delivered = delivered(relay);
    while (delivered < messages && System.nanoTime() < deadline) {
      Thread.sleep(50);
      delivered = delivered(relay);
    }
    return new Counts(smtpDone.get(), httpDone.get(), delivered);
  }

  private static long delivered(Relay relay) {
    var c = relay.registry().find("sluice.delivery.outcomes").tag("type", "delivered").counter();
    return c == null ? 0 : (long) c.count();
  }

  /** One SMTP session that sends {@code count} messages, one after the other. */
  private static Void smtpSession(int port, int count, AtomicInteger done) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream o = socket.getOutputStream();
      expect(in, "220");
      command(o, in, "EHLO training.localdomain", "250");
      for (int i = 0; i < count; i++) {
        command(o, in, "MAIL FROM:<app@example.com>", "250");
        command(o, in, "RCPT TO:<user" + (i % 100) + "@example.net>", "250");
        command(o, in, "DATA", "354");
        o.write(message("smtp " + i).getBytes(StandardCharsets.US_ASCII));
        command(o, in, ".", "250");
        done.incrementAndGet();
      }
      command(o, in, "QUIT", "221");
    }
    return null;
  }

  private static void command(OutputStream o, BufferedReader in, String line, String code)
      throws IOException {
    o.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    o.flush();
    expect(in, code);
  }

  /** Reads a reply (the last line of a multi-line one) and checks its code. */
  private static void expect(BufferedReader in, String code) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("the relay closed the SMTP session, expected " + code);
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    if (!line.startsWith(code)) {
      throw new IOException("the relay answered '" + line + "', expected " + code);
    }
  }

  /** Single messages, alternately raw (message/rfc822) and JSON. */
  private static Void httpSingles(HttpClient client, URI base, int count, AtomicInteger done)
      throws IOException, InterruptedException {
    URI raw = URI.create(base + "?from=app%40example.com&to=user%40example.net");
    for (int i = 0; i < count; i++) {
      HttpRequest r =
          i % 2 == 0
              ? HttpRequest.newBuilder(raw)
                  .header("Content-Type", "message/rfc822")
                  .POST(HttpRequest.BodyPublishers.ofString(message("raw " + i)))
                  .build()
              : HttpRequest.newBuilder(base)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json(i)))
                  .build();
      accepted(client.send(r, HttpResponse.BodyHandlers.ofString()));
      done.incrementAndGet();
    }
    return null;
  }

  /** JSON messages in batches of {@value #BATCH}. */
  private static Void httpBatches(HttpClient client, URI base, int count, AtomicInteger done)
      throws IOException, InterruptedException {
    URI batch = URI.create(base + "/batch");
    for (int sent = 0; sent < count; ) {
      int n = Math.min(BATCH, count - sent);
      StringBuilder b = new StringBuilder("{\"messages\":[");
      for (int i = 0; i < n; i++) {
        b.append(i == 0 ? "" : ",").append(json(sent + i));
      }
      b.append("]}");
      accepted(
          client.send(
              HttpRequest.newBuilder(batch)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(b.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
      sent += n;
      done.addAndGet(n);
    }
    return null;
  }

  private static void accepted(HttpResponse<String> r) throws IOException {
    if (r.statusCode() != 202) {
      throw new IOException("the relay answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static String json(int i) {
    return "{\"from\":\"app@example.com\",\"to\":\"user"
        + (i % 100)
        + "@example.net\",\"subject\":\"training "
        + i
        + "\",\"text\":\""
        + BODY.replace("\r\n", "\\n")
        + "\"}";
  }

  /** A message of about 2 KB, as SMTP sends it (CRLF, ending before the final dot). */
  private static String message(String subject) {
    return "From: app@example.com\r\nTo: user@example.net\r\nSubject: training "
        + subject
        + "\r\nMessage-ID: <"
        + System.nanoTime()
        + "@training.localdomain>\r\n\r\n"
        + BODY;
  }

  private static String body() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 28; i++) {
      b.append("Line ")
          .append(i)
          .append(" of a message the relay is trained on, for its cache.\r\n");
    }
    return b.toString();
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
