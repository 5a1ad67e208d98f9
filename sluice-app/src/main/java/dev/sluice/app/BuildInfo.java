package dev.sluice.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this build of sluice is: its version and the git commit it was built from, as the build
 * wrote them into {@code dev/sluice/app/build.properties} (in the jar; classes run from a build
 * that stopped before {@code package} have none). A build from a tree that is not a git checkout (a
 * source archive) names no commit.
 *
 * @param version the Maven version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param commit the abbreviated commit id, or empty when the build saw no git checkout
 * @param dirty whether the checkout had uncommitted changes
 */
record BuildInfo(String version, String commit, boolean dirty) {
  private static final String RESOURCE = "build.properties";

  /** The build of the running program. */
  static BuildInfo current() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(p);
  }

  /** Reads the properties; a missing one counts as empty. */
  static BuildInfo of(Properties p) {
    String version = value(p, "version");
    String commit = value(p, "commit");
    return new BuildInfo(
        version.isEmpty() ? "(development build)" : version,
        commit,
        Boolean.parseBoolean(value(p, "dirty")));
  }

  private static String value(Properties p, String key) {
    return p.getProperty(key, "").strip();
  }

  /** {@code sluice 0.1.0 (commit 1a2b3c4d5e6f)}, with {@code -dirty} after a modified tree's. */
  String describe() {
    return "sluice "
        + version
        + (commit.isEmpty()
            ? " (commit unknown: not built from a git checkout)"
            : " (commit " + commit + (dirty ? "-dirty" : "") + ")");
  }
}
