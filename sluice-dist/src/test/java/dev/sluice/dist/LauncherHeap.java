package dev.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags a launcher gives the JVM of a command, read from {@code -XX:+PrintFlagsFinal}, and
 * the JVM's own defaults on the same runtime to compare them with. Stateless; thread-safe.
 */
final class LauncherHeap {
  /** The relay's heap bound the launchers set by default. */
  static final long RELAY_DEFAULT = 512L << 20;

  /** The relay's initial heap the launchers set by default. */
  static final long RELAY_INITIAL = 192L << 20;

  /** The relay's fixed young generation the launchers set by default (with Serial). */
  static final long RELAY_YOUNG = 128L << 20;

  private LauncherHeap() {}

  /**
   * The final flags of {@code launcher command --help} with {@code javaOpts} in SLUICE_JAVA_OPTS.
   *
   * @param env more environment for the launcher
   */
  static Flags of(Path launcher, String command, String javaOpts, Map<String, String> env)
      throws Exception {
    return run(
        List.of(launcher.toString(), command, "--help"),
        Map.of("SLUICE_JAVA_OPTS", ("-XX:+PrintFlagsFinal " + javaOpts).strip()),
        env);
  }

  /** The final flags the runtime's {@code java} picks by itself with {@code javaOpts}. */
  static Flags jvm(Path java, String javaOpts) throws Exception {
    List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:+PrintFlagsFinal"));
    if (!javaOpts.isBlank()) {
      command.addAll(List.of(javaOpts.strip().split("\\s+")));
    }
    command.add("-version");
    return run(command, Map.of(), Map.of());
  }

  /** The output of {@code -XX:+PrintFlagsFinal}. */
  record Flags(String output) {
    /** MaxHeapSize in bytes. */
    long maxHeap() {
      return Long.parseLong(value("MaxHeapSize"));
    }

    /** InitialHeapSize in bytes. */
    long initialHeap() {
      return Long.parseLong(value("InitialHeapSize"));
    }

    /** MaxNewSize in bytes. */
    long maxYoung() {
      return Long.parseLong(value("MaxNewSize"));
    }

    /** NewSize in bytes. */
    long young() {
      return Long.parseLong(value("NewSize"));
    }

    /** A numeric flag, as printed. */
    long number(String name) {
      return Long.parseLong(value(name));
    }

    /** Whether the boolean flag {@code name} is on. */
    boolean on(String name) {
      return Boolean.parseBoolean(value(name));
    }

    private String value(String name) {
      Matcher m = Pattern.compile("\\b" + name + "\\s+=\\s+(\\S+)").matcher(output);
      assertThat(m.find()).as("%s in:%n%s", name, output).isTrue();
      return m.group(1);
    }
  }

  private static Flags run(List<String> command, Map<String, String> opts, Map<String, String> env)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("SLUICE_JAVA_OPTS");
    pb.environment().putAll(env);
    pb.environment().putAll(opts);
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return new Flags(out);
  }
}
