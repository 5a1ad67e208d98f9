package dev.sluice.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import dev.sluice.smtp.DataResult;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.SmtpLimits;
import dev.sluice.smtp.client.SendResult.Accepted;
import dev.sluice.smtp.client.SendResult.Failed;
import dev.sluice.smtp.client.SendResult.Stage;
import dev.sluice.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool against our own SMTP server over real loopback sockets. */
class SmtpConnectionPoolIT {
  private static final byte[] MESSAGE =
      "Subject: pooled\r\n\r\nHello.\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final List<String> TO = List.of("b@example.com");

  private TestServer server;
  private SmtpConnectionPool pool;

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private SmtpConnectionPool pool(PoolSettings settings) {
    pool = new SmtpConnectionPool(server.config().build(), settings);
    return pool;
  }

  @Test
  void send_sequentialMessages_reuseOneConnection() throws Exception {
    server = TestServer.start();
    pool(PoolSettings.defaults());
    for (int i = 0; i < 20; i++) {
      assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    }
    assertThat(pool.connectionsOpened()).isEqualTo(1);
    assertThat(pool.openConnections()).isEqualTo(1);
    assertThat(pool.idleConnections()).isEqualTo(1);
    assertThat(server.sessions).hasSize(1);
  }

  @Test
  void send_reuseOff_opensOneConnectionPerMessage() throws Exception {
    server = TestServer.start();
    pool(PoolSettings.defaults().withReuse(false));
    for (int i = 0; i < 5; i++) {
      assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    }
    assertThat(pool.connectionsOpened()).isEqualTo(5);
    assertThat(pool.openConnections()).isZero();
    assertThat(server.sessions).hasSize(5);
  }

  @Test
  void send_afterMaxMessages_reconnects() throws Exception {
    server = TestServer.start();
    pool(PoolSettings.defaults().withRecycling(3, Duration.ofHours(1)));
    for (int i = 0; i < 7; i++) {
      assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    }
    assertThat(pool.connectionsOpened()).isEqualTo(3); // 3 + 3 + 1
    assertThat(server.sessions).hasSize(3);
    assertThat(pool.openConnections()).isEqualTo(1);
  }

