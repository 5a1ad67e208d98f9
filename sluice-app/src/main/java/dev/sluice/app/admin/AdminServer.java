package dev.sluice.app.admin;

import dev.sluice.core.Clock;
import dev.sluice.http.BoundedWorkers;
import dev.sluice.http.HttpServerKit;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's door into a running relay, on its own port: the JSON admin API ({@code /api/…}),
 * the status page ({@code /}), Prometheus {@code /metrics} and {@code /health}; {@link AdminApi}
 * lists the endpoints and {@code docs/admin-api.md} describes them.
 *
 * <h2>Safe by default</h2>
 *
 * <p>It listens on loopback unless told otherwise, and refuses to start on any other address
 * (including the wildcard) without a bearer token, which every API and metrics request must then
 * carry. The token is compared in constant time and never logged.
 *
 * <h2>Design note</h2>
 *
 * <p>Netty, on the {@link HttpServerKit} the submit API and the simulator use, but small: one
 * event-loop thread does all the network work, and two platform worker threads answer requests,
 * because the endpoints call the spool and RocksDB's native calls belong neither on an event loop
 * nor on virtual threads (they pin the carrier). Requests waiting for a worker are bounded (32);
 * beyond that the answer is {@code 503 busy}. Connections are bounded too, and requests are capped
 * at 64 KB (none needs a body).
 *
 * <p>Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final int MAX_REQUEST = 64 * 1024;
  private static final int WORKERS = 2;
  private static final int WAITING = 32;

  private final AdminSettings settings;
  private final AdminApi api;
  private HttpServerKit server;
  private int port = -1;

  /**
   * A server for one relay; nothing listens until {@link #start()}.
   *
   * @param view what the relay shows
   * @param registry the registry {@code /metrics} scrapes
   */
  public AdminServer(
      AdminSettings settings, RelayView view, PrometheusMeterRegistry registry, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.api =
        new AdminApi(
            Objects.requireNonNull(view, "view"),
            Objects.requireNonNull(registry, "registry"),
            new BearerToken(settings.token()),
            Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException when the address is not loopback and no token is set, or when
   *     already started
   * @throws IOException when the address cannot be resolved or bound
   */
  public synchronized void start() throws IOException {
    if (port >= 0) {
      throw new IllegalStateException("already started");
    }
    if (!settings.enabled()) {
      throw new IllegalStateException(
          "the admin server is off (" + AdminSettings.PORT.name() + ")");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(settings.bindAddress());
    } catch (UnknownHostException e) {
      throw new IOException(
          "cannot resolve "
              + AdminSettings.BIND.name()
              + " '"
              + settings.bindAddress()
              + "': "
              + e.getMessage(),
          e);
    }
    if (!address.isLoopbackAddress() && !settings.tokenRequired()) {
      throw new IllegalStateException(
          AdminSettings.BIND.name()
              + " is "
              + settings.bindAddress()
              + ", which is not loopback: the admin API can change the spool, so set "
              + AdminSettings.TOKEN.name()
              + " (environment "
              + AdminSettings.TOKEN.environmentVariable()
              + ") or bind it to 127.0.0.1");
    }
    server =
        HttpServerKit.builder("admin")
            .loops(1)
            .maxConnections(settings.maxConnections())
            .idleTimeout(settings.idleTimeout())
            .codec(8192, 16384, 16384)
            // Passed on rather than answered here, so it is answered after any request before it.
            .maxRequestSize(
                MAX_REQUEST,
                (ctx, oversized, limit) -> ctx.fireChannelRead(new AdminHandler.Oversized(limit)))
            .workers(WORKERS, WAITING)
            .build();
    BoundedWorkers workers = server.workers();
    try {
      port =
          server.bind(
              new InetSocketAddress(address, settings.port().orElseThrow()),
              "the admin API",
              ch -> {},
              ch -> new AdminHandler(api, workers));
    } catch (IOException e) {
      close();
      throw e;
    }
    log.info(
        "admin API and status page on {}{}",
        uri(),
        settings.tokenRequired() ? " (bearer token required)" : "");
  }

  /** The port listened on, once started. */
  public synchronized int port() {
    if (port < 0) {
      throw new IllegalStateException("not started");
    }
    return port;
  }

  /** Sends {@code POST /api/reload} to {@code reloader}; until called, it answers 404. */
  public void onReload(ReloadOutcome.Reloader reloader) {
    api.onReload(reloader);
  }

  /**
   * The server's base URL, e.g. {@code http://127.0.0.1:8588/}, once started; the host as
   * configured.
   */
  public synchronized URI uri() {
    String host = settings.bindAddress();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** Stops listening, closes every connection and stops the workers; idempotent. */
  @Override
  public synchronized void close() {
    port = -1;
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
