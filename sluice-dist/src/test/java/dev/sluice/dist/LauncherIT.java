package dev.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's launcher {@code ./sluice} and its AOT cache: copied with {@code .mvn/find-jdk.sh}
 * into a temporary checkout whose {@code sluice-app/target/sluice.jar} is the jar this build made
 * (no sources there, so the launcher never builds), then run as a user runs it.
 */
class LauncherIT {
  private static final Path CHECKOUT =
      Path.of(System.getProperty("sluice.checkout", "..")).toAbsolutePath().normalize();
  private static final Path JAR =
      Path.of(System.getProperty("sluice.jar", "../sluice-app/target/sluice.jar"));

  @TempDir Path tmp;
  Path root;
  Path run;

  @BeforeEach
  void checkout() throws IOException {
    root = tmp.resolve("checkout");
    Files.createDirectories(root.resolve(".mvn"));
    Files.createDirectories(root.resolve("sluice-app/target"));
    Files.copy(CHECKOUT.resolve("sluice"), root.resolve("sluice"));
    Files.copy(CHECKOUT.resolve(".mvn/find-jdk.sh"), root.resolve(".mvn/find-jdk.sh"));
    Files.createSymbolicLink(root.resolve("sluice-app/target/sluice.jar"), JAR.toAbsolutePath());
    run = root.resolve("sluice-app/target/run");
  }

  @Test
  void launcher_noCacheAndNoBuild_runsWithoutTrainingAndSaysNothingMore() throws Exception {
    Result r = sluice(Map.of("SLUICE_NO_BUILD", "1"), "--version");

    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(r.stdout()).startsWith("sluice ").contains("\nJava ");
    assertThat(r.stderr()).isEmpty();
    assertThat(run.resolve("sluice.aot")).doesNotExist();
  }

  @Test
  void launcher_cacheOlderThanTheJar_isNotPassedAndNothingIsPrinted() throws Exception {
    sluice(Map.of("SLUICE_NO_BUILD", "1"), "--version"); // puts the run copy in place
    Path cache = run.resolve("sluice.aot");
    Files.writeString(cache, "a cache of an earlier build");
    Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minusSeconds(3600)));

    Result r = sluice(Map.of("SLUICE_NO_BUILD", "1", "SLUICE_JAVA_OPTS", "-Xlog:aot"), "--version");

    assertThat(r.status()).as(r.stderr()).isZero();
    // -Xlog:aot (on stdout) names a cache the JVM was given: "trying to map .../sluice.aot".
    assertThat(r.stdout()).contains("sluice ").doesNotContain("sluice.aot");
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void launcher_cacheTheJvmRefuses_runsWithoutItAndPrintsNoWarning() throws Exception {
    assumeTrue(feature() >= 25, "AOT caches need JDK 25");
    sluice(Map.of("SLUICE_NO_BUILD", "1"), "--version");
    // Newer than the jar, so the launcher passes it; the JVM cannot map it (as a cache made for
    // another jar or JDK) and, in its default mode, runs without it.
    Path cache = run.resolve("sluice.aot");
    Files.writeString(cache, "not a cache");
    Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(60)));

    Result r = sluice(Map.of("SLUICE_NO_BUILD", "1"), "--version");

    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(r.stdout()).startsWith("sluice ").doesNotContain("[aot]").doesNotContain("error");
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void launcher_firstRunOfABuild_trainsTheCacheOnceAndTheJvmTakesIt() throws Exception {
    assumeTrue(feature() >= 25, "AOT caches need JDK 25");
    Map<String, String> env = Map.of("SLUICE_AOT_TRAINING_MESSAGES", "200");

    Result first = sluice(env, "--version");
    assertThat(first.status()).as(first.stderr()).isZero();
    assertThat(first.stderr()).contains("training the AOT cache");
    assertThat(run.resolve("sluice.aot")).isNotEmptyFile();
    assertThat(run.resolve("aot.lock")).doesNotExist();
    assertThat(Files.readString(run.resolve("aot-training.log")))
        .contains("180 messages over SMTP, 20 over HTTP, 200 delivered");

    // AOTMode=on: the JVM stops if it cannot use the cache it is given.
    Map<String, String> strict = new HashMap<>(env);
    strict.put("SLUICE_JAVA_OPTS", "-XX:AOTMode=on");
    Result second = sluice(strict, "--version");
    assertThat(second.status()).as(second.stderr()).isZero();
    assertThat(second.stdout()).startsWith("sluice ");
    assertThat(second.stderr()).isEmpty();
  }

  @Test
  void launcher_byDefault_neitherTrainsNorPassesTheCache() throws Exception {
    Result r = sluice(Map.of("SLUICE_AOT", "", "SLUICE_AOT_TRAINING_MESSAGES", "200"), "--version");

    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(run.resolve("sluice.aot")).doesNotExist();
  }

  @Test
  void launcher_aotOff_neitherTrainsNorPassesTheCache() throws Exception {
    Result r =
        sluice(Map.of("SLUICE_AOT", "0", "SLUICE_AOT_TRAINING_MESSAGES", "200"), "--version");

    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(run.resolve("sluice.aot")).doesNotExist();
  }

  @Test
  void launcher_jdkBefore25_neverTrainsNorPassesAotOptions() throws Exception {
    // A JDK that says it is 21 (its release file and its properties) and, as a JDK 21 does,
    // refuses the AOT options; everything else runs on the real one.
    Path jdk = tmp.resolve("jdk21");
    Files.createDirectories(jdk.resolve("bin"));
    Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n");
    String realJava = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    script(
        jdk.resolve("bin/java"),
        "#!/bin/sh\n"
            + "for a in \"$@\"; do case \"$a\" in\n"
            + "  -XX:AOT*) echo \"Unrecognized VM option '${a#-XX:}'\" >&2; exit 1 ;;\n"
            + "  -XshowSettings:properties) echo '    java.specification.version = 21' >&2;"
            + " exit 0 ;;\n"
            + "esac; done\n"
            + "exec '"
            + realJava
            + "' \"$@\"\n");
    script(jdk.resolve("bin/javac"), "#!/bin/sh\nexit 0\n");

    Result r =
        sluice(
            Map.of("JAVA_HOME", jdk.toString(), "SLUICE_AOT_TRAINING_MESSAGES", "200"),
            "--version");

    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(r.stdout()).startsWith("sluice ");
    assertThat(r.stderr()).isEmpty();
    assertThat(run.resolve("sluice.aot")).doesNotExist();
  }

  private static void script(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static int feature() {
    return Runtime.version().feature();
  }

  private record Result(int status, String stdout, String stderr) {}

  /** Runs the launcher with the JDK running this test (unless env names another) and env. */
  private Result sluice(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(root.resolve("sluice").toString());
    pb.command().addAll(List.of(args));
    pb.directory(tmp.toFile());
    Map<String, String> e = pb.environment();
    e.keySet().removeIf(k -> k.startsWith("SLUICE_") || k.startsWith("AWS_"));
    e.put("JAVA_HOME", System.getProperty("java.home"));
    e.put("HOME", tmp.toString());
    // The cache is on request (SLUICE_AOT=1), asked for here unless env says otherwise; an empty
    // value in env leaves the variable unset.
    e.put("SLUICE_AOT", "1");
    e.putAll(env);
    e.values().removeIf(String::isEmpty);
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the launcher did not finish within 5 minutes");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
