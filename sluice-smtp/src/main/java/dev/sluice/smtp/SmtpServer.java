package dev.sluice.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP server: listens on one address, runs each accepted connection as a session on its own
 * virtual thread, and enforces the connection limits (total and per client IP address) by answering
 * {@link ServerReply#TOO_MANY_CONNECTIONS} and closing.
 *
 * <p>Thread-safe: {@link #start()}, {@link #stop()} and the getters may be called from any thread.
 */
public final class SmtpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
  private static final long STOP_WAIT_MILLIS = 2_000;

  private final InetSocketAddress bind;
  private final SSLContext tlsContext;
  private final SmtpDialect dialect;
  private final SmtpLimits limits;
  private final SmtpHandler handler;
  private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
  private final Map<InetAddress, Integer> perClient = new HashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private int open;
  private ServerSocket listener;
  private Thread acceptor;
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
    this.bind = Objects.requireNonNull(bind, "bind");
    this.tlsContext = tlsContext;
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.handler = Objects.requireNonNull(handler, "handler");
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

  /** Closes the listener and every session, waiting briefly for the sessions to end; idempotent. */
  public void stop() {
    Thread accept;
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
    }
    long deadline = System.nanoTime() + STOP_WAIT_MILLIS * 1_000_000;
    join(accept, deadline);
    for (SmtpSession s : sessions) {
      s.abort();
    }
    for (SmtpSession s : sessions) {
      join(s.thread(), deadline);
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
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
            new SmtpSession(nextId.getAndIncrement(), socket, tlsContext, dialect, limits, handler);
        sessions.add(session);
        Thread.ofVirtual()
            .name("smtp-session-" + session.id())
            .start(
                () -> {
                  try {
                    if (stopped) {
                      session.abort();
                    } else {
                      session.run();
                    }
                  } finally {
                    sessions.remove(session);
                    release(client);
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
    if (open >= limits.maxConnections() || fromClient >= limits.maxConnectionsPerClient()) {
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
        t.join(java.time.Duration.ofNanos(left));
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
