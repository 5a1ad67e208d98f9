package dev.sluice.ingress.http;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.http.HttpServerKit;
import dev.sluice.ingress.AcceptListener;
import dev.sluice.ingress.AccessPolicy;
import dev.sluice.ingress.Admission;
import dev.sluice.ingress.RelayHeaderRules;
import dev.sluice.ingress.SesHeaderRules;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's HTTP front door: {@code POST /v1/messages} takes one message, raw ({@code
 * message/rfc822}, envelope in the query string) or as JSON fields the relay writes as MIME; {@code
 * POST /v1/messages/batch} takes many in one call, stored all or none; {@code GET /health} answers
 * 200. The same access rules, limits and back-pressure as the SMTP door, and the same promise:
 * {@code 202} with the queue id only once the spool has made the message durable. Errors are JSON
 * with a stable code ({@link ErrorCode}); {@code docs/http-submit.md} is the reference.
 *
 * <h2>Design note</h2>
 *
 * <p>Netty, on the {@link HttpServerKit} the simulator's API uses too, with one thread that only
 * accepts and one event loop per core. The loops only move bytes: each request, its body gathered
 * up to {@link HttpIngressSettings#maxRequestSize()}, is handed to a virtual thread, which checks
 * the password (a slow key derivation on first use), reads and builds the message and calls the
 * spool; the answer is written back on the loop when the spool's future completes. Nothing blocks a
 * loop, and no thread waits on a sync: the spool's group commit completes many futures at once.
 * Rejected: handling requests on the loops (one password check would stall every connection on that
 * loop) and a thread per connection (the blocking SMTP shape; HTTP keep-alive connections sit idle
 * most of the time).
 *
 * <p>A request is held whole in memory, so memory is bounded by the request size times the number
 * of connections ({@link HttpIngressSettings#maxConnections()}), as it is for SMTP.
 *
 * <p><b>Stop</b> ({@link #stop(Duration)}) closes the listener, then tells every connection: one
 * with no request in hand is closed (an idle keep-alive connection, which HTTP clients expect to
 * lose); one with requests in hand reads nothing more, answers each request it has read whole
 * ({@code 202} once stored, {@code 503} if the spool failed), the last with {@code Connection:
 * close}, and closes. Only a connection still waiting for the spool when the grace has passed is
 * closed without its answer; a message the spool stored anyway is delivered, and the client, having
 * no answer, may send it again.
 *
 * <p>Thread-safe.
 */
public final class HttpIngress implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpIngress.class);

  private final HttpIngressSettings settings;
  private final SubmitApi api;
  private final SSLContext tls;
  private final HttpObserver observer;
  private volatile boolean stopping;
  private HttpServerKit server;
  private ExecutorService workers;
  private int port = -1;

  /**
   * @param tls the server context for HTTPS, or {@code null} for plain HTTP
   */
  public HttpIngress(
      HttpIngressSettings settings,
      Spool spool,
      AccessPolicy access,
      Admission admission,
      Clock clock,
      SSLContext tls) {
    this(settings, spool, access, admission, clock, tls, AcceptListener.NONE, HttpObserver.NONE);
  }

  /**
   * @param tls the server context for HTTPS, or {@code null} for plain HTTP
   * @param listener told of each message made durable
   * @param observer told of every response and of the octets read, for metrics
   */
  public HttpIngress(
      HttpIngressSettings settings,
      Spool spool,
      AccessPolicy access,
      Admission admission,
      Clock clock,
      SSLContext tls,
      AcceptListener listener,
      HttpObserver observer) {
    this(
        settings,
        spool,
        access,
        admission,
        clock,
        tls,
        listener,
        observer,
        SesHeaderRules.DEFAULT,
        RelayHeaderRules.ANY,
        Suppressions.none());
  }

  /**
   * @param tls the server context for HTTPS, or {@code null} for plain HTTP
   * @param listener told of each message made durable
   * @param observer told of every response and of the octets read, for metrics
   * @param sesHeaders what is refused in SES's control headers, as at the SMTP door
   * @param relayHeaders the routes and classes the relay's own control headers (and the JSON fields
   *     {@code route} and {@code class}) may name, as at the SMTP door
   * @param suppressions the recipients dropped from messages (a message with no other recipient is
   *     refused)
   */
  public HttpIngress(
      HttpIngressSettings settings,
      Spool spool,
      AccessPolicy access,
      Admission admission,
      Clock clock,
      SSLContext tls,
      AcceptListener listener,
      HttpObserver observer,
      SesHeaderRules sesHeaders,
      RelayHeaderRules relayHeaders,
      Suppressions suppressions) {
    this.observer = Objects.requireNonNull(observer, "observer");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.api =
        new SubmitApi(
            settings,
            Objects.requireNonNull(spool, "spool"),
            Objects.requireNonNull(access, "access"),
            Objects.requireNonNull(admission, "admission"),
            Objects.requireNonNull(clock, "clock"),
            Objects.requireNonNull(listener, "listener"),
            Objects.requireNonNull(sesHeaders, "sesHeaders"),
            Objects.requireNonNull(relayHeaders, "relayHeaders"),
            Objects.requireNonNull(suppressions, "suppressions"));
    this.tls = tls;
  }

  /**
   * Starts listening.
   *
   * @throws IOException when the address cannot be bound
   * @throws IllegalStateException when already started
   */
  public synchronized void start() throws IOException {
    if (port >= 0) {
      throw new IllegalStateException("already started");
    }
    // Initial line: room for the envelope of a raw submission in the query string.
    int initialLine = (int) Math.min(1 << 20, Math.max(8192, 64 + settings.maxRecipients() * 768L));
    server =
        HttpServerKit.builder("http-ingress")
            .acceptorThread()
            .backlog(1024)
            .maxConnections(settings.maxConnections())
            .idleTimeout(settings.idleTimeout())
            .codec(initialLine, 16384, 65536)
            .maxRequestSize((int) settings.maxRequestSize().bytes(), new TooLargeAnswer(observer))
            .build();
    workers =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-submit-", 0).factory());
    try {
      port =
          server.bind(
              settings.bind(),
              "HTTP",
              this::front,
              ch -> new SubmitHandler(api, workers, tls != null, () -> stopping, observer));
    } catch (IOException e) {
      shutDown();
      throw e;
    }
    log.info(
        "HTTP submit API listening on {}:{}{}",
        settings.bind().getHostString(),
        port,
        tls == null ? "" : " (TLS)");
  }

  /** The handlers before the codec: TLS and the octet counter. */
  private void front(SocketChannel ch) {
    // The kit adds the connection to those stop tells before this runs, and stop sets stopping
    // before telling them: a connection accepted as the server stops is either told by stop or
    // closed here (or both).
    if (stopping) {
      ch.close();
      return;
    }
    if (tls != null) {
      SSLEngine engine = tls.createSSLEngine();
      engine.setUseClientMode(false);
      ch.pipeline().addLast(new SslHandler(engine));
    }
    ch.pipeline().addLast(new OctetCounter(observer));
  }

  /** The port listened on, once started. */
  public synchronized int port() {
    if (port < 0) {
      throw new IllegalStateException("not started");
    }
    return port;
  }

  /** Stops as {@link #stop(Duration)} does, with a grace of two seconds. */
  public void stop() {
    stop(Duration.ofSeconds(2));
  }

  /**
   * Stops listening, answers every request read whole (see the design note), and closes every
   * connection; returns once they are closed, or when the grace has passed. Idempotent.
   *
   * @param grace how long requests in hand may take to be answered
   */
  public synchronized void stop(Duration grace) {
    if (port >= 0) {
      stopping = true;
      server.closeListeners();
      port = -1;
      server.broadcast(SubmitHandler.STOP); // runs on each connection's loop
      if (!server.awaitConnectionsClosed(grace)) {
        log.info(
            "{} HTTP connections still waiting for an answer after the stop grace of {} ms; closing"
                + " them",
            server.connectionCount(),
            grace.toMillis());
      }
    }
    shutDown();
  }

  /** Closes the connections and the loops, then lets the virtual threads finish. */
  private void shutDown() {
    if (server != null) {
      server.close();
      server = null;
    }
    if (workers != null) {
      workers.close();
      workers = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Counts the octets read from a client, after TLS. */
  private static final class OctetCounter extends ChannelInboundHandlerAdapter {
    private final HttpObserver observer;

    OctetCounter(HttpObserver observer) {
      this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        observer.received(b.readableBytes());
      }
      ctx.fireChannelRead(msg);
    }
  }
}
