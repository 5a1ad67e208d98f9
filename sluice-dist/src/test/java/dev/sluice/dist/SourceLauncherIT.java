package dev.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.SmtpConversation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher of a checkout, {@code ./sluice}: the relay gets its bounded heap unless
 * SLUICE_JAVA_OPTS sets one, and the other commands keep the JVM's default. It runs the jar the
 * build made as it is (SLUICE_NO_BUILD=1).
 */
class SourceLauncherIT {
  private static final Map<String, String> NO_BUILD = Map.of("SLUICE_NO_BUILD", "1");
  static Path launcher;
  static Path java;

  @BeforeAll
  static void find() throws Exception {
    launcher = Path.of("").toAbsolutePath().getParent().resolve("sluice");
    assertThat(launcher).as("the checkout's launcher").isExecutable();
    assertThat(launcher.resolveSibling("sluice-app/target/sluice.jar")).exists();
    // The JDK the launcher picks, which is the one it runs the jar on.
    ProcessBuilder pb =
        new ProcessBuilder(
                "sh",
                "-c",
                ". \"$1/.mvn/find-jdk.sh\" && sluice_find_jdk",
                "_",
                launcher.getParent().toString())
            .redirectErrorStream(true);
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    java = Path.of(out, "bin", "java");
    assertThat(Files.isExecutable(java)).as(out).isTrue();
  }

  @Test
  void relay_noJvmOption_getsTheRelaysHeapBoundAndSerialCollector() throws Exception {
    LauncherHeap.Flags relay = LauncherHeap.of(launcher, "relay", "", NO_BUILD);
    assertThat(relay.maxHeap()).isEqualTo(LauncherHeap.RELAY_DEFAULT);
    assertThat(relay.initialHeap()).isEqualTo(LauncherHeap.RELAY_INITIAL);
    assertThat(relay.on("UseSerialGC")).isTrue();
    assertThat(relay.young()).isEqualTo(LauncherHeap.RELAY_YOUNG);
    assertThat(relay.maxYoung()).isEqualTo(LauncherHeap.RELAY_YOUNG);
    assertThat(relay.number("SurvivorRatio")).isEqualTo(6);
    assertThat(relay.number("TargetSurvivorRatio")).isEqualTo(90);
  }

  @Test
  void relay_youngGenerationOrCollectorInJavaOpts_getsNoYoungGenerationOfTheLaunchers()
      throws Exception {
    // The user's young generation replaces the launcher's heap sizes, as a heap size does.
    LauncherHeap.Flags own = LauncherHeap.of(launcher, "relay", "-Xmn64m", NO_BUILD);
    assertThat(own.maxYoung()).isEqualTo(64L << 20);
    assertThat(own.maxHeap()).isEqualTo(LauncherHeap.jvm(java, "-Xmn64m").maxHeap());
    // Another collector sizes its young generation itself; the heap bound stays.
    LauncherHeap.Flags g1 = LauncherHeap.of(launcher, "relay", "-XX:+UseG1GC", NO_BUILD);
    assertThat(g1.maxHeap()).isEqualTo(LauncherHeap.RELAY_DEFAULT);
    assertThat(g1.number("SurvivorRatio"))
        .isEqualTo(LauncherHeap.jvm(java, "-XX:+UseG1GC").number("SurvivorRatio"));
  }

  @Test
  void relay_initialHeapInJavaOpts_addsNoHeapSizeOfItsOwn() throws Exception {
    // -Xms1g beside the launcher's -Xmx512m would stop the JVM (initial above maximum).
    assertThat(LauncherHeap.of(launcher, "relay", "-Xms1g", NO_BUILD).maxHeap())
        .isEqualTo(LauncherHeap.jvm(java, "-Xms1g").maxHeap());
  }

  @Test
  void relay_xmxInJavaOpts_takesIt() throws Exception {
    assertThat(LauncherHeap.of(launcher, "relay", "-Xmx300m", NO_BUILD).maxHeap())
        .isEqualTo(300L << 20);
  }

  @Test
  void relay_maxRamPercentageInJavaOpts_leavesTheHeapToTheJvm() throws Exception {
    // A -Xmx of the launcher's would win over MaxRAMPercentage wherever it stood.
    assertThat(LauncherHeap.of(launcher, "relay", "-XX:MaxRAMPercentage=25", NO_BUILD).maxHeap())
        .isEqualTo(LauncherHeap.jvm(java, "-XX:MaxRAMPercentage=25").maxHeap());
  }

