package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The packaged jar runs the simulator as its own process, prints its addresses, and stops on
 * SIGTERM.
 */
class SimulatorProcessIT {
  @Test
  void jar_simulator_printsAddressesServesAndStopsOnSigterm() throws Exception {
    Path jar = Path.of("target", "sluice.jar");
    assertThat(jar).exists();
    Path pem = Files.createTempFile("sim", ".pem");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                jar.toString(),
                "simulator",
                "--http-port",
                "0",
                "--https-port",
                "0",
                "--smtp-port",
                "0",
                "--export-cert",
                pem.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.contains("ready")) {
          break;
        }
      }
      assertThat(lines).as("startup output").anyMatch(l -> l.contains("ready"));
      Matcher m =
          Pattern.compile("v2/v1 API (http://127\\.0\\.0\\.1:\\d+)")
              .matcher(String.join("\n", lines));
      assertThat(m.find()).isTrue();
      assertThat(String.join("\n", lines))
          .contains("SMTP endpoint smtp://127.0.0.1:")
          .contains("https://127.0.0.1:");
      assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(lines)
          .as("where the inbox page is")
          .anyMatch(l -> l.startsWith("simulator: inbox " + m.group(1) + "/_sluice/inbox "));
      HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(m.group(1) + "/_sluice/inbox")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<title>Sluice simulator inbox</title>");
      try (SesV2Client c =
          SesV2Client.builder()
              .endpointOverride(URI.create(m.group(1)))
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
              .httpClient(Apache5HttpClient.builder().build())
              .build()) {
        assertThat(c.getAccount(r -> {}).sendQuota().maxSendRate()).isEqualTo(14.0);
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
      assertThat(p.exitValue()).isIn(0, 143);
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(pem);
    }
  }
}
