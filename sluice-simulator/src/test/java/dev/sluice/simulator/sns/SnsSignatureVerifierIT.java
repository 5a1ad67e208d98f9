package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent verifier accepts the simulator's SNS messages: the npm package {@code
 * sns-validator} (the validator AWS published for Node.js receivers), run by {@code node}, given a
 * host pattern for the simulator's HTTPS listener and its TLS certificate through {@code
 * NODE_EXTRA_CA_CERTS}. It fetches each message's SigningCertURL over HTTPS and checks the
 * signature, for SignatureVersion 1 and 2, notifications and subscription confirmations; a changed
 * Message or Signature is refused.
 *
 * <p>{@code sns-validator} builds an UnsubscribeConfirmation's string to sign without its Token,
 * unlike SNS's documentation and the AWS SDK for Java, so UnsubscribeConfirmations are checked by
 * the SDK's validator in {@code SnsSignatureCrossCheckTest} instead.
 *
 * <p>Needs {@code node} and {@code npm} on the PATH and the npm registry: the package is installed
 * into {@code target/sns-verifier} on the first run.
 */
class SnsSignatureVerifierIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PACKAGE = "sns-validator@0.3.5";
  private static final Path VERIFIER = Path.of("target", "sns-verifier").toAbsolutePath();
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Checks each file given and prints "NAME ok" or "NAME refused: WHY", one line each. */
  private static final String SCRIPT =
      """
      const MessageValidator = require('sns-validator');
      const fs = require('fs');
      const validator = new MessageValidator(/^127\\.0\\.0\\.1:\\d+$/);
      (async () => {
        for (const file of process.argv.slice(2)) {
          await new Promise((done) =>
            validator.validate(fs.readFileSync(file, 'utf8'), (err) => {
              console.log(file.split('/').pop() + (err ? ' refused: ' + err.message : ' ok'));
              done();
            }));
        }
      })();
      """;

  @BeforeAll
  static void installVerifier() throws Exception {
    if (Files.exists(VERIFIER.resolve("node_modules/sns-validator/index.js"))) {
      return;
    }
    Files.createDirectories(VERIFIER);
    String out =
        run(
            VERIFIER,
            Map.of(),
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
            "--prefix",
            VERIFIER.toString(),
            PACKAGE);
    assertThat(VERIFIER.resolve("node_modules/sns-validator/index.js"))
        .as("npm install %s:%n%s", PACKAGE, out)
        .exists();
  }

  @Test
  void snsValidator_simulatorMessagesBothVersions_acceptedAndTamperedRefused(@TempDir Path dir)
      throws Exception {
    String topic1 = "arn:aws:sns:us-east-1:123456789012:events-v1";
    String topic2 = "arn:aws:sns:us-east-1:123456789012:events-v2";
    Path tlsCert = dir.resolve("tls.pem");
    try (SnsReceiver rx = SnsReceiver.ok();
        Simulator sim = Simulator.start(SimulatorConfig.onFreePorts("export-cert=" + tlsCert));
        HttpClient client =
            HttpClient.newBuilder().sslContext(sim.certificate().clientContext()).build()) {
      assertThat(sim.httpsEndpoint().getHost()).isEqualTo("127.0.0.1");
      sim.sns().signatureVersion(topic2, 2);
      Map<String, String> messages = new LinkedHashMap<>();
      for (String topic : List.of(topic1, topic2)) {
        String v = topic.equals(topic1) ? "v1" : "v2";
        sim.sns().subscribe(topic, rx.url());
        JsonNode confirmation = rx.take(WAIT).json();
        assertThat(confirmation.get("Type").asText()).isEqualTo("SubscriptionConfirmation");
        messages.put("confirmation-" + v, confirmation.toString());
        HttpResponse<String> confirmed =
            client.send(
                HttpRequest.newBuilder(URI.create(confirmation.get("SubscribeURL").asText()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(sim.sns().publish(topic, "Amazon SES Email Event Notification", event(v)))
            .isEqualTo(1);
        assertThat(sim.sns().publish(topic, null, "{\"no\":\"subject\",\"v\":\"" + v + "\"}"))
            .isEqualTo(1);
        messages.put("notification-" + v, rx.take(WAIT).body());
        messages.put("notification-no-subject-" + v, rx.take(WAIT).body());
      }

      List<String> files = new ArrayList<>();
      Map<String, String> expected = new LinkedHashMap<>();
      for (var m : messages.entrySet()) {
        files.add(write(dir, m.getKey(), m.getValue()));
        expected.put(m.getKey(), "ok");
        ObjectNode changedMessage = (ObjectNode) JSON.readTree(m.getValue());
        changedMessage.put("Message", changedMessage.get("Message").asText() + " ");
        files.add(write(dir, m.getKey() + "-changed-message", changedMessage.toString()));
        expected.put(m.getKey() + "-changed-message", "refused");
        ObjectNode changedSignature = (ObjectNode) JSON.readTree(m.getValue());
        String sig = changedSignature.get("Signature").asText();
        changedSignature.put("Signature", (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1));
        files.add(write(dir, m.getKey() + "-changed-signature", changedSignature.toString()));
        expected.put(m.getKey() + "-changed-signature", "refused");
      }
      Path script = dir.resolve("verify.js");
      Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>(List.of("node", script.toString()));
      command.addAll(files);
      String out =
          run(
              dir,
              Map.of(
                  "NODE_EXTRA_CA_CERTS",
                  tlsCert.toString(),
                  "NODE_PATH",
                  VERIFIER.resolve("node_modules").toString()),
              command.toArray(String[]::new));

      Map<String, String> verdicts = new LinkedHashMap<>();
      for (String line : out.lines().toList()) {
        int space = line.indexOf(' ');
        if (space > 0 && expected.containsKey(line.substring(0, space))) {
          verdicts.put(
              line.substring(0, space),
              line.substring(space + 1).startsWith("ok") ? "ok" : "refused");
        }
      }
      assertThat(verdicts).as("sns-validator said:%n%s", out).isEqualTo(expected);
      assertThat(out).contains("refused: The message signature is invalid.");
    }
  }

  private static String event(String v) {
    return "{\"eventType\":\"Delivery\",\"mail\":{\"messageId\":\"0100-" + v + "\"}}";
  }

  private static String write(Path dir, String name, String json) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, json, StandardCharsets.UTF_8);
    return f.toString();
  }

  /** Runs a command to its end (at most two minutes) and returns what it printed. */
  private static String run(Path dir, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path log = Files.createTempFile(dir, "run", ".log");
    pb.redirectOutput(log.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError(
          "this test runs '" + command[0] + "' (Node.js 18 or newer, with npm) from the PATH", e);
    }
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in two minutes");
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s:%n%s", String.join(" ", command), out).isZero();
    return out;
  }
}
