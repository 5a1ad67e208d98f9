package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** bounce@ and complaint@ sends produce SNS-style notifications at the webhook. */
class SimulatorNotificationIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void bounceAndComplaint_arriveAtWebhookWithDocumentedFields() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/sns",
        ex -> {
          received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    hook.start();
    URI url = URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/sns");
    try (Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "max-send-rate=unlimited",
                    "max-24h-send=unlimited",
                    "webhook=" + url,
                    "notification-delay=10ms"));
        SesV2Client c = SesClients.v2(sim, sim.httpEndpoint())) {
      String bounceId =
          c.sendEmail(SimulatorV2IT.simple("bounce@simulator.amazonses.com")).messageId();
      String complaintId =
          c.sendEmail(SimulatorV2IT.simple("complaint+x@simulator.amazonses.com")).messageId();
      List<JsonNode> messages = new ArrayList<>();
      // Bounce, plus delivery and complaint for the complaint address.
      while (messages.size() < 3) {
        String body = received.poll(10, TimeUnit.SECONDS);
        assertThat(body).as("notification %d of 3", messages.size() + 1).isNotNull();
        JsonNode envelope = JSON.readTree(body);
        assertThat(envelope.get("Type").asText()).isEqualTo("Notification");
        assertThat(envelope.get("TopicArn").asText())
            .startsWith("arn:aws:sns:us-east-1:123456789012:");
        assertThat(envelope.get("Message").isTextual()).isTrue();
        messages.add(JSON.readTree(envelope.get("Message").asText()));
      }
      JsonNode bounce =
          messages.stream()
              .filter(m -> m.get("notificationType").asText().equals("Bounce"))
              .findFirst()
              .orElseThrow();
      assertThat(bounce.at("/mail/messageId").asText()).isEqualTo(bounceId);
      assertThat(bounce.at("/bounce/bounceType").asText()).isEqualTo("Permanent");
      assertThat(bounce.at("/bounce/bounceSubType").asText()).isEqualTo("General");
      assertThat(bounce.at("/bounce/bouncedRecipients/0/emailAddress").asText())
          .isEqualTo("bounce@simulator.amazonses.com");
      assertThat(bounce.at("/bounce/bouncedRecipients/0/status").asText()).isEqualTo("5.1.1");
      assertThat(bounce.at("/bounce/bouncedRecipients/0/action").asText()).isEqualTo("failed");
      assertThat(bounce.at("/mail/source").asText()).isEqualTo("sender@example.com");
      JsonNode complaint =
          messages.stream()
              .filter(m -> m.get("notificationType").asText().equals("Complaint"))
              .findFirst()
              .orElseThrow();
      assertThat(complaint.at("/mail/messageId").asText()).isEqualTo(complaintId);
      assertThat(complaint.at("/complaint/complainedRecipients/0/emailAddress").asText())
          .isEqualTo("complaint+x@simulator.amazonses.com");
      assertThat(complaint.at("/complaint/complaintFeedbackType").asText()).isEqualTo("abuse");
      assertThat(complaint.at("/complaint/userAgent").asText())
          .isEqualTo("Amazon SES Mailbox Simulator");
      assertThat(messages)
          .anyMatch(
              m ->
                  m.get("notificationType").asText().equals("Delivery")
                      && m.at("/mail/messageId").asText().equals(complaintId));
    } finally {
      hook.stop(0);
    }
  }
}
