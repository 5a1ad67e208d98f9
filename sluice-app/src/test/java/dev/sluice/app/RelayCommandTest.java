package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RelayCommandTest {
  private static final Path EXAMPLE = Path.of("..", "config", "relay.conf");

  record Run(int status, String out, String err) {}

  /** Runs {@code sluice relay} in this process; err holds picocli's errors and the command's. */
  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter picocliErr = new StringWriter();
    CommandLine cl =
        RelayCommand.commandLine(
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(picocliErr));
    int status = cl.execute(args);
    return new Run(
        status,
        out.toString(StandardCharsets.UTF_8),
        picocliErr + err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printConfig_layersFileEnvironmentAndFlags(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("r.conf"), "relay.smtp.port = 2600\nrelay.spool.buckets = 8\n");
    Run r =
        run(
            Map.of("SLUICE_RELAY_SPOOL_BUCKETS", "32"),
            "--config",
            file.toString(),
            "--print-config",
            "--spool-dir",
            "/var/spool/sluice",
            "--set",
            "access.relay-networks=10.0.0.0/8");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("relay.smtp.port = 2600   # from file")
        .contains("relay.spool.buckets = 32   # from environment")
        .contains("relay.spool.dir = /var/spool/sluice   # from flag")
        .contains("relay.access.relay-networks = 10.0.0.0/8   # from flag")
        .contains("relay.hold = false")
        .contains("relay.upstream = auto");
  }

  @Test
  void badValues_exitTwoNamingTheKey() {
    Run r = run(Map.of(), "--access-relay-networks", "localhost");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("relay.access.relay-networks").contains("not a network");
    r = run(Map.of(), "--tls-certificate", "/tmp/cert.pem");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("relay.tls.key");
    r = run(Map.of("SLUICE_RELAY_SMTP_PROT", "25"));
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("SLUICE_RELAY_SMTP_PROT");
  }

  @Test
  void badDeliverySettings_exitTwoNamingTheKey() {
    Run r = run(Map.of(), "--retry-delays", "1m,soon");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("relay.retry.delays");
    r = run(Map.of(), "--upstream", "ftp://example.com");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("relay.upstream");
  }

  @Test
  void bouncesWithAHostnameSesRefuses_exitTwoNamingBothKeys() {
    // A machine called "vm" would send its bounces from MAILER-DAEMON@vm, which SES refuses.
    Run r = run(Map.of(), "--bounces", "--hostname", "vm");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains("relay.bounces")
        .contains("MAILER-DAEMON@vm")
        .contains("relay.hostname");
    assertThat(
            run(Map.of(), "--bounces", "--hostname", "relay.example.com", "--print-config")
                .status())
        .isZero();
  }

  @Test
  void unusableUsersFile_exitsOneNamingIt(@org.junit.jupiter.api.io.TempDir Path dir) {
    Run r =
        run(
            Map.of(),
            "--smtp-port",
            "0",
            "--http-port",
            "off",
            "--spool-dir",
            dir.resolve("spool").toString(),
            "--access-users-file",
            dir.resolve("missing-users").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("missing-users");
  }

  @Test
  void help_andReadme_listEveryKeyAsAFlag() throws Exception {
    Run help = run(Map.of(), "--help");
    String readme = Files.readString(Path.of("..", "README.md"));
    SchemaOptions options = new SchemaOptions(RelayConfig.SCHEMA, "relay.", "SLUICE_RELAY_");
    for (ConfigKey<?> k : RelayConfig.SCHEMA.keys()) {
      assertThat(help.out()).contains(options.flag(k));
      assertThat(readme)
          .as("README documents %s", options.flag(k))
          .contains("`" + options.flag(k) + "`");
    }
  }

  @Test
  void help_everyOptionsDescription_rendersWithoutAPicocliWarning() {
    // picocli renders each description with String.format; one it cannot format (e.g. "80%" in a
    // key's doc) is printed raw after a "[picocli WARN] Could not format" line on stderr.
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Run help;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      help = run(Map.of(), "--help");
    } finally {
      System.setErr(before);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
    assertThat(help.out().replaceAll("\\s+", " ")).contains("e.g. 80% or 0.8. Default: 80%.");
  }

  @Test
  void readme_namesEveryModuleOfTheBuild() throws Exception {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    String readme = Files.readString(Path.of("..", "README.md"));
    String modules = readme.substring(readme.indexOf("- Modules:"));
    modules = modules.substring(0, modules.indexOf("\n\n"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(pom);
    int n = 0;
    while (m.find()) {
      n++;
      assertThat(modules)
          .as("README's module list names %s", m.group(1))
          .contains("`" + m.group(1) + "`");
    }
    assertThat(n).as("modules in pom.xml").isGreaterThan(5);
  }

  @Test
  void readme_shellExamplesUseNoPlatformOnlyOpenCommand() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    boolean inShell = false;
    for (String line : readme.lines().toList()) {
      if (line.startsWith("```")) {
        inShell = line.equals("```sh");
        continue;
      }
      if (inShell) {
        assertThat(line.strip())
            .as("macOS's open (and xdg-open) are not everywhere; say 'open … in a browser'")
            .doesNotStartWith("open ")
            .doesNotStartWith("xdg-open ");
      }
    }
  }

  @Test
  void exampleFile_documentsEveryKeyWithItsDefaultAndParsesToThem() throws Exception {
    String expected = RelayConfig.SCHEMA.exampleFile("relay");
    String actual = Files.exists(EXAMPLE) ? Files.readString(EXAMPLE, StandardCharsets.UTF_8) : "";
    if (!actual.equals(expected)) {
      Path fresh = Path.of("target", "relay.conf");
      Files.writeString(fresh, expected, StandardCharsets.UTF_8);
      throw new AssertionError(
          "config/relay.conf is out of date with the schema; the expected file was written to"
              + " sluice-app/"
              + fresh
              + " - copy it over");
    }
    Settings fromFile =
        ConfigLoader.resolve(
            RelayConfig.SCHEMA,
            ConfigLoader.readFile(EXAMPLE),
            "example",
            Map.of(),
            null,
            Map.of());
    Settings defaults =
        ConfigLoader.resolve(RelayConfig.SCHEMA, Map.of(), "-", Map.of(), null, Map.of());
    assertThat(RelayConfig.from(fromFile)).isEqualTo(RelayConfig.from(defaults));
  }
}