  @Test
  void relay_collectorInJavaOpts_startsWithItAlone() throws Exception {
    // Two collectors on one command line stop the JVM before it starts.
    LauncherHeap.Flags relay = LauncherHeap.of(launcher, "relay", "-XX:+UseG1GC", NO_BUILD);
    assertThat(relay.on("UseG1GC")).isTrue();
    assertThat(relay.on("UseSerialGC")).isFalse();
  }

  @Test
  void otherCommands_noJvmOption_keepTheJvmDefaults() throws Exception {
    LauncherHeap.Flags jvm = LauncherHeap.jvm(java, "");
    for (String command : List.of("simulator", "bench")) {
      LauncherHeap.Flags flags = LauncherHeap.of(launcher, command, "", NO_BUILD);
      assertThat(flags.maxHeap()).as(command).isEqualTo(jvm.maxHeap());
      assertThat(flags.on("UseSerialGC")).as(command).isEqualTo(jvm.on("UseSerialGC"));
    }
  }

  @Test
  void relay_defaultBounds_deliversAMessageOfTheLargestDefaultSizeThroughTheEmbeddedSimulator(
      @TempDir Path dir) throws Exception {
    // The launcher's heap bound must leave room for what the relay and its embedded simulator hold
    // while one message of the default --max-message-size (40 MB) is delivered: the content, its
    // base64 in the v2 request, and the simulator's parse of it.
    ProcessBuilder pb =
        new ProcessBuilder(
                launcher.toString(),
                "relay",
                "--smtp-port",
                "0",
                "--http-port",
                "0",
                "--admin-port",
                "0",
                "--spool-dir",
                dir.resolve("spool").toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("relay.log").toFile());
    pb.environment().remove("SLUICE_JAVA_OPTS");
    pb.environment().putAll(NO_BUILD);
    Process relay = pb.start();
    relay.getOutputStream().close();
    try {
      Path log = dir.resolve("relay.log");
      String banner =
          Await.value(
              "the relay to be ready",
              Duration.ofSeconds(120),
              () -> {
                String text = Files.readString(log);
                return text.contains("relay: ready") ? Optional.of(text) : Optional.empty();
              },
              () -> readQuietly(log));
      int smtp = port(banner, "SMTP smtp://127\\.0\\.0\\.1:(\\d+)");
      int admin = port(banner, "admin http://127\\.0\\.0\\.1:(\\d+)/");
      byte[] body = new byte[39_000_000];
      Arrays.fill(body, (byte) 'a');
      for (int i = 76; i < body.length; i += 78) {
        body[i] = '\r';
        body[i + 1] = '\n';
      }
      try (SmtpConversation c = SmtpConversation.connect(smtp).timeout(Duration.ofSeconds(120))) {
        c.expect("220");
        c.send("EHLO launcher.test").expect("250");
        c.send("MAIL FROM:<sender@example.com>").expect("250");
        c.send("RCPT TO:<success@simulator.amazonses.com>").expect("250");
        c.send("DATA").expect("354");
        c.sendRaw(
            "From: sender@example.com\r\nTo: success@simulator.amazonses.com\r\n"
                + "Subject: the largest size\r\n\r\n");
        c.sendBytes(body);
        c.sendRaw("\r\n.\r\n").expect("250");
        c.send("QUIT");
      }
      HttpClient http = HttpClient.newHttpClient();
      URI stats = URI.create("http://127.0.0.1:" + admin + "/api/stats");
      Await.until(
          "the message to leave the spool, delivered",
          Duration.ofSeconds(180),
          () -> {
            String json =
                http.send(HttpRequest.newBuilder(stats).build(), BodyHandlers.ofString()).body();
            return new ObjectMapper().readTree(json).path("spool").path("total").asInt(-1) == 0;
          },
          () -> readQuietly(log));
      assertThat(Files.readString(log))
          .contains("delivered ")
          .doesNotContain("OutOfMemoryError")
          .doesNotContain("deferred ");
    } finally {
      relay.destroy();
      if (!relay.waitFor(30, TimeUnit.SECONDS)) {
        relay.destroyForcibly();
      }
    }
  }

  private static int port(String banner, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(banner);
    assertThat(m.find()).as("%s in:%n%s", pattern, banner).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
