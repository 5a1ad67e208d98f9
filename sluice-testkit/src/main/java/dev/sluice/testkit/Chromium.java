package dev.sluice.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's headless Chromium once over a page, to dump its DOM after the scripts ran or save a
 * screenshot, with a fresh profile each run and a time limit.
 *
 * <p>Browser tests fail, never skip, when Chromium is missing: the check is only worth having if it
 * runs. The binary is {@code /usr/bin/chromium} unless {@code -Dsluice.chromium} names another. For
 * a page a test drives (click, type, read the DOM as it changes) see {@link ChromiumPage}.
 *
 * <p>Thread-safe: no state; each run is its own process with its own profile directory.
 */
public final class Chromium {
  /** How long one run may take before it is killed and the test fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * The flags of every run: headless, no sandbox (tests run as root in CI), nothing in the
   * background.
   */
  static final List<String> HEADLESS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync");

  private Chromium() {}

  /** The Chromium binary; fails the test, naming how to install it, when it is not there. */
  public static Path binary() {
    Path chromium = Path.of(System.getProperty("sluice.chromium", "/usr/bin/chromium"));
    if (!Files.isExecutable(chromium)) {
      throw new AssertionError(
          "Chromium not found at "
              + chromium
              + ": this browser test needs it; run `apt-get install -y chromium`"
              + " (or point -Dsluice.chromium at a Chromium binary)");
    }
    return chromium;
  }

  /**
   * Loads {@code url}, writes the DOM after its scripts ran to {@code dom} and returns it; {@code
   * flags} go before the URL (e.g. {@code --virtual-time-budget=5000}).
   */
  public static String dumpDom(Path workDir, Path dom, String url, String... flags)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(flags));
    args.add("--dump-dom");
    args.add(url);
    run(workDir, dom, args.toArray(String[]::new));
    return Files.readString(dom, StandardCharsets.UTF_8);
  }

  /**
   * Loads {@code url} and saves a PNG of it to {@code png} (Chromium's output beside it, in {@code
   * png.out}); {@code flags} go before the URL (e.g. {@code --window-size=1200,1600}).
   */
  public static void screenshot(Path workDir, Path png, String url, String... flags)
      throws IOException, InterruptedException {
    Path absolute = png.toAbsolutePath();
    Files.deleteIfExists(absolute);
    List<String> args = new ArrayList<>();
    args.add("--screenshot=" + absolute);
    args.addAll(List.of(flags));
    args.add(url);
    run(workDir, Path.of(absolute + ".out"), args.toArray(String[]::new));
    if (!Files.isRegularFile(absolute)) {
      throw new AssertionError("Chromium exited 0 but wrote no screenshot at " + absolute);
    }
  }

  /**
   * Runs Chromium headless with a fresh profile under {@code workDir} and {@code args}, its
   * standard output to {@code stdout} and its errors beside it ({@code stdout.err}); fails unless
   * it exits 0 within {@link #TIMEOUT}.
   */
  public static void run(Path workDir, Path stdout, String... args)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(workDir, "chromium-profile");
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(HEADLESS);
    command.add("--user-data-dir=" + profile);
    command.addAll(List.of(args));
    Path stderr = Path.of(stdout + ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("Chromium did not finish in " + TIMEOUT + ": " + command);
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(
          "Chromium exited "
              + process.exitValue()
              + ": "
              + command
              + "; stderr:\n"
              + Files.readString(stderr));
    }
  }
}
