package dev.sluice.app.relay;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Clock;
import dev.sluice.core.spool.Spool;
import dev.sluice.ingress.AccessPolicy;
import dev.sluice.ingress.Admission;
import dev.sluice.ingress.PemTls;
import dev.sluice.ingress.SmtpIngress;
import dev.sluice.ingress.UserStore;
import dev.sluice.ingress.http.HttpIngress;
import dev.sluice.ingress.http.HttpIngressSettings;
import dev.sluice.smtp.SmtpDialect;
import dev.sluice.smtp.SmtpServer;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay as one object: opens the spool, starts the listeners in front of it, and stops them in
 * the order that loses nothing (listeners first, so no new message arrives; then the spool, which
 * finishes its pending writes).
 *
 * <p>Thread-safe: {@link #close()} may be called from a shutdown hook.
 */
public final class Relay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  private final RelayConfig config;
  private final RocksSpool spool;
  private final SmtpServer smtp;
  private final HttpIngress http;
  private boolean closed;

  private Relay(RelayConfig config, RocksSpool spool, SmtpServer smtp, HttpIngress http) {
    this.config = config;
    this.spool = spool;
    this.smtp = smtp;
    this.http = http;
  }

  /**
   * Opens the spool and starts the listeners.
   *
   * @throws IllegalArgumentException for unusable files (TLS, users) named in the message
   * @throws UncheckedIOException when a listener cannot bind
   */
  public static Relay start(RelayConfig config) {
    SSLContext tls =
        config.tlsCertificate() == null
            ? null
            : PemTls.serverContext(config.tlsCertificate(), config.tlsKey());
    UserStore users = loadUsers(config);
    AccessPolicy access = new AccessPolicy(config.relayNetworks(), users);
    RocksSpool spool =
        RocksSpool.open(
            RocksSpoolConfig.builder(config.spoolDir()).buckets(config.buckets()).build());
    SmtpServer smtp = null;
    HttpIngress http = null;
    String listening = "SMTP on " + config.smtpBind() + ":" + config.smtpPort();
    try {
      Admission admission = new Admission(spool, config.highWater(), config.minFreeDisk());
      if (config.smtpPort() >= 0) {
        SmtpDialect dialect =
            SmtpDialect.builder()
                .hostname(config.hostname())
                .authWithoutTlsOnLoopback(true)
                .advertiseAuthBeforeTls(false)
                .build();
        smtp =
            new SmtpServer(
                new InetSocketAddress(config.smtpBind(), config.smtpPort()),
                tls,
                dialect,
                config.smtpLimits(),
                new SmtpIngress(spool, access, admission, config.hostname(), Clock.system()));
        smtp.start();
      }
      if (config.httpPort() >= 0) {
        listening = "HTTP on " + config.httpBind() + ":" + config.httpPort();
        HttpIngressSettings settings =
            HttpIngressSettings.defaults(config.hostname())
                .withBind(new InetSocketAddress(config.httpBind(), config.httpPort()))
                .withMaxMessageSize(ByteSize.ofBytes(config.smtpLimits().maxMessageSize()))
                .withCounts(config.smtpLimits().maxRecipients(), config.maxBatch());
        http =
            new HttpIngress(
                settings, spool, access, admission, Clock.system(), config.httpTls() ? tls : null);
        http.start();
      }
      return new Relay(config, spool, smtp, http);
    } catch (IOException | RuntimeException e) {
      if (http != null) {
        http.stop();
      }
      if (smtp != null) {
        smtp.stop();
      }
      spool.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "cannot listen for " + listening + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  private static UserStore loadUsers(RelayConfig config) {
    if (config.usersFile() == null) {
      return UserStore.EMPTY;
    }
    try {
      return UserStore.load(config.usersFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the users file " + config.usersFile() + ": " + e.getMessage(), e);
    }
  }

  /** The configuration it runs with. */
  public RelayConfig config() {
    return config;
  }

  /** The spool. */
  public Spool spool() {
    return spool;
  }

  /** The SMTP port bound, or -1 when SMTP is off. */
  public int smtpPort() {
    return smtp == null ? -1 : smtp.port();
  }

  /** The HTTP port bound, or -1 when HTTP is off. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** Stops the listeners, then closes the spool after its pending writes; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.stop();
    }
    if (smtp != null) {
      smtp.stop();
    }
    spool.close();
    log.info("relay stopped");
  }
}
