package dev.sluice.app.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.app.HttpSubmit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice relay --log-format json}, run as the packaged command runs (the app jar in a child
 * JVM): everything it writes, start-up banner, a delivery and the stop included, is one JSON object
 * per line with time, level, logger, thread and message, and the admin token given in the
 * environment appears nowhere.
 */
class JsonLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HTTP_PORT =
      Pattern.compile("relay: HTTP http://127\\.0\\.0\\.1:(\\d+)/");
  private static final String TOKEN = "ops-test-token-3f9c2a7d51e8b604";
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;
  private Process relay;
  private final List<String> lines = new ArrayList<>();

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.destroyForcibly();
    }
  }

  @Test
  void relay_logFormatJson_everyLineIsAJsonObjectWithTheFields() throws Exception {
    Path jar = Path.of("target", "sluice.jar");
    assertThat(jar).exists();
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                jar.toString(),
                "relay",
                "--smtp-port",
                "0",
                "--http-port",
                "0",
                "--admin-port",
                "0",
                "--spool-dir",
                dir.resolve("spool").toString(),
                "--log-format",
                "json")
            .redirectErrorStream(true);
    pb.environment().put("SLUICE_RELAY_ADMIN_TOKEN", TOKEN);
    relay = pb.start();
    relay.getOutputStream().close();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
    Thread reader = Thread.ofVirtual().start(() -> read(out));

    String ready = awaitLine(l -> l.contains("relay: ready"), "the ready line");
    assertThat(ready).startsWith("{");
    Matcher m = HTTP_PORT.matcher(awaitLine(l -> HTTP_PORT.matcher(l).find(), "the HTTP door"));
    assertThat(m.find()).isTrue();
    HttpSubmit.accepted(Integer.parseInt(m.group(1)), "success@simulator.amazonses.com");
    awaitLine(l -> l.contains("delivered "), "the delivery's line");

    // SIGTERM, through the handle: Process.destroy() would also close the pipe being read.
    assertThat(relay.toHandle().destroy()).isTrue();
    assertThat(relay.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    reader.join(DEADLINE.toMillis());

    List<String> all = snapshot();
    assertThat(all).as("lines").hasSizeGreaterThan(8);
    List<JsonNode> events = new ArrayList<>();
    for (String line : all) {
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + line, e);
      }
      assertThat(n.isObject()).as(line).isTrue();
      for (String field : List.of("time", "level", "logger", "thread", "message")) {
        assertThat(n.path(field).isTextual()).as(field + " in " + line).isTrue();
      }
      events.add(n);
    }
    assertThat(events)
        .extracting(n -> n.path("logger").asText() + " " + n.path("message").asText())
        .anyMatch(s -> s.startsWith("dev.sluice.app.RelayCommand relay: SMTP smtp://127.0.0.1:"))
        .anyMatch(s -> s.startsWith("dev.sluice.delivery.outcomes delivered "))
        .anyMatch(s -> s.endsWith("relay stopped"));
    assertThat(String.join("\n", all)).doesNotContain(TOKEN);
  }

  private void read(BufferedReader out) {
    try {
      for (String line; (line = out.readLine()) != null; ) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private List<String> snapshot() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  private String awaitLine(Predicate<String> p, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    synchronized (lines) {
      while (true) {
        for (String l : lines) {
          if (p.test(l)) {
            return l;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !relay.isAlive()) {
          throw new AssertionError("no " + what + " in:\n" + String.join("\n", lines));
        }
        // Woken by each new line; every 100 ms at least, to notice a relay that has exited.
        lines.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
  }
}
