package dev.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    assertThat(relay.on("UseSerialGC")).isTrue();
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
}
