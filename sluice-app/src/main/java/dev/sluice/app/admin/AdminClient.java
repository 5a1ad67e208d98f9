package dev.sluice.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The command line's side of the admin API: {@code sluice status} and {@code sluice queue …
 * --admin} call a running relay through this. Answers are turned back into the spool's own types
 * where there is one, so the commands print the same lines online and offline.
 *
 * <p>Thread-safe.
 */
public final class AdminClient {
  /** The URL {@code --admin} means when given without one. */
  public static final String DEFAULT_URL =
      "http://" + AdminSettings.DEFAULT_BIND + ":" + AdminSettings.DEFAULT_PORT;

  /** Environment variables the token is read from when no {@code --token} is given, in order. */
  public static final List<String> TOKEN_VARIABLES =
      List.of("SLUICE_ADMIN_TOKEN", AdminSettings.TOKEN.environmentVariable());

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String token;
  private final HttpClient http;

  private AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * A client for the admin server at {@code url} ({@code http://HOST:PORT}, or just {@code
   * HOST:PORT}).
   *
   * @param token the bearer token, or null or empty for none
   * @throws IllegalArgumentException when the URL is unusable
   */
  public static AdminClient of(String url, String token) {
    String u = url.strip();
    if (!u.contains("://")) {
      u = "http://" + u;
    }
    URI uri;
    try {
      uri = URI.create(u.endsWith("/") ? u : u + "/");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: '" + url + "'", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the admin URL must be http://HOST:PORT (or https://), got '" + url + "'");
    }
    return new AdminClient(uri, token == null ? "" : token.strip());
  }

  /** The token from a flag, else the first of {@link #TOKEN_VARIABLES} set, else empty. */
  public static String token(String flag, Map<String, String> env) {
    if (flag != null && !flag.isBlank()) {
      return flag.strip();
    }
    for (String v : TOKEN_VARIABLES) {
      String t = env.get(v);
      if (t != null && !t.isBlank()) {
        return t.strip();
      }
    }
    return "";
  }

  /** The base URL. */
  public URI base() {
    return base;
  }

  /** {@code GET /api/stats}, as sent. */
  public JsonNode stats() {
    return call("GET", "api/stats");
  }

  /** The spool part of {@link #stats()} as the spool's own record. */
  public static SpoolStats spoolStats(JsonNode stats) {
    JsonNode s = stats.path("spool");
    Map<SpoolState, Long> counts = new EnumMap<>(SpoolState.class);
    for (SpoolState st : SpoolState.values()) {
      counts.put(st, s.path(st.name().toLowerCase(Locale.ROOT)).asLong());
    }
    JsonNode oldest = s.path("oldestReceived");
    return new SpoolStats(
        counts,
        s.path("bytes").asLong(),
        oldest.isTextual() ? Optional.of(Instant.parse(oldest.asText())) : Optional.empty(),
        s.path("freeBytes").isNumber() ? s.path("freeBytes").asLong() : -1);
  }

  /**
   * One page of {@code GET /api/messages}.
   *
   * @param entries the entries, in queue-id order
   * @param next the id to pass as {@code after} for the next page, or null when this was the last
   */
  public record Page(List<SpoolEntry> entries, String next) {}

  /** Lists entries passing the filters, after {@code after} (or from the start when null). */
  public Page list(Set<String> states, String domain, String after, int limit) {
    StringJoiner q = new StringJoiner("&", "api/messages?", "");
    if (!states.isEmpty()) {
      q.add("state=" + encode(String.join(",", states)));
    }
    if (domain != null && !domain.isEmpty()) {
      q.add("domain=" + encode(domain));
    }
    if (after != null) {
      q.add("after=" + encode(after));
    }
    q.add("limit=" + limit);
    JsonNode root = call("GET", q.toString());
    List<SpoolEntry> entries = new ArrayList<>();
    for (JsonNode n : root.path("messages")) {
      entries.add(entry(n));
    }
    JsonNode next = root.path("next");
    return new Page(entries, next.isTextual() ? next.asText() : null);
  }

  /**
   * One message as shown: its entry, the part of its content asked for, and its history.
   *
   * @param entry its spool entry, or null when it has left the spool (only its history remains)
   * @param content what of its content was asked for, or null with no entry
   * @param history its history lines, oldest first, as the API writes them; empty when the relay
   *     keeps none
   */
  public record Shown(SpoolEntry entry, MessageText content, List<JsonNode> history) {}

  /**
   * {@code GET /api/messages/{id}?content=headers|1&max=N}.
   *
   * @param headersOnly the header section only, else the whole message
   * @param max the most octets of it to fetch; negative for all
   */
  public Shown show(String id, boolean headersOnly, long max) {
    JsonNode n =
        call(
            "GET",
            "api/messages/"
                + encode(id)
                + "?content="
                + (headersOnly ? "headers" : "1")
                + (max < 0 ? "" : "&max=" + max));
    List<JsonNode> history = new ArrayList<>();
    n.path("history").forEach(history::add);
    if (n.path("inSpool").isBoolean() && !n.path("inSpool").asBoolean()) {
      return new Shown(null, null, history);
    }
    MessageText text =
        new MessageText(
            n.path("content").asText(""),
            n.path("contentPart").asText().equals("headers"),
            n.path("contentShownOctets").asLong(),
            n.path("contentOctets").asLong());
    return new Shown(entry(n), text, history);
  }

  /** {@code POST /api/messages/{id}/retry}; returns the entry afterwards, if still held. */
  public Optional<SpoolEntry> retry(String id) {
    JsonNode n = call("POST", "api/messages/" + encode(id) + "/retry");
    return n.path("message").isObject() ? Optional.of(entry(n.path("message"))) : Optional.empty();
  }

  /** {@code DELETE /api/messages/{id}}; returns the state the message was in. */
  public String delete(String id) {
    return call("DELETE", "api/messages/" + encode(id)).path("state").asText();
  }

  /** An entry as the API writes it, back as the spool's record. */
  static SpoolEntry entry(JsonNode n) {
    List<String> to = new ArrayList<>();
    n.path("recipients").forEach(r -> to.add(r.asText()));
    return new SpoolEntry(
        new QueueId(n.path("id").asText()),
        new Envelope(n.path("from").asText(), to),
        n.path("size").asLong(),
        Instant.parse(n.path("received").asText()),
        n.path("origin").asText(),
        SpoolState.valueOf(n.path("state").asText().toUpperCase(Locale.ROOT)),
        Instant.parse(n.path("due").asText()),
        n.path("attempts").asInt(),
        n.path("lastError").asText());
  }

  /** {@code GET} of a path under the base (e.g. {@code api/suppression?limit=10}). */
  public JsonNode get(String path) {
    return call("GET", path);
  }

  /** A call with a body; {@code body} may be null for none. */
  public JsonNode send(String method, String path, byte[] body, String contentType) {
    return call(method, path, body, contentType);
  }

  /** A path segment or query value, percent-encoded. */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private JsonNode call(String method, String path) {
    return call(method, path, null, null);
  }

  private JsonNode call(String method, String path, byte[] content, String contentType) {
    URI uri = base.resolve(path);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .method(
                method,
                content == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(content));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (!token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new Failure(
          0, "unreachable", "no relay answers at " + base + " (is it running with its admin API?)");
    } catch (HttpTimeoutException e) {
      throw new Failure(0, "timeout", "the relay at " + base + " did not answer in time");
    } catch (IOException e) {
      throw new Failure(0, "io", "cannot talk to " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(0, "interrupted", "interrupted");
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      body = null;
    }
    if (r.statusCode() / 100 != 2) {
      JsonNode err = body == null ? null : body.path("error");
      if (err != null && err.isObject()) {
        throw new Failure(r.statusCode(), err.path("code").asText(), err.path("message").asText());
      }
      throw new Failure(
          r.statusCode(), "http_" + r.statusCode(), "HTTP " + r.statusCode() + " from " + uri);
    }
    if (body == null || !body.isObject()) {
      throw new Failure(r.statusCode(), "not_json", uri + " did not answer with JSON");
    }
    return body;
  }

  /**
   * An admin call that did not succeed: the API's error code and message, or why it was not made.
   */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    Failure(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
      return status;
    }

    /** The API's error code (see {@link AdminError}), or why no answer came. */
    public String code() {
      return code;
    }
  }
}
