package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Malformed and random input gets SES-shaped errors, never a crash or a stack trace. */
class SimulatorBadInputIT {
  private static final String JSONISH = "{}[]\":,aA1 =&.%+";
  private static Simulator sim;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static HttpResponse<String> post(String path, String contentType, byte[] body)
      throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + path))
            .header("Authorization", SimulatorV2IT.UNCHECKED_AUTH)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void v1_missingOrUnknownAction_andMissingParameters_getQueryErrors() throws Exception {
    String form = "application/x-www-form-urlencoded; charset=utf-8";
    HttpResponse<String> r =
        post("/", form, "Version=2010-12-01".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("<Code>MissingAction</Code>")
        .contains("<Type>Sender</Type>")
        .contains("<RequestId>");
    r = post("/", form, "Action=Launch&Version=2010-12-01".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.body()).contains("<Code>InvalidAction</Code>");
    r = post("/", form, "Action=SendEmail&Version=2010-12-01".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.body()).contains("<Code>MissingParameter</Code>").contains("Source");
    r =
        post(
            "/",
            form,
            "Action=SendRawEmail&RawMessage.Data=%%%".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("<Code>MalformedQueryString</Code>");
    r =
        post(
            "/",
            form,
            "Action=SendRawEmail&RawMessage.Data=***".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.body()).contains("<Code>InvalidParameterValue</Code>").contains("base64");
  }

  @Test
  void v2_wrongShapes_getBadRequest() throws Exception {
    String[] bodies = {
      "[]",
      "{}",
      "{\"Content\":{}}",
      "{\"Content\":{\"Simple\":{}}}",
      "{\"Content\":{\"Raw\":{\"Data\":\"!!!\"}}}",
      "{\"Destination\":7,\"Content\":{\"Raw\":{\"Data\":\"\"}}}",
      "{\"FromEmailAddress\":\"a@b.c\",\"Destination\":{\"ToAddresses\":[1]},\"Content\":{\"Simple\":{\"Subject\":{\"Data\":\"s\"},\"Body\":{\"Text\":{\"Data\":\"t\"}}}}}",
      "{\"Content\":{\"Simple\":{},\"Raw\":{}}}",
      ""
    };
    for (String b : bodies) {
      HttpResponse<String> r =
          post("/v2/email/outbound-emails", "application/json", b.getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(b).isEqualTo(400);
      assertThat(r.headers().firstValue("x-amzn-ErrorType")).as(b).hasValue("BadRequestException");
      assertThat(r.body())
          .as(b)
          .startsWith("{\"message\":")
          .doesNotContain("Exception:")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void randomBodiesAndRawGarbage_serverAnswersAndStaysUp() throws Exception {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    String[] paths = {
      "/",
      "/v2/email/outbound-emails",
      "/v2/email/outbound-bulk-emails",
      "/v2/email/account/sending",
      "/v2/email/templates",
      "/v2/email/templates/t/render"
    };
    for (int i = 0; i < 200; i++) {
      byte[] body = new byte[rnd.nextInt(600)];
      rnd.nextBytes(body);
      if (rnd.nextBoolean()) {
        // Mostly printable, JSON-ish garbage reaches deeper into the parsers.
        for (int j = 0; j < body.length; j++) {
          body[j] = (byte) JSONISH.charAt(Math.floorMod(body[j], JSONISH.length()));
        }
      }
      HttpResponse<String> r = post(paths[rnd.nextInt(paths.length)], "application/json", body);
      assertThat(r.statusCode()).as("seed %d request %d", seed, i).isBetween(200, 499);
      assertThat(r.body()).as("seed %d", seed).doesNotContain("\tat ");
    }
    for (int i = 0; i < 50; i++) {
      try (Socket s = new Socket("127.0.0.1", sim.httpEndpoint().getPort())) {
        s.setSoTimeout(5000);
        byte[] junk = new byte[1 + rnd.nextInt(2000)];
        rnd.nextBytes(junk);
        OutputStream out = s.getOutputStream();
        out.write(junk);
        out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        try {
          in.readAllBytes(); // an error answer or a close, never a hang
        } catch (java.net.SocketException e) {
          // Closing with unread junk in the receive buffer makes the kernel send a reset: a close.
          assertThat(e.getMessage()).as("seed %d", seed).contains("reset");
        }
      }
    }
    HttpResponse<String> ok =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as("seed %d", seed).isEqualTo(200);
  }
}