  @Test
  void send_pastMaxAgeOnFakeClock_reconnects() throws Exception {
    server = TestServer.start();
    ManualClock clock = new ManualClock(0);
    pool =
        new SmtpConnectionPool(
            server.config().build(),
            PoolSettings.defaults()
                .withRecycling(1000, Duration.ofMinutes(5))
                .withMaxIdle(Duration.ofHours(1)),
            clock);
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    clock.advance(Duration.ofMinutes(4));
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    assertThat(pool.connectionsOpened()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2));
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    assertThat(pool.connectionsOpened()).isEqualTo(2);
  }

  @Test
  void send_idleLongerThanMaxIdleOnFakeClock_reconnects() throws Exception {
    server = TestServer.start();
    ManualClock clock = new ManualClock(0);
    pool =
        new SmtpConnectionPool(
            server.config().build(),
            PoolSettings.defaults().withMaxIdle(Duration.ofSeconds(8)),
            clock);
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    clock.advance(Duration.ofSeconds(7));
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    clock.advance(Duration.ofSeconds(9));
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    assertThat(pool.connectionsOpened()).isEqualTo(2);
    assertThat(pool.openConnections()).isEqualTo(1);
  }

  @Test
  void send_serverResetsMidSession_discardsAndReconnects() throws Exception {
    server = TestServer.start();
    server.onData =
        m ->
            m.contains("reset me")
                ? DataResult.reset()
                : DataResult.respond(Reply.of(250, "2.0.0", "Ok"));
    pool(PoolSettings.defaults());
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    SendResult r =
        pool.send("a@example.com", TO, "reset me\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(r).isInstanceOf(Failed.class);
    assertThat(((Failed) r).stage()).isEqualTo(Stage.DATA); // not retried: it may have arrived
    assertThat(pool.openConnections()).isZero();
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    assertThat(pool.connectionsOpened()).isEqualTo(2);
    assertThat(pool.openConnections()).isEqualTo(1);
  }

  @Test
  void send_serverClosedIdleConnection_sendsOnFreshConnection() throws Exception {
    server =
        TestServer.start(
            null,
            TestServer.dialect(true),
            SmtpLimits.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));
    pool(PoolSettings.defaults());
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    // The server times the idle connection out (421) and closes it.
    Await.until("no SMTP session open", Duration.ofSeconds(5), () -> server.activeSessions() == 0);
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    assertThat(pool.connectionsOpened()).isEqualTo(2);
    assertThat(server.received).hasSize(2);
  }

  @Test
  void send_manyVirtualThreads_neverExceedConnectionLimit() throws Exception {
    int limit = 4;
    // The server refuses a fifth connection with 421, so any excess would show as a failure.
    server =
        TestServer.start(
            null, TestServer.dialect(true), SmtpLimits.defaults().withConnections(limit, limit));
    server.onData =
        m -> {
          Thread.yield();
          return DataResult.respond(Reply.of(250, "2.0.0", "Ok"));
        };
    pool(PoolSettings.defaults().withMaxConnections(limit));
    int messages = 200;
    List<Future<SendResult>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < messages; i++) {
        List<String> to = List.of("r" + i + "@example.com");
        results.add(threads.submit(() -> pool.send("a@example.com", to, MESSAGE)));
      }
    }
    for (Future<SendResult> f : results) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isInstanceOf(Accepted.class);
    }
    assertThat(server.received).hasSize(messages);
    assertThat(pool.connectionsOpened()).isBetween(1L, (long) limit);
    assertThat(server.peakInData.get()).isLessThanOrEqualTo(limit);
    assertThat(pool.openConnections()).isLessThanOrEqualTo(limit);
  }

  @Test
  void send_allConnectionsBusyPastAcquireTimeout_failsWithoutWaitingForever() throws Exception {
    server = TestServer.start();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    server.onData =
        m -> {
          holding.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return DataResult.respond(Reply.of(250, "2.0.0", "Ok"));
        };
    pool(PoolSettings.defaults().withMaxConnections(1).withAcquireTimeout(Duration.ofMillis(100)));
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<SendResult> first = threads.submit(() -> pool.send("a@example.com", TO, MESSAGE));
      assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
      SendResult second = pool.send("a@example.com", TO, MESSAGE);
      assertThat(second).isInstanceOf(Failed.class);
      assertThat(((Failed) second).stage()).isEqualTo(Stage.CONNECT);
      assertThat(((Failed) second).message()).contains("no connection free");
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).isInstanceOf(Accepted.class);
    }
    assertThat(pool.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void send_connectRefused_returnsRefusalAsResult() throws Exception {
    server = TestServer.start();
    pool =
        new SmtpConnectionPool(
            server.config().credentials(new SmtpCredentials("alice", "wrong")).build(),
            PoolSettings.defaults());
    SendResult r = pool.send("a@example.com", TO, MESSAGE);
    assertThat(r).isInstanceOf(SendResult.Refused.class);
    assertThat(((SendResult.Refused) r).stage()).isEqualTo(Stage.AUTH);
    assertThat(pool.connectionsOpened()).isZero();
    assertThat(pool.openConnections()).isZero();
  }

  @Test
  void send_afterClose_failsAndIdleConnectionsAreClosed() throws Exception {
    server = TestServer.start();
    pool(PoolSettings.defaults());
    assertThat(pool.send("a@example.com", TO, MESSAGE)).isInstanceOf(Accepted.class);
    pool.close();
    assertThat(pool.openConnections()).isZero();
    Await.until("no SMTP session open", Duration.ofSeconds(5), () -> server.activeSessions() == 0);
    assertThat(pool.send("a@example.com", TO, MESSAGE))
        .isEqualTo(new Failed(Stage.CONNECT, "pool is closed", true));
  }
}
