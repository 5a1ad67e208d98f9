package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckConfigCommandTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter picocliErr = new StringWriter();
    CommandLine cl =
        new CommandLine(
            new CheckConfigCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
    cl.setErr(new PrintWriter(picocliErr));
    int status = cl.execute(args);
    return new Run(
        status,
        out.toString(StandardCharsets.UTF_8),
        picocliErr + err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void call_exampleFile_exitsZeroAndSaysOk() {
    Run r = run(Path.of("..", "config", "relay.conf").toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("relay.conf: OK (");
  }

  @Test
  void call_valueThatDoesNotParse_exitsOneNamingTheKeyAndFile() throws Exception {
    Path f = Files.writeString(dir.resolve("r.conf"), "relay.smtp.port = 0\nrelay.expiry = soon\n");
    Run r = run(f.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("sluice check-config: " + f + ": ")
        .contains("relay.expiry")
        .contains(f.toString());
  }

  @Test
  void call_valuesTheRelayCouldNotStartWith_exitOneNamingTheKey() throws Exception {
    for (String line :
        new String[] {
          "relay.retry.delays = 1m,0s", "relay.expiry = 0s", "relay.simulator.http-port = off"
        }) {
      Path f = Files.writeString(dir.resolve("r.conf"), line + "\n");
      Run r = run(f.toString());
      assertThat(r.status()).as(line).isEqualTo(1);
      assertThat(r.err()).as(line).contains(line.substring(0, line.indexOf(' ')));
    }
  }

  @Test
  void call_unknownKey_exitsOneNamingIt() throws Exception {
    Path f = Files.writeString(dir.resolve("r.conf"), "relay.smtp.prot = 0\n");
    Run r = run(f.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("unknown configuration key 'relay.smtp.prot'");
  }

  @Test
  void call_routes_exitsZeroNamingThem() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("r.conf"),
            "relay.route.eu.upstream = ses-v2://eu-west-1\n"
                + "relay.route.eu.fail-over = default\n"
                + "relay.route-rule.1 = sender-domain eu.example -> eu\n");
    Run r = run(f.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("routes: default, eu; 1 rule");
  }

  @Test
  void call_ruleNamingNoRoute_exitsOneNamingTheKey() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("r.conf"),
            "relay.route.eu.upstream = ses-v2://eu-west-1\n"
                + "relay.route-rule.7 = user app -> us\n");
    Run r = run(f.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "configuration key 'relay.route-rule.7': no route is named 'us'; routes: [default, eu]");
  }

  @Test
  void call_malformedLine_exitsOneWithTheLineNumber() throws Exception {
    Path f = Files.writeString(dir.resolve("r.conf"), "# comment\nrelay.smtp.port 0\n");
    Run r = run(f.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains(f + ":2: expected 'key = value'");
  }

  @Test
  void call_certificateFileMissing_exitsOneNamingIt() throws Exception {
    Path cert = dir.resolve("missing.pem");
    Path f =
        Files.writeString(
            dir.resolve("r.conf"),
            "relay.tls.certificate = " + cert + "\nrelay.tls.key = " + dir.resolve("k.pem") + "\n");
    Run r = run(f.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("missing.pem");
  }

  @Test
  void call_usersFileMissing_exitsOneNamingIt() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("r.conf"), "relay.access.users-file = " + dir.resolve("nope") + "\n");
    Run r = run(f.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("nope");
  }

  @Test
  void call_fileMissing_exitsOne() {
    Run r = run(dir.resolve("absent.conf").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("cannot read configuration file");
  }

  @Test
  void main_checkConfigIsASubcommandOfSluice() {
    assertThat(Main.commandLine().getSubcommands()).containsKey("check-config");
  }
}
