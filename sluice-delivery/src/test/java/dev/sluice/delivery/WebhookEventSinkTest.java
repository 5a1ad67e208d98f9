package dev.sluice.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook sink against a real HTTP server on a loopback port. */
class WebhookEventSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger requests = new AtomicInteger();

  /** How the server answers request number n (from 1). */
  private volatile java.util.function.IntUnaryOperator status = n -> 200;

  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hold;

  private URI start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/events", this::handle);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      int n = requests.incrementAndGet();
      byte[] body = x.getRequestBody().readAllBytes();
      if (hold) {
        release.await(30, TimeUnit.SECONDS);
      }
      int code = status.applyAsInt(n);
      if (code == 200) {
        assertThat(x.getRequestHeaders().getFirst("Content-Type")).isEqualTo("application/json");
        authorizations.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
        JsonNode batch = JSON.readTree(body);
        batch.forEach(received::add);
      }
      x.sendResponseHeaders(code, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void events_arrivePostedInBatches_asJsonArrays_withTheConfiguredHeaders() throws Exception {
    URI url = start();
    try (WebhookEventSink sink =
        WebhookEventSink.builder(url).batchSize(50).header("Authorization", "Bearer t0k").build()) {
      for (int i = 0; i < 300; i++) {
        sink.accept(Events.delivered(i));
      }
      // the receiver records a batch before answering, and the sink counts it on the answer
      Await.until(
          "300 events posted",
          Duration.ofSeconds(30),
          () -> received.size() == 300 && sink.posted() == 300);
      assertThat(sink.dropped()).isZero();
    }
    for (int i = 0; i < 300; i++) {
      Events.assertSame(received.get(i), Events.delivered(i)); // in order
    }
    assertThat(requests.get()).isBetween(6, 300); // at most 50 a post
    assertThat(authorizations).containsOnly("Bearer t0k");
  }

  @Test
  void publish_otherEvents_postedInTheSameArrays_asTheyWriteThemselves() throws Exception {
    URI url = start();
    try (WebhookEventSink sink = WebhookEventSink.builder(url).batchSize(2).build()) {
      sink.accept(Events.delivered(1));
      sink.publish(b -> b.append("{\"type\":\"suppressed\",\"recipient\":\"a@b.c\"}"));
      sink.accept(Events.delivered(2));
      Await.until(
          "3 events posted",
          Duration.ofSeconds(30),
          () -> received.size() == 3 && sink.posted() == 3);
    }
    Events.assertSame(received.get(0), Events.delivered(1));
    assertThat(received.get(1).get("type").asText()).isEqualTo("suppressed");
    assertThat(received.get(1).get("recipient").asText()).isEqualTo("a@b.c");
    Events.assertSame(received.get(2), Events.delivered(2));
  }

  @Test
  void failedPosts_areRetriedWithBackoff_untilTheReceiverTakesThem() throws Exception {
    URI url = start();
    status = n -> n <= 3 ? 500 : 200;
    try (WebhookEventSink sink =
        WebhookEventSink.builder(url)
            .retries(10, Duration.ofMillis(5), Duration.ofMillis(20))
            .build()) {
      for (int i = 0; i < 20; i++) {
        sink.accept(Events.delivered(i));
      }
      Await.until("20 events posted", Duration.ofSeconds(30), () -> received.size() == 20);
      assertThat(sink.failedPosts()).isEqualTo(3);
      assertThat(sink.dropped()).isZero();
    }
    assertThat(received).extracting(n -> n.get("queueId").asText()).doesNotHaveDuplicates();
  }

  @Test
  void aReceiverThatNeverTakesThem_costsTheBatchAfterTheLastAttempt_counted() throws Exception {
    URI url = start();
    status = n -> 503;
    try (WebhookEventSink sink =
        WebhookEventSink.builder(url)
            .retries(3, Duration.ofMillis(1), Duration.ofMillis(5))
            .build()) {
      sink.accept(Events.delivered(1));
      Await.until("the batch dropped", Duration.ofSeconds(30), () -> sink.dropped() == 1);
      assertThat(requests.get()).isEqualTo(3);
      assertThat(sink.failedPosts()).isEqualTo(3);
      assertThat(sink.posted()).isZero();
    }
  }

  @Test
  void aFullQueue_dropsAndCounts_withoutBlockingTheCaller() throws Exception {
    URI url = start();
    hold = true; // the first post hangs until released
    WebhookEventSink sink =
        WebhookEventSink.builder(url)
            .capacity(10)
            .batchSize(1)
            .closeGrace(Duration.ofSeconds(20))
            .build();
    sink.accept(Events.delivered(0));
    Await.until("the first post to arrive", Duration.ofSeconds(30), () -> requests.get() == 1);
    for (int i = 1; i <= 100; i++) {
      sink.accept(Events.delivered(i)); // 10 wait, 90 do not fit
    }
    assertThat(sink.dropped()).isEqualTo(90);
    release.countDown();
    sink.close();
    assertThat(sink.posted()).isEqualTo(11);
    assertThat(sink.dropped()).isEqualTo(90);
  }

  @Test
  void close_withTheReceiverGone_givesUpAfterTheGrace_andCountsWhatIsLeft() throws Exception {
    URI url = start();
    server.stop(0);
    server = null;
    WebhookEventSink sink =
        WebhookEventSink.builder(url)
            .retries(1000, Duration.ofMillis(5), Duration.ofMillis(50))
            .closeGrace(Duration.ofMillis(200))
            .build();
    for (int i = 0; i < 5; i++) {
      sink.accept(Events.delivered(i));
    }
    sink.close();
    assertThat(sink.posted()).isZero();
    assertThat(sink.dropped()).isEqualTo(5);
    sink.accept(Events.delivered(6));
    assertThat(sink.dropped()).isEqualTo(6);
  }
}
