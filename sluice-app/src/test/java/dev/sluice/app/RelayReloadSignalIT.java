package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.app.admin.AdminClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice relay} as a process reloads on SIGHUP (systemd's {@code ExecReload}) and on {@code
 * sluice reload}, and keeps running: without a handler the JVM would stop on SIGHUP.
 */
class RelayReloadSignalIT {
  private static final Pattern ADMIN = Pattern.compile("admin (http://127\\.0\\.0\\.1:\\d+/?)");

  @TempDir Path dir;

  @Test
  void sighup_rereadsTheFile_newRateInForce_andTheRelayRunsOn() throws Exception {
    Path conf = dir.resolve("relay.conf");
    Files.writeString(conf, "relay.max-send-rate = 20\n");
    Path jar = Path.of("target", "sluice.jar");
    assertThat(jar).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process relay =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                jar.toString(),
                "relay",
                "--config",
                conf.toString(),
                // Never a default port: someone may be running a relay beside the tests.
                "--smtp-port",
                "0",
                "--http-port",
                "0",
                "--admin-port",
                "0",
                "--spool-dir",
                dir.resolve("spool").toString())
            .redirectErrorStream(true)
            .start();
    List<String> output = new CopyOnWriteArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
      String admin = null;
      for (String line; (line = out.readLine()) != null && !line.contains("ready"); ) {
        output.add(line);
        Matcher m = ADMIN.matcher(line);
        if (m.find()) {
          admin = m.group(1);
        }
      }
      assertThat(admin).as(String.join("\n", output)).isNotNull();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  for (String line; (line = out.readLine()) != null; ) {
                    output.add(line);
                  }
                } catch (java.io.IOException e) {
                  // the process is gone
                }
              });
      AdminClient client = AdminClient.of(admin, "");
      assertThat(client.stats().path("delivery").path("maxSendRate").asDouble()).isEqualTo(20.0);

      Files.writeString(conf, "relay.max-send-rate = 7\n");
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(relay.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      JsonNode delivery = client.stats().path("delivery");
      while (delivery.path("maxSendRate").asDouble() != 7.0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
        delivery = client.stats().path("delivery");
      }
      assertThat(delivery.path("maxSendRate").asDouble())
          .as(String.join("\n", output))
          .isEqualTo(7.0);
      assertThat(relay.isAlive()).as("SIGHUP did not stop it").isTrue();
      assertThat(output).anyMatch(l -> l.contains("configuration reloaded: applied"));

      // sluice reload says the same through the admin API: nothing changed since.
      StringWriter said = new StringWriter();
      CommandLine cl = new CommandLine(new ReloadCommand(Map.of()));
      cl.setOut(new PrintWriter(said, true));
      assertThat(cl.execute("--admin", admin)).isZero();
      assertThat(said.toString()).contains("reloaded: no live setting changed");

      Files.writeString(conf, "relay.max-send-rate = 7\nrelay.smtp.bind-address = 0.0.0.0\n");
      said.getBuffer().setLength(0);
      assertThat(cl.execute("--admin", admin)).isZero();
      assertThat(said.toString())
          .contains("not applied until a restart")
          .contains("relay.smtp.bind-address");

      Files.writeString(conf, "relay.max-send-rate = fast\n");
      StringWriter err = new StringWriter();
      cl.setErr(new PrintWriter(err, true));
      assertThat(cl.execute("--admin", admin)).isEqualTo(1);
      assertThat(err.toString()).contains("sluice reload: Configuration refused");
      assertThat(client.stats().path("delivery").path("maxSendRate").asDouble()).isEqualTo(7.0);

      // Log levels change live: at warn, a reload's own info line is not written; back at the
      // default, it is again (and, written after the others, it shows they were not).
      Files.writeString(conf, "relay.max-send-rate = 7\nrelay.log-levels = warn\n");
      said.getBuffer().setLength(0);
      assertThat(cl.execute("--admin", admin)).isZero();
      assertThat(said.toString()).contains("applied relay.log-levels");
      Files.writeString(conf, "relay.max-send-rate = 8\nrelay.log-levels = warn\n");
      assertThat(cl.execute("--admin", admin)).isZero();
      Files.writeString(conf, "relay.max-send-rate = 8\n");
      assertThat(cl.execute("--admin", admin)).isZero();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (output.stream().noneMatch(l -> l.contains("applied [relay.log-levels]"))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(output.stream().filter(l -> l.contains("configuration reloaded")).toList())
          .as("SIGHUP, nothing changed, the bind address, and levels back to info; not at warn")
          .hasSize(4)
          .last()
          .asString()
          .contains("applied [relay.log-levels]");
    } finally {
      relay.destroy();
      assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
