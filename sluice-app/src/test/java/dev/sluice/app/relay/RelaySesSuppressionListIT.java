package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.simulator.Simulator;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SuppressionListReason;

/**
 * The relay with no upstream configured (its embedded simulator) kept in step with the account's
 * suppression list: an address put there through the SES v2 API is refused at the relay's door,
 * and, with the push on, an address the relay suppresses is put there.
 */
class RelaySesSuppressionListIT {
  @TempDir Path dir;
  private Relay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void accountList_addressListedAtSes_refusedAtRcptAndOwnSuppressionsPushed() throws Exception {
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "http.port=off",
                "feedback.ses-suppression-sync=100ms",
                "feedback.ses-suppression-push=true"),
            Map.of(),
            dir);
    Simulator sim = relay.embeddedSimulator().orElseThrow();
    FeedbackStore store = relay.feedback().orElseThrow();
    String listed = "listed-at-ses@example.com";
    try (SesV2Client ses =
        SesV2Client.builder()
            .endpointOverride(sim.httpEndpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
            .build()) {
      ses.putSuppressedDestination(
          b -> b.emailAddress(listed).reason(SuppressionListReason.COMPLAINT));
    }

    await(() -> store.find(listed).isPresent(), listed + " on the relay's list");
    Suppression s = store.find(listed).orElseThrow();
    assertThat(s.reason()).isEqualTo(Suppression.Reason.COMPLAINT);
    assertThat(s.source()).isEqualTo(FeedbackStore.FROM_SES_ACCOUNT);
    SendResult r = send(listed);
    assertThat(r).isInstanceOf(SendResult.Refused.class);
    var reply = ((SendResult.Refused) r).refused().getFirst().reply();
    assertThat(reply.code()).isEqualTo(550);
    assertThat(reply.text()).contains("on the relay's suppression list").contains("(complaint)");

    String own = "suppressed-here@example.com";
    store.suppress(
        new Suppression(own, Suppression.Reason.MANUAL, Instant.now(), "operator", "admin"));
    await(() -> sim.core().suppression().get(own).isPresent(), own + " on the account's list");
    assertThat(sim.core().suppression().get(own).orElseThrow().reason()).isEqualTo("BOUNCE");
  }

  private SendResult send(String to) throws Exception {
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      return c.send(
          "app@example.com",
          List.of(to),
          ("From: app@example.com\r\nTo: " + to + "\r\nSubject: s\r\n\r\nHello.\r\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
