package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.ByteSize;
import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.ingress.AccessPolicy;
import dev.sluice.ingress.Admission;
import dev.sluice.ingress.RelayHeaderRules;
import dev.sluice.ingress.SesHeaderRules;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A real RocksSpool in a temporary directory with an {@link HttpIngress} in front of it on
 * 127.0.0.1 port 0, and a JDK HTTP client to call it.
 */
final class IngressFixture implements AutoCloseable {
  static final String HOST = "relay.test";
  private static final ObjectMapper JSON = new ObjectMapper();

  final RocksSpool spool;
  final HttpIngress ingress;
  final HttpClient client;
  final String base;
  final List<QueueId> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<dev.sluice.ingress.Accepted> told = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** "queue-id address" of each recipient the accept listener was told was dropped. */
  final List<String> suppressed = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * When set, the accept listener counts down {@link #stored} and then waits for this latch, which
   * holds the answer to a stored message back (and, as the listener runs on the spool's writer,
   * every other append).
   */
  volatile java.util.concurrent.CountDownLatch holdAnswers;

  /** Counted down once per stored message while {@link #holdAnswers} is set. */
  volatile java.util.concurrent.CountDownLatch stored;

  /** The suppression list the door consults; none unless a test sets one. */
  volatile Suppressions suppressions = Suppressions.none();

  private IngressFixture(
      Path dir,
      HttpIngressSettings settings,
      AccessPolicy access,
      long highWater,
      SSLContext serverTls,
      SSLContext clientTls,
      SesHeaderRules sesHeaders,
      RelayHeaderRules relayHeaders)
      throws Exception {
    spool = RocksSpool.open(RocksSpoolConfig.builder(dir).buckets(4).build());
    ingress =
        new HttpIngress(
            settings,
            spool,
            access,
            new Admission(spool, highWater, ByteSize.ofBytes(0)),
            Clock.system(),
            serverTls,
            new dev.sluice.ingress.AcceptListener() {
              @Override
              public void accepted(List<dev.sluice.ingress.Accepted> messages) {
                told.addAll(messages);
                IngressFixture.this.accepted(messages.stream().map(m -> m.id()).toList());
              }

              @Override
              public void suppressed(
                  QueueId id, List<dev.sluice.core.suppress.Suppression> dropped) {
                for (var s : dropped) {
                  IngressFixture.this.suppressed.add(id.value() + " " + s.address());
                }
              }
            },
            HttpObserver.NONE,
            sesHeaders,
            relayHeaders,
            address -> suppressions.find(address));
    ingress.start();
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10));
    if (clientTls != null) {
      b.sslContext(clientTls);
    }
    client = b.build();
    base = (serverTls == null ? "http" : "https") + "://127.0.0.1:" + ingress.port();
  }

  private void accepted(List<QueueId> ids) {
    accepted.addAll(ids);
    java.util.concurrent.CountDownLatch hold = holdAnswers;
    if (hold != null) {
      for (int i = 0; i < ids.size(); i++) {
        stored.countDown();
      }
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Loopback relay network, default limits, no TLS. */
  static IngressFixture start(Path dir) throws Exception {
    return start(dir, settings(), AccessPolicy.loopbackOnly(), 1_000_000);
  }

  static IngressFixture start(
      Path dir, HttpIngressSettings settings, AccessPolicy access, long highWater)
      throws Exception {
    return new IngressFixture(
        dir, settings, access, highWater, null, null, SesHeaderRules.DEFAULT, RelayHeaderRules.ANY);
  }

  /** Loopback relay network, default limits, no TLS, these rules for SES's headers. */
  static IngressFixture start(Path dir, SesHeaderRules sesHeaders) throws Exception {
    return new IngressFixture(
        dir,
        settings(),
        AccessPolicy.loopbackOnly(),
        1_000_000,
        null,
        null,
        sesHeaders,
        RelayHeaderRules.ANY);
  }

  /** Loopback relay network, default limits, no TLS, these routes and classes for the headers. */
  static IngressFixture start(Path dir, RelayHeaderRules relayHeaders) throws Exception {
    return new IngressFixture(
        dir,
        settings(),
        AccessPolicy.loopbackOnly(),
        1_000_000,
        null,
        null,
        SesHeaderRules.DEFAULT,
        relayHeaders);
  }

  static IngressFixture startTls(Path dir, HttpIngressSettings settings, AccessPolicy access)
      throws Exception {
    TestCertificate cert = TestCertificate.get();
    return new IngressFixture(
        dir,
        settings,
        access,
        1_000_000,
        cert.server,
        cert.client,
        SesHeaderRules.DEFAULT,
        RelayHeaderRules.ANY);
  }

  /** The default settings on 127.0.0.1 port 0. */
  static HttpIngressSettings settings() {
    return HttpIngressSettings.defaults(HOST)
        .withBind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /** A response with its body read as JSON. */
  record Reply(int status, HttpResponse<String> raw, JsonNode json) {
    String code() {
      return json.path("error").path("code").asText();
    }

    QueueId id() {
      return new QueueId(json.path("id").asText());
    }
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30));
  }

  Reply post(String pathAndQuery, String contentType, byte[] body) throws Exception {
    return send(
        request(pathAndQuery)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  Reply postJson(String path, String json) throws Exception {
    return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    JsonNode json = JSON.readTree(r.body());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return new Reply(r.statusCode(), r, json);
  }

  /**
   * Writes bytes on a new connection and reads until the server closes it: for requests the JDK
   * client refuses to send.
   */
  String exchange(String request) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ingress.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The status codes of the responses in a raw exchange, in order. */
  static List<String> statuses(String exchange) {
    return Pattern.compile("HTTP/1\\.1 (\\d{3}) ")
        .matcher(exchange)
        .results()
        .map(m -> m.group(1))
        .toList();
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    ingress.stop();
    spool.close();
  }
}
