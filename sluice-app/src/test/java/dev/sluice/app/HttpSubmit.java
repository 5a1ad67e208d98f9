package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** Submits a small message through a relay's HTTP door (JSON), for tests. Thread-safe. */
public final class HttpSubmit {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpSubmit() {}

  /** Submits a one-line text message to {@code to}; asserts it was accepted and returns its id. */
  public static String accepted(int httpPort, String to) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/messages"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(
                              Map.of(
                                  "from", "app@example.com",
                                  "to", to,
                                  "subject", "test",
                                  "text", "Hello."))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      String id = JSON.readTree(r.body()).path("id").asText();
      assertThat(id).as(r.body()).isNotEmpty();
      return id;
    }
  }
}
