package dev.sluice.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain GETs for tests reading a server's pages and APIs (metrics, status). Stateless. */
public final class HttpGet {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpGet() {}

  /** The body of {@code uri}, whatever its status. */
  public static String body(URI uri) throws IOException, InterruptedException {
    return CLIENT
        .send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The body of {@code uri} read as JSON. */
  public static JsonNode json(URI uri) throws IOException, InterruptedException {
    return JSON.readTree(body(uri));
  }
}
