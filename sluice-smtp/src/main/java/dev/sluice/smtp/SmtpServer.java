package dev.sluice.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP server: listens on one address, runs each accepted connection as a session on its own
 * virtual thread, and enforces the connection limits (total and per client IP address) by answering
 * {@link ServerReply#TOO_MANY_CONNECTIONS} and closing.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Clients exempt from the per-client limit.</b> Every application on a host reaches a
 * loopback relay from 127.0.0.1, so a per-address cap lets one application's leaking pool lock out
 * all the others. Addresses the {@code uncapped} test accepts (the relay passes its relay networks,
 * as Postfix exempts {@code $mynetworks} through {@code smtpd_client_event_limit_exceptions}) count
 * only toward the total.
 *
 * <p><b>Stress.</b> While {@link SmtpLimits#stressConnections()} or more sessions are open, a
 * session that has waited for a command for {@link SmtpLimits#stressCommandTimeout()} is answered
 * {@link ServerReply#TIMEOUT} and closed, so connections a client leaked are reaped in seconds
 * rather than held for the full command timeout (Postfix shortens {@code smtpd_timeout} the same
 * way under stress). Sessions busy with a message are never touched.
 *
 * <p><b>The sweeper.</b> One virtual thread enforces every session's read limits (the command and
 * data timeouts, the linger before a close, a hang's limit; see {@link SmtpSession}) and the stress
 * timeout, so that no read carries a timer of its own. It looks at every session each tenth of the
 * shortest fixed limit (the command and data timeouts and the 2 s linger, so at least five times a
 * second) or each quarter of the stress timeout if that is sooner, never more often than every 5
 * ms, and sooner when a session's deadline comes first or a session asks (a hang's limit is the
 * handler's and may be shorter than the period). A timeout thus fires within a tenth of itself
 * after it is due, and a look costs a volatile read per session. It runs until the stop has ended
 * every session, whose lingers it bounds. Rejected: a timer per session (the scheduling the sweeper
 * exists to avoid), and a queue of deadlines ordered by time (each read would pay an insertion and
 * a removal under a shared lock; scanning a thousand sessions a few times a second costs less).
 *
 * <p><b>Stop</b> ({@link #stop(Duration)}) closes the listener first, then asks each session to
 * drain: one waiting for a command is answered {@link ServerReply#SHUTTING_DOWN} and closed at
 * once; one reading or storing a message finishes it, answers it, and then gets the same 421. Only
 * what is still busy when the grace has passed is closed without an answer, and a handler still
 * working then is interrupted. See {@link SmtpSession} for how a waiting session is taken over.
 *
 * <p>Thread-safe: {@link #start()}, {@link #stop()} and the getters may be called from any thread.
 */
public final class SmtpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

  /** The grace of {@link #stop()}. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(2);

  /** The sweeper's shortest sleep between looks at the sessions. */
  private static final Duration MIN_SWEEP = Duration.ofMillis(5);

  /** How long stop waits for sessions to end once their grace has passed and they were closed. */
  private static final Duration AFTER_ABORT = Duration.ofSeconds(1);

  private final InetSocketAddress bind;
  private final SSLContext tlsContext;
  private final SmtpDialect dialect;
  private final SmtpLimits limits;
  private final SmtpHandler handler;
  private final Predicate<InetAddress> uncapped;
  private final SmtpObserver observer;
  private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
  private final Map<InetAddress, Integer> perClient = new HashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private int open;
  private ServerSocket listener;
  private Thread acceptor;
  private volatile Thread sweeper;
  private volatile boolean stopped;

  /**
   * Creates a server; nothing is bound until {@link #start()}.
   *
   * @param bind the address and port to listen on (port 0 picks a free port)
   * @param tlsContext the context for STARTTLS, or {@code null} to offer no TLS
   */
  public SmtpServer(
      InetSocketAddress bind,
      SSLContext tlsContext,
      SmtpDialect dialect,
      SmtpLimits limits,
      SmtpHandler handler) {
    this(bind, tlsContext, dialect, limits, handler, client -> false, SmtpObserver.NONE);
  }

  /**
   * Creates a server; nothing is bound until {@link #start()}.
   *
   * @param bind the address and port to listen on (port 0 picks a free port)
   * @param tlsContext the context for STARTTLS, or {@code null} to offer no TLS
   * @param uncapped which client addresses the per-client connection limit does not apply to
   * @param observer told of sessions, replies and octets, for metrics
   */
  public SmtpServer(
      InetSocketAddress bind,
      SSLContext tlsContext,
      SmtpDialect dialect,
      SmtpLimits limits,
      SmtpHandler handler,
      Predicate<InetAddress> uncapped,
      SmtpObserver observer) {
    this.bind = Objects.requireNonNull(bind, "bind");
    this.tlsContext = tlsContext;
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.uncapped = Objects.requireNonNull(uncapped, "uncapped");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /**
   * Creates a server on 127.0.0.1 at a free port, without TLS, with the standard dialect and
   * limits.
   */
  public SmtpServer(SmtpHandler handler) {
    this(loopback(0), null, SmtpDialect.standard(), SmtpLimits.defaults(), handler);
  }

  /** The loopback address 127.0.0.1 with a port. */
  public static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** Binds the listener and starts accepting connections. */
  public synchronized void start() throws IOException {
    if (listener != null) {
      throw new IllegalStateException("already started");
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(bind, 256);
    listener = s;
    sweeper = Thread.ofVirtual().name("smtp-sweep-" + s.getLocalPort()).start(this::sweepLoop);
    acceptor = Thread.ofVirtual().name("smtp-accept-" + s.getLocalPort()).start(this::acceptLoop);
    log.info("SMTP server listening on {}", s.getLocalSocketAddress());
  }

  /** The port the server listens on; useful after binding port 0. */
  public synchronized int port() {
    if (listener == null) {
      throw new IllegalStateException("not started");
    }
    return listener.getLocalPort();
  }

  /** The number of sessions open now. */
  public int activeSessions() {
    return sessions.size();
  }

  /** Stops as {@link #stop(Duration)} does, with {@link #DEFAULT_STOP_GRACE}. */
  public void stop() {
    stop(DEFAULT_STOP_GRACE);
  }

  /**
   * Stops listening and ends every session, answering each before its connection closes where the
   * grace allows (see the design note); returns once every session has ended, or shortly after the
   * grace. Idempotent.
   *
   * @param grace how long sessions busy with a message may take to finish and answer it
   */
  public void stop(Duration grace) {
    Thread accept;
    Thread sweep;
    synchronized (this) {
      if (stopped || listener == null) {
        stopped = true;
        return;
      }
      stopped = true;
      try {
        listener.close();
      } catch (IOException e) {
        log.debug("closing listener: {}", e.toString());
      }
      accept = acceptor;
      sweep = sweeper;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    join(accept, deadline);
    for (SmtpSession s : sessions) {
      s.drain();
    }
    for (SmtpSession s : sessions) {
      join(s.thread(), deadline);
    }
    if (!sessions.isEmpty()) {
      log.info(
          "{} SMTP sessions still busy after the stop grace of {} ms; closing them",
          sessions.size(),
          grace.toMillis());
      for (SmtpSession s : sessions) {
        s.abort();
      }
      long after = System.nanoTime() + AFTER_ABORT.toNanos();
      for (SmtpSession s : sessions) {
        join(s.thread(), after);
      }
    }
    sweep.interrupt(); // only now: the sessions' lingers and limits are enforced until they end
    join(sweep, System.nanoTime() + AFTER_ABORT.toNanos());
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** The longest the sweeper sleeps between looks; see the design note. */
  static Duration sweepPeriod(SmtpLimits limits) {
    long shortest =
        Math.min(
            Math.min(limits.commandTimeout().toNanos(), limits.dataTimeout().toNanos()),
            SmtpSession.LINGER.toNanos());
    long period = Math.min(shortest / 10, limits.stressCommandTimeout().toNanos() / 4);
    return Duration.ofNanos(Math.max(period, MIN_SWEEP.toNanos()));
  }

  /** Wakes the sweeper for a look now (a session began a wait that may end before its period). */
  private void sweepSoon() {
    Thread t = sweeper;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /**
   * Ends sessions whose wait for input has passed its limit, and while the server is under stress
   * those idle longer than the stress command timeout; sleeps between looks as the design note
   * says.
   */
  private void sweepLoop() {
    long idle = limits.stressCommandTimeout().toNanos();
    long period = sweepPeriod(limits).toNanos();
    while (!Thread.currentThread().isInterrupted()) {
      long now = System.nanoTime();
      long next = now + period;
      try {
        next = expireOverdue(now, next);
        if (openSessions() >= limits.stressConnections()) {
          reapIdle(now, idle);
        }
      } catch (RuntimeException e) {
        log.warn("SMTP sweep failed; trying again at the next look", e); // never lose the sweeper
      }
      // At least MIN_SWEEP apart, so a deadline just passed cannot make the loop spin.
      LockSupport.parkNanos(Math.max(next - System.nanoTime(), MIN_SWEEP.toNanos()));
    }
  }

  /**
   * Ends the sessions past their read deadline; returns the earliest deadline before {@code next}.
   */
  private long expireOverdue(long now, long next) {
    int expired = 0;
    for (SmtpSession s : sessions) {
      if (s.expireIfOverdue(now)) {
        expired++;
        continue;
      }
      long d = s.deadline();
      if (d != Long.MIN_VALUE && d - next < 0) {
        next = d;
      }
    }
    if (expired > 0) {
      log.debug("closed {} sessions that waited for input past their limit", expired);
    }
    return next;
  }

  private void reapIdle(long now, long idle) {
    int reaped = 0;
    for (SmtpSession s : sessions) {
      if (s.reapIfIdle(now, idle)) {
        reaped++;
      }
    }
    if (reaped > 0) {
      log.info(
          "under stress ({} sessions, stress from {}): closed {} idle for {} ms or more",
          openSessions(),
          limits.stressConnections(),
          reaped,
          limits.stressCommandTimeout().toMillis());
    }
  }

  private synchronized int openSessions() {
    return open;
  }

  private void acceptLoop() {
    while (!stopped) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!stopped) {
          log.warn("accept failed, stopping the listener: {}", e.toString());
        }
        return;
      }
      InetAddress client = socket.getInetAddress();
      if (!admit(client)) {
        refuse(socket);
        continue;
      }
      try {
        SmtpSession session =
            new SmtpSession(
                nextId.getAndIncrement(),
                socket,
                tlsContext,
                dialect,
                limits,
                handler,
                observer,
                this::sweepSoon);
        sessions.add(session);
        observer.sessionOpened();
        Thread.ofVirtual()
            .name("smtp-session-" + session.id())
            .start(
                () -> {
                  try {
                    if (stopped) {
                      session.drain(); // accepted as the server stopped: told so, then closed
                    }
                    session.run();
                  } finally {
                    sessions.remove(session);
                    release(client);
                    observer.sessionClosed();
                  }
                });
      } catch (IOException | RuntimeException e) {
        log.warn("cannot start a session for {}: {}", client, e.toString());
        release(client);
        closeQuietly(socket);
      }
    }
  }

  private synchronized boolean admit(InetAddress client) {
    int fromClient = perClient.getOrDefault(client, 0);
    if (open >= limits.maxConnections()
        || (fromClient >= limits.maxConnectionsPerClient() && !uncapped.test(client))) {
      return false;
    }
    open++;
    perClient.put(client, fromClient + 1);
    return true;
  }

  private synchronized void release(InetAddress client) {
    open--;
    perClient.computeIfPresent(client, (k, n) -> n == 1 ? null : n - 1);
  }

  /**
   * Answers 421 and closes; the reply is a few dozen octets into an empty send buffer, so it does
   * not block.
   */
  private void refuse(Socket socket) {
    log.debug("refusing {}: connection limit", socket.getRemoteSocketAddress());
    try (socket) {
      Reply r = dialect.reply(ServerReply.TOO_MANY_CONNECTIONS);
      observer.replied("", r);
      socket.getOutputStream().write(r.toBytes(dialect.offers(SmtpExtension.ENHANCEDSTATUSCODES)));
    } catch (IOException e) {
      log.debug("refusing: {}", e.toString());
    }
  }

  private static void join(Thread t, long deadlineNanos) {
    if (t == null) {
      return;
    }
    long left = deadlineNanos - System.nanoTime();
    try {
      if (left > 0) {
        t.join(Duration.ofNanos(left));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
