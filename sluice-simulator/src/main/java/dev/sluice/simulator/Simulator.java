package dev.sluice.simulator;

import dev.sluice.core.Clock;
import dev.sluice.simulator.http.ApiServer;
import dev.sluice.simulator.smtp.SesSmtpEndpoint;
import dev.sluice.simulator.sns.SnsService;
import dev.sluice.simulator.tls.SelfSignedCertificate;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * A running SES simulator: the HTTP and HTTPS API listeners, the SMTP endpoint, the shared core,
 * notifications, SNS and metrics. Embeddable (tests, {@code sluice relay}'s default upstream) and
 * run by {@code sluice simulator}.
 *
 * <p>Thread-safe for start and close.
 */
public final class Simulator implements AutoCloseable {
  private final SimulatorConfig config;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SimulatorCore core;
  private final SnsService sns;
  private final FaultSettings faults;
  private final SelfSignedCertificate certificate;
  private final ApiServer api;
  private SesSmtpEndpoint smtp;
  private int httpPort = -1;
  private int httpsPort = -1;
  private int smtpPort = -1;

  private Simulator(SimulatorConfig config, Clock clock) {
    this.config = config;
    this.sns = new SnsService(config.sns(), clock, registry);
    this.core = new SimulatorCore(config, clock, registry, sns);
    this.certificate =
        SelfSignedCertificate.generate(
            config.listeners().bindAddress().equals("0.0.0.0")
                    || config.listeners().bindAddress().equals("::")
                ? List.of()
                : List.of(config.listeners().bindAddress()));
    this.faults = new FaultSettings(config.chaos().latency(), config.chaos().faults());
    this.api =
        new ApiServer(
            core, faults, new RandomFaultInjector(faults, config.chaos().seed()), registry, sns);
  }

  /** Starts every enabled listener. */
  public static Simulator start(SimulatorConfig config) {
    return start(config, Clock.system());
  }

  /** Starts every enabled listener with the given clock. */
  public static Simulator start(SimulatorConfig config, Clock clock) {
    Simulator s = new Simulator(config, clock);
    try {
      s.startListeners();
      return s;
    } catch (RuntimeException | InterruptedException | IOException e) {
      s.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot start the simulator: " + io.getMessage(), io);
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  private void startListeners() throws InterruptedException, IOException {
    if (config.listeners().exportCertificate().isPresent()) {
      certificate.writePem(config.listeners().exportCertificate().get());
    }
    if (config.sns().exportCertificate() != null) {
      sns.signer().certificate().writePem(config.sns().exportCertificate());
    }
    if (config.listeners().http().isPresent()) {
      httpPort =
          api.bindHttp(config.listeners().bindAddress(), config.listeners().http().getAsInt());
    }
    if (config.listeners().https().isPresent()) {
      httpsPort =
          api.bindHttps(
              config.listeners().bindAddress(), config.listeners().https().getAsInt(), nettySsl());
    }
    if (config.listeners().smtp().isPresent()) {
      smtp =
          SesSmtpEndpoint.builder(core)
              .bind(
                  InetAddress.getByName(config.listeners().bindAddress()),
                  config.listeners().smtp().getAsInt())
              .tls(certificate.serverContext())
              .credentials(config.account().strictAuth())
              .region(config.account().region())
              .maxMessageSize(SimulatorCore.V2_MAX_BYTES)
              .faults(new RandomFaultInjector(faults, config.chaos().seed() + 1))
              .hangLimit(config.chaos().hangLimit())
              .build();
      smtp.start();
      smtpPort = smtp.port();
    }
    // SNS's URLs are HTTPS; the plain listener serves them when HTTPS is off.
    URI snsListener = httpsEndpoint() != null ? httpsEndpoint() : httpEndpoint();
    if (snsListener != null
        || !config.sns().subscriptions().isEmpty()
        || config.notifications().webhook().isPresent()) {
      sns.start(snsListener);
    }
    if (config.notifications().webhook().isPresent()) {
      // The webhook is a subscription of the feedback topic that needs no confirmation.
      sns.subscribeConfirmed(core.feedbackTopic(), config.notifications().webhook().get());
    }
  }

  private SslContext nettySsl() {
    try {
      return SslContextBuilder.forServer(
              certificate.keyPair().getPrivate(), certificate.certificate())
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the HTTPS context", e);
    }
  }

  /** The plain HTTP API address, or null when disabled. */
  public URI httpEndpoint() {
    return httpPort < 0 ? null : URI.create("http://" + host() + ":" + httpPort);
  }

  /** The HTTPS API address, or null when disabled. */
  public URI httpsEndpoint() {
    return httpsPort < 0 ? null : URI.create("https://" + host() + ":" + httpsPort);
  }

  /** The SMTP endpoint's port, or -1 when disabled. */
  public int smtpPort() {
    return smtpPort;
  }

  private String host() {
    String b = config.listeners().bindAddress();
    if (b.equals("0.0.0.0")) {
      return "127.0.0.1";
    }
    return b.contains(":") ? "[" + b + "]" : b;
  }

  /** The certificate presented on HTTPS and after STARTTLS. */
  public SelfSignedCertificate certificate() {
    return certificate;
  }

  /** The shared core, for inspection in tests. */
  public SimulatorCore core() {
    return core;
  }

  /** The SNS topics SES publishes to: subscriptions, signing, delivery. */
  public SnsService sns() {
    return sns;
  }

  /** The latency and fault settings, as changed while running. */
  public FaultSettings faults() {
    return faults;
  }

  /** The metrics registry. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The effective configuration. */
  public SimulatorConfig config() {
    return config;
  }

  /** Stops all listeners and the notification senders. */
  @Override
  public synchronized void close() {
    if (smtp != null) {
      smtp.stop();
    }
    api.close();
    core.close();
    sns.close();
  }
}
