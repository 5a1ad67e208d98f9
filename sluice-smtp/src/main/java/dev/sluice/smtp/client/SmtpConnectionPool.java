package dev.sluice.smtp.client;

import dev.sluice.core.Clock;
import dev.sluice.smtp.client.SendResult.Failed;
import dev.sluice.smtp.client.SendResult.Refused;
import dev.sluice.smtp.client.SendResult.Stage;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded pool of {@link SmtpClient} connections to one server: {@link #send} borrows an idle
 * connection (or opens one), sends one message on it, and gives it back.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Bound.</b> A semaphore with {@code maxConnections} permits is held for the whole of each
 * send; a sender opens a connection only when it holds a permit and finds no idle one, so busy plus
 * idle connections never exceed the bound. A sender that waits longer than the acquire timeout gets
 * a {@link Failed} result rather than an exception.
 *
 * <p><b>Reuse.</b> Idle connections are a LIFO stack, so the most recently used (warmest, least
 * likely to have been dropped by the server) goes out first and the surplus ages out at the bottom.
 * A connection is retired (QUIT) after {@code maxMessagesPerConnection} messages or {@code maxAge},
 * because SES rotates hosts behind its load balancer (spec §12.2); one idle longer than {@code
 * maxIdle} is closed rather than reused; a broken one is dropped at once. With reuse off every
 * message gets a fresh connection, to measure what keep-alive is worth.
 *
 * <p><b>Stale connections.</b> A server may close an idle connection at any time (SES after about
 * 10 s). If a reused connection fails at MAIL, before any content went out, the message is sent
 * once more on a fresh connection: nothing can have been delivered, so this cannot duplicate. A
 * failure later in the transaction is returned as it is, since the server may have taken the
 * message.
 *
 * <p><b>Time</b> comes from an injected {@link Clock}. Rejected: a background reaper thread (idle
 * connections are checked when touched, which is enough for a pool whose senders never stop for
 * long) and a connection per thread (unbounded under virtual threads).
 *
 * <p>Thread-safe: any number of threads may call {@link #send} at once.
 */
public final class SmtpConnectionPool implements AutoCloseable {
  private final SmtpClientConfig config;
  private final PoolSettings settings;
  private final Clock clock;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<Pooled> idle = new ConcurrentLinkedDeque<>();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean closed;

  /** One connection with its pool bookkeeping; touched by one thread at a time. */
  private static final class Pooled {
    final SmtpClient client;
    final long openedNanos;
    long lastUsedNanos;

    Pooled(SmtpClient client, long now) {
      this.client = client;
      this.openedNanos = now;
      this.lastUsedNanos = now;
    }
  }

  /** Creates a pool; no connection is opened until the first send. */
  public SmtpConnectionPool(SmtpClientConfig config, PoolSettings settings, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.permits = new Semaphore(settings.maxConnections(), true);
  }

  /** Creates a pool on the system clock. */
  public SmtpConnectionPool(SmtpClientConfig config, PoolSettings settings) {
    this(config, settings, Clock.system());
  }

  /**
   * Sends one message on a pooled connection, blocking until a connection is free (at most the
   * acquire timeout). Never throws for refusals, I/O failures or timeouts.
   */
  public SendResult send(String from, List<String> recipients, byte[] content) {
    if (closed) {
      return new Failed(Stage.CONNECT, "pool is closed", true);
    }
    try {
      if (!permits.tryAcquire(settings.acquireTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        return new Failed(
            Stage.CONNECT, "no connection free within " + settings.acquireTimeout(), true);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failed(Stage.CONNECT, "interrupted waiting for a connection", true);
    }
    try {
      Pooled p = takeIdle();
      if (p != null) {
        SendResult r = p.client.send(from, recipients, content);
        if (!failedBeforeContent(r)) {
          giveBack(p);
          return r;
        }
        discard(p); // the server dropped it while idle; one more try on a fresh connection
      }
      try {
        p = openConnection();
      } catch (SmtpConnectException e) {
        return e.result();
      }
      SendResult r = p.client.send(from, recipients, content);
      giveBack(p);
      return r;
    } finally {
      permits.release();
    }
  }

  /** Connections opened so far, to make reuse visible. */
  public long connectionsOpened() {
    return opened.get();
  }

  /** Connections open now, busy and idle. */
  public int openConnections() {
    return open.get();
  }

  /** Connections open and idle now. */
  public int idleConnections() {
    return idle.size();
  }

  /** The settings. */
  public PoolSettings settings() {
    return settings;
  }

  /** Closes idle connections with QUIT; busy ones close when their send returns. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Pooled p; (p = idle.pollFirst()) != null; ) {
      retire(p);
    }
  }

  private Pooled takeIdle() {
    long now = clock.nanos();
    for (Pooled p; (p = idle.pollFirst()) != null; ) {
      if (now - p.lastUsedNanos < settings.maxIdle().toNanos() && !expired(p, now)) {
        return p;
      }
      discard(p); // idle too long: the server has probably dropped it, no point in a QUIT
    }
    return null;
  }

  private Pooled openConnection() throws SmtpConnectException {
    SmtpClient c = SmtpClient.connect(config);
    opened.incrementAndGet();
    open.incrementAndGet();
    return new Pooled(c, clock.nanos());
  }

  private void giveBack(Pooled p) {
    long now = clock.nanos();
    p.lastUsedNanos = now;
    if (!p.client.isUsable()) {
      discard(p);
    } else if (closed || !settings.reuse() || expired(p, now)) {
      retire(p);
    } else {
      idle.offerFirst(p);
      if (closed && idle.remove(p)) { // close() ran meanwhile and may have missed it
        retire(p);
      }
    }
  }

  private boolean expired(Pooled p, long now) {
    return p.client.messagesSent() >= settings.maxMessagesPerConnection()
        || now - p.openedNanos >= settings.maxAge().toNanos();
  }

  /** A failure at MAIL: no content was written, so another connection may safely try again. */
  private static boolean failedBeforeContent(SendResult r) {
    return switch (r) {
      case Failed f -> f.stage() == Stage.MAIL && f.retryable();
      case Refused f -> f.stage() == Stage.MAIL && f.reply().code() == 421;
      case SendResult.Accepted a -> false;
    };
  }

  private void retire(Pooled p) {
    p.client.quit();
    open.decrementAndGet();
  }

  private void discard(Pooled p) {
    p.client.close();
    open.decrementAndGet();
  }
}
