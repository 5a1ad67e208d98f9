package dev.sluice.app.relay;

import dev.sluice.app.admin.AdminServer;
import dev.sluice.app.admin.AdminSettings;
import dev.sluice.app.admin.DeliveryStatus;
import dev.sluice.app.admin.DoorMetrics;
import dev.sluice.app.admin.QuotaStamp;
import dev.sluice.app.admin.RelayMetrics;
import dev.sluice.app.admin.RelayView;
import dev.sluice.app.admin.ReloadOutcome;
import dev.sluice.app.admin.SenderView;
import dev.sluice.core.ByteSize;
import dev.sluice.core.Clock;
import dev.sluice.core.Durations;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Settings;
import dev.sluice.core.ses.ConfigurationSetCatalog;
import dev.sluice.core.ses.ListedConfigurationSets;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.core.transport.Transport;
import dev.sluice.delivery.DeliveryEvent;
import dev.sluice.delivery.DeliveryScheduler;
import dev.sluice.delivery.EventSink;
import dev.sluice.delivery.JsonLinesEventLog;
import dev.sluice.delivery.RetryPolicy;
import dev.sluice.delivery.TenantLimits;
import dev.sluice.delivery.WebhookEventSink;
import dev.sluice.feedback.store.AccountListSync;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.ReputationWatch;
import dev.sluice.feedback.store.StoreInUseException;
import dev.sluice.ingress.AcceptListener;
import dev.sluice.ingress.Accepted;
import dev.sluice.ingress.AccessPolicy;
import dev.sluice.ingress.Admission;
import dev.sluice.ingress.Networks;
import dev.sluice.ingress.RelayHeaderRules;
import dev.sluice.ingress.ServerTls;
import dev.sluice.ingress.SesHeaderRules;
import dev.sluice.ingress.SmtpIngress;
import dev.sluice.ingress.UserStore;
import dev.sluice.ingress.http.HttpIngress;
import dev.sluice.ingress.http.HttpIngressSettings;
import dev.sluice.kafka.KafkaSpool;
import dev.sluice.kafka.KafkaSpoolConfig;
import dev.sluice.ses.DefaultConfigurationSet;
import dev.sluice.ses.SenderConfig;
import dev.sluice.ses.SesSender;
import dev.sluice.smtp.SmtpDialect;
import dev.sluice.smtp.SmtpServer;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay as one object: opens the spool, starts delivery from it (unless held), starts the
 * listeners in front of it, and stops in the order that loses nothing and leaves no client without
 * an answer. On stop, within one grace ({@code relay.stop-grace}), two things happen at once: the
 * doors close their listeners and answer what they hold (an SMTP session waiting for a command gets
 * {@code 421 4.3.2}; a message already sent whole is stored and answered {@code 250} / {@code 202},
 * or refused if it could not be stored; then the connection closes), and delivery stops taking
 * messages and waits for the calls in flight (what is still in flight stays in the spool and is
 * delivered after a restart, as is what the doors take while stopping). Then the spool closes,
 * finishing its pending writes; then the event sinks and the embedded simulator, if any.
 *
 * <p>Thread-safe: {@link #close()} may be called from a shutdown hook.
 */
public final class Relay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  private final RelayConfig config;
  private final Spool spool;
  private final FeedbackStore feedback;
  private final HistoryRecorder history;
  private final EventSink events;
  private final PrometheusMeterRegistry registry;
  private final RelayMetrics metrics;
  private final Delivery delivery;
  private final List<Door> doors;
  private final int smtpPort;
  private final int httpPort;
  private final URI adminUri;
  private final int snsPort;
  private final Live live;
  private volatile RelayReloader reloader;
  private boolean closed;

  /** How often at most a message naming an unknown configuration set reads the account's again. */
  private static final Duration CONFIGURATION_SET_MISS = Duration.ofSeconds(10);

  /**
   * What a reload changes in place: the doors' access rules and per-client limit exceptions, the
   * TLS certificate (when TLS is on), the intake limits, and the admin server that takes {@code
   * POST /api/reload} (null when off).
   */
  record Live(
      AccessPolicy access,
      ServerTls tls,
      AtomicReference<Networks> limitExceptions,
      Admission admission,
      AdminServer admin) {}

  /** A listener that stops within a grace, answering what it holds. */
  @FunctionalInterface
  private interface Door {
    void stop(Duration grace) throws Exception;
  }

  /**
   * Upstream, sender, scheduler and the account's configuration sets; absent when mail is held. The
   * upstream, sender and transport are the default route's; {@code routes} has every route, the
   * default one first.
   */
  private record Delivery(
      Upstream upstream,
      SesSender sender,
      DeliveryScheduler scheduler,
      ConfigurationSetCatalog sets,
      Transport transport,
      List<RouteEngine> routes) {}

  /** One route at run time: its upstream and the engine that sends through it. */
  record RouteEngine(String name, Upstream upstream, SesSender sender, QuotaStamp transport) {}

  private Relay(
      RelayConfig config,
      Spool spool,
      FeedbackStore feedback,
      HistoryRecorder history,
      EventSink events,
      PrometheusMeterRegistry registry,
      RelayMetrics metrics,
      Delivery delivery,
      List<Door> doors,
      int smtpPort,
      int httpPort,
      URI adminUri,
      int snsPort,
      Live live) {
    this.config = config;
    this.spool = spool;
    this.feedback = feedback;
    this.history = history;
    this.events = events;
    this.registry = registry;
    this.metrics = metrics;
    this.adminUri = adminUri;
    this.delivery = delivery;
    this.doors = doors;
    this.smtpPort = smtpPort;
    this.httpPort = httpPort;
    this.snsPort = snsPort;
    this.live = live;
  }

  /** Starts with the process environment and home directory (for {@code relay.upstream=auto}). */
  public static Relay start(RelayConfig config) {
    return start(config, System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * Opens the spool, starts delivery and the listeners.
   *
   * @param env the environment {@code relay.upstream=auto} looks at
   * @param home the home directory {@code relay.upstream=auto} looks in
   * @throws IllegalArgumentException for unusable files (TLS, users) named in the message
   * @throws ListenFailure when a listener cannot bind
   * @throws UncheckedIOException when a log cannot be opened
   * @throws dev.sluice.spool.SpoolInUseException when another process holds the spool directory
   */
  public static Relay start(RelayConfig config, Map<String, String> env, Path home) {
    return start(config, env, home, null);
  }

  /**
   * Opens the spool, starts delivery, the listeners and the intake of SES's events.
   *
   * @param sesEvents where SES's events are recorded; null to record them in the relay's feedback
   *     store (when there is none, {@code relay.sns.listen} and {@code relay.sqs.queue-url} must be
   *     off)
   */
  public static Relay start(
      RelayConfig config,
      Map<String, String> env,
      Path home,
      dev.sluice.feedback.SesEventRecorder sesEvents) {
    ServerTls serverTls =
        config.doors().tls().map(t -> ServerTls.load(t.certificate(), t.key())).orElse(null);
    SSLContext tls = serverTls == null ? null : serverTls.context();
    AtomicReference<Networks> limitExceptions =
        new AtomicReference<>(config.doors().smtp().clientLimitExceptions());
    AccessPolicy access = new AccessPolicy(config.doors().relayNetworks(), loadUsers(config));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (config.spool().kafka().distributed() && config.spool().hold()) {
      throw new ConfigException(
          "relay.hold is not available with relay.spool.backend=kafka: a node that joins the"
              + " delivery group must deliver the partitions it is given");
    }
    DistributedHooks hooks = new DistributedHooks();
    Spool spool = openSpool(config, hooks);
    // The doors append through it: each message goes to its traffic class's buckets.
    Spool classified = new ClassifyingSpool(spool, config.delivery().traffic());
    FeedbackStore feedback;
    try {
      feedback = openFeedback(config);
    } catch (RuntimeException e) {
      spool.close();
      throw e;
    }
    HistoryRecorder history =
        feedback == null
            ? null
            : new HistoryRecorder(
                feedback,
                config.delivery().configurationSet().orElse(""),
                new ReputationWatch(feedback, registry),
                Clock.system());
    RelayMetrics metrics = RelayMetrics.start(registry, spool, Clock.system());
    DoorMetrics doorMetrics = DoorMetrics.register(registry);
    List<Door> doors = new ArrayList<>();
    Delivery delivery = null;
    EventSink events = null;
    // The door being opened, for the message if it cannot listen; null before the doors.
    Opening door = null;
    SharedFeedback shared = null;
    try {
      events = events(config);
      if (feedback != null) {
        // SES's events and suppressions join the delivery events in the same stream.
        EventSink stream = events;
        feedback.listen(lines -> lines.forEach(l -> stream.publish(l::writeJson)));
      }
      if (feedback != null && config.spool().kafka().distributed()) {
        shared =
            SharedFeedback.open(
                kafkaConfig(config, KafkaSpool.Listener.NONE),
                feedback,
                config.feedback().store().retention());
        history.share(shared);
        SharedFeedback opened = shared;
        doors.add(grace -> opened.close());
      }
      // SES's events go to the caller's recorder, else through Kafka to every node's store, else
      // to this node's store.
      dev.sluice.feedback.SesEventRecorder recorder =
          sesEvents != null ? sesEvents : shared != null ? shared : feedback;
      delivery =
          config.spool().hold()
              ? null
              : startDelivery(
                  config,
                  spool,
                  registry,
                  metrics,
                  env,
                  home,
                  events,
                  history == null ? EventSink.none() : history::delivery);
      if (delivery != null && config.spool().kafka().distributed()) {
        hooks.attach(
            delivery.routes().stream().map(RouteEngine::sender).toList(), delivery.scheduler());
      }
      DeliveryScheduler scheduler = delivery == null ? null : delivery.scheduler();
      AcceptListener accepted =
          new AcceptListener() {
            @Override
            public void accepted(List<Accepted> messages) {
              metrics.accepted(messages.size());
              if (history != null) {
                history.accepted(messages);
              }
              if (scheduler != null) {
                for (Accepted m : messages) {
                  scheduler.wake(m.id());
                }
              }
            }

            @Override
            public void suppressed(QueueId id, List<Suppression> dropped) {
              if (history != null) {
                history.suppressed(id, dropped);
              }
            }
          };
      // Kafka's counters cost calls to the cluster: read them in the background, not per message.
      Admission admission =
          new Admission(
              spool,
              config.spool().highWater(),
              config.spool().minFreeDisk(),
              config.spool().kafka().distributed() ? Duration.ofSeconds(5) : Duration.ZERO);
      metrics.intake(admission::intake);
      if (feedback != null && delivery != null) {
        AccountListSync sync = accountListSync(config, feedback, delivery);
        if (sync != null) {
          doors.add(grace -> sync.close());
        }
      }
      SesHeaderRules sesHeaders =
          new SesHeaderRules(
              config.doors().allowIdentityHeaders(),
              delivery == null ? ConfigurationSetCatalog.ANY : delivery.sets());
      // A route or class a message names must be one of these: refused at the door, not ignored.
      RelayHeaderRules relayHeaders =
          RelayHeaderRules.of(
              List.copyOf(config.delivery().routes().names()),
              config.delivery().traffic().classes().names());
      int smtpPort = -1;
      if (config.doors().smtp().port().isPresent()) {
        door =
            new Opening(
                "SMTP",
                config.doors().smtp().bind(),
                config.doors().smtp().port().getAsInt(),
                RelayConfig.SMTP_PORT);
        SmtpDialect dialect =
            SmtpDialect.builder()
                .hostname(config.hostname())
                .authWithoutTlsOnLoopback(true)
                .advertiseAuthBeforeTls(false)
                .build();
        SmtpServer smtp =
            new SmtpServer(
                new InetSocketAddress(
                    config.doors().smtp().bind(), config.doors().smtp().port().getAsInt()),
                tls,
                dialect,
                config.doors().smtp().limits(),
                new SmtpIngress(
                    classified,
                    access,
                    admission,
                    config.hostname(),
                    Clock.system(),
                    accepted,
                    sesHeaders,
                    relayHeaders,
                    suppressions(feedback)),
                a -> limitExceptions.get().contains(a),
                doorMetrics.smtp());
        smtp.start();
        doors.add(smtp::stop);
        smtpPort = smtp.port();
      }
      int httpPort = -1;
      if (config.doors().http().port().isPresent()) {
        door =
            new Opening(
                "HTTP",
                config.doors().http().bind(),
                config.doors().http().port().getAsInt(),
                RelayConfig.HTTP_PORT);
        HttpIngressSettings settings =
            HttpIngressSettings.defaults(config.hostname())
                .withBind(
                    new InetSocketAddress(
                        config.doors().http().bind(), config.doors().http().port().getAsInt()))
                .withMaxMessageSize(
                    ByteSize.ofBytes(config.doors().smtp().limits().maxMessageSize()))
                .withCounts(
                    config.doors().smtp().limits().maxRecipients(),
                    config.doors().http().maxBatch());
        HttpIngress http =
            new HttpIngress(
                settings,
                classified,
                access,
                admission,
                Clock.system(),
                config.doors().http().https() ? tls : null,
                accepted,
                doorMetrics.http(),
                sesHeaders,
                relayHeaders,
                suppressions(feedback));
        http.start();
        doors.add(http::stop);
        httpPort = http.port();
      }
      URI adminUri = null;
      AdminServer adminServer = null;
      if (config.admin().enabled()) {
        door =
            new Opening(
                "the admin API",
                config.admin().bindAddress(),
                config.admin().port().getAsInt(),
                AdminSettings.PORT);
        AdminServer admin =
            new AdminServer(
                config.admin(),
                feedback == null
                    ? RelayView.of(spool, metrics::status, admission::intake)
                    : RelayView.of(spool, metrics::status, admission::intake)
                        .withFeedback(feedback),
                registry,
                Clock.system());
        admin.start();
        doors.add(grace -> admin.close());
        adminUri = admin.uri();
        adminServer = admin;
      }
      SesEventsIntake intake = null;
      if (config.sesEvents().enabled()) {
        var listen = config.sesEvents().snsListen();
        door =
            new Opening(
                "the SNS endpoint",
                listen.map(InetSocketAddress::getHostString).orElse("-"),
                listen.map(InetSocketAddress::getPort).orElse(-1),
                SesEventsSettings.LISTEN);
        intake =
            SesEventsIntake.start(
                config.sesEvents(), recorder, registry, config.delivery().region().orElse(""), env);
        SesEventsIntake started = intake;
        doors.add(grace -> started.close());
      }
      // With the embedded simulator and no SNS endpoint configured, the loop is wired by itself.
      if (config.sesEvents().snsListen().isEmpty()
          && recorder != null
          && delivery != null
          && delivery.upstream().simulator().isPresent()) {
        door =
            new Opening(
                "the feedback loop's SNS endpoint", "127.0.0.1", 0, SesEventsSettings.LISTEN);
        SimulatorLoop loop =
            SimulatorLoop.start(
                delivery.upstream().simulator().get(),
                recorder,
                registry,
                config.sesEvents().replayWindow());
        doors.add(grace -> loop.close());
      }
      return new Relay(
          config,
          spool,
          feedback,
          history,
          events,
          registry,
          metrics,
          delivery,
          doors,
          smtpPort,
          httpPort,
          adminUri,
          intake == null ? -1 : intake.snsPort(),
          new Live(access, serverTls, limitExceptions, admission, adminServer));
    } catch (IOException | RuntimeException e) {
      stopDoors(doors, Duration.ZERO);
      stopDelivery(delivery, config);
      closeFeedback(history, spool, feedback);
      metrics.close();
      if (events != null) {
        events.close();
      }
      if (delivery != null) {
        delivery.routes().forEach(r -> r.upstream().close());
      }
      if (e instanceof IOException io) {
        throw door == null
            ? new UncheckedIOException("cannot start delivery: " + io.getMessage(), io)
            : new ListenFailure(door.name(), door.address(), door.port(), door.key(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Opens the feedback store. In distributed mode several nodes may run on one machine with the
   * same (unused) spool directory: a node that finds the store held by another goes on without one
   * (no history, no suppression list of its own) and says how to give it its own.
   *
   * @return the store, or null for none
   */
  private static FeedbackStore openFeedback(RelayConfig config) {
    Path dir = config.feedback().dirUnder(config.spool().dir());
    try {
      return FeedbackStore.open(dir, config.feedback().store(), Clock.system());
    } catch (StoreInUseException e) {
      if (!config.spool().kafka().distributed()) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
      log.warn(
          "{}: this node keeps no message history and no suppression list; give each node on"
              + " this machine its own {} (--feedback-dir)",
          e.getMessage(),
          FeedbackConfig.DIR.name());
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the feedback store: " + e.getMessage(), e);
    }
  }

  /**
   * Starts keeping the feedback store's suppression list in step with the SES account's ({@code
   * relay.feedback.ses-suppression-sync}), when the upstream has the API for it.
   *
   * @return the sync, or null when it is off or the upstream has no such API
   */
  private static AccountListSync accountListSync(
      RelayConfig config, FeedbackStore feedback, Delivery delivery) {
    FeedbackConfig f = config.feedback();
    if (f.sesSync().isEmpty()) {
      return null;
    }
    var list = delivery.transport().accountSuppressionList();
    if (list.isEmpty()) {
      log.info(
          "{}: the upstream ({}) has no account suppression list to read; the SES v2 API has",
          FeedbackConfig.SES_SYNC.name(),
          delivery.transport().name());
      return null;
    }
    AccountListSync sync =
        new AccountListSync(
            feedback, list.get(), Clock.system(), AccountListSync.PAGE_SIZE, f.sesPush());
    sync.start(f.sesSync().get());
    return sync;
  }

  private static Suppressions suppressions(FeedbackStore feedback) {
    return feedback == null ? Suppressions.none() : feedback;
  }

  /** Writes the queued history lines (which read the spool), then closes the spool and store. */
  private static void closeFeedback(HistoryRecorder history, Spool spool, FeedbackStore feedback) {
    // The store is closed only once nothing uses it: RocksDB closed under a running call crashes
    // the process. The doors, the events intake and the admin API have stopped by now.
    boolean idle = history == null || history.stop();
    spool.close();
    if (feedback != null && idle) {
      feedback.close();
    }
  }

  /** A door being opened: its name in messages, where it binds, the key of its port. */
  private record Opening(String name, String address, int port, ConfigKey<?> key) {}

  /** The embedded spool in {@code relay.spool.dir}, or Kafka in distributed mode. */
  private static Spool openSpool(RelayConfig config, KafkaSpool.Listener hooks) {
    if (!config.spool().kafka().distributed()) {
      return RocksSpool.open(
          RocksSpoolConfig.builder(config.spool().dir()).buckets(config.spool().buckets()).build());
    }
    return KafkaSpool.open(kafkaConfig(config, hooks));
  }

  /** Distributed mode's Kafka settings, for the spool and the shared feedback topics. */
  private static KafkaSpoolConfig kafkaConfig(RelayConfig config, KafkaSpool.Listener hooks) {
    KafkaSettings k = config.spool().kafka();
    return KafkaSpoolConfig.builder(k.bootstrapServers())
        .topicPrefix(k.topicPrefix())
        .partitions(k.partitions())
        .replicationFactor(k.replicationFactor())
        .minInsyncReplicas(k.minInsyncReplicas())
        .groupId(k.groupId())
        .clientId("sluice-" + config.hostname())
        .retryTiers(k.retryTiers())
        .createTopics(k.createTopics())
        .openTimeout(k.openTimeout())
        .clientProperties(k.clientOverrides())
        .listener(hooks)
        .build();
  }

  /**
   * Distributed mode's link from the Kafka spool to delivery: the share of the partitions this node
   * owns becomes its share of the account's rate and daily quota, and records arriving in a
   * partition wake its bucket's worker. Assignments may come before delivery is started; the last
   * one is applied when it is.
   */
  private static final class DistributedHooks implements KafkaSpool.Listener {
    private List<SesSender> senders = List.of();
    private volatile DeliveryScheduler scheduler;
    private double share = 0;

    synchronized void attach(List<SesSender> s, DeliveryScheduler d) {
      this.senders = List.copyOf(s);
      this.scheduler = d;
      senders.forEach(x -> x.setShare(share));
    }

    @Override
    public void assigned(java.util.Set<Integer> owned, int partitions) {
      double now = partitions == 0 ? 0 : (double) owned.size() / partitions;
      List<SesSender> s;
      synchronized (this) {
        share = now;
        s = senders;
      }
      log.info(
          "distributed: this node owns {} of {} partitions {}: {}% of each route's rate",
          owned.size(),
          partitions,
          new java.util.TreeSet<>(owned),
          String.format(java.util.Locale.ROOT, "%.1f", 100 * now));
      s.forEach(x -> x.setShare(now));
    }

    @Override
    public void arrived(int bucket) {
      DeliveryScheduler d = scheduler;
      if (d != null) {
        d.wakeBucket(bucket);
      }
    }
  }

  private static Delivery startDelivery(
      RelayConfig config,
      Spool spool,
      MeterRegistry registry,
      RelayMetrics metrics,
      Map<String, String> env,
      Path home,
      EventSink events,
      EventSink history) {
    DeliveryLimits limits = config.delivery().limits();
    RoutesConfig routes = config.delivery().routes();
    List<RouteEngine> engines = new ArrayList<>();
    try {
      engines.add(
          startRoute(
              RoutesConfig.DEFAULT,
              Upstream.resolve(config, env, home),
              config.delivery().maxSendRate(),
              config,
              registry,
              metrics));
      for (RoutesConfig.Route r : routes.routes().values()) {
        engines.add(
            startRoute(
                r.name(),
                Upstream.resolve(r, config, env, home),
                r.maxSendRate(),
                config,
                registry,
                metrics));
      }
      RouteEngine main = engines.get(0);
      // With routes, the status's figures are every route's together; each route's are listed.
      metrics.deliveringTo(
          SenderView.total(
              engines.stream().map(e -> SenderView.of(e.sender(), e.transport())).toList()),
          describe(engines));
      Map<String, SesSender> senders = new java.util.LinkedHashMap<>();
      Map<String, dev.sluice.core.transport.AccountGate> gates = new java.util.LinkedHashMap<>();
      for (RouteEngine e : engines) {
        senders.put(e.name(), e.sender());
        gates.put(e.name(), e.sender().gate());
      }
      RoutingSender routing =
          new RoutingSender(
              routes,
              senders,
              gates,
              config.delivery().configurationSet().orElse(""),
              Clock.system(),
              registry);
      RetryPolicy policy = config.delivery().retry();
      EventSink toMetrics =
          e -> {
            switch (e.type()) {
              case DELIVERED -> metrics.delivered(e.queueId());
              case DEFERRED -> metrics.deferred(e.queueId(), e.reason());
              case FAILED, EXPIRED -> metrics.failed(e.queueId(), e.reason());
            }
          };
      DeliveryScheduler[] self = new DeliveryScheduler[1];
      EventSink all =
          config.events().bounces()
              ? EventSink.all(events, toMetrics, history, e -> bounce(e, spool, config, self[0]))
              : EventSink.all(events, toMetrics, history);
      // Each route may hold a full window of messages, so one route waiting for its rate does not
      // leave the others without mail.
      DeliveryScheduler scheduler =
          DeliveryScheduler.builder(spool, routing)
              .policy(policy)
              .events(all)
              .registry(registry)
              .maxInFlight(limits.messagesInFlight() * engines.size())
              .gate(routing.gate())
              .classes(config.delivery().traffic().classes())
              .tenants(
                  TenantLimits.of(
                      config.delivery().traffic().tenants(),
                      config.spool().dir().resolve("tenants.ledger")))
              .build();
      self[0] = scheduler;
      List<SesSender> routeSenders = engines.stream().map(RouteEngine::sender).toList();
      classMeters(registry, routeSenders, scheduler);
      metrics.traffic(() -> traffic(routeSenders, scheduler));
      scheduler.start();
      if (routes.any()) {
        log.info("routes: {}", describe(engines));
      }
      metrics.routes(() -> routeStatus(engines, routes, routing, metrics));
      return new Delivery(
          main.upstream(),
          main.sender(),
          scheduler,
          sets(config, main.upstream(), main.transport()),
          main.transport(),
          List.copyOf(engines));
    } catch (RuntimeException e) {
      for (RouteEngine r : engines) {
        r.sender().close();
        r.upstream().close();
      }
      throw e;
    }
  }

  /**
   * Starts one route's engine on its upstream; the upstream is closed if it cannot start. With
   * routes configured, its meters carry the tag {@code route=NAME}.
   */
  private static RouteEngine startRoute(
      String name,
      Upstream upstream,
      SendRate maxSendRate,
      RelayConfig config,
      MeterRegistry registry,
      RelayMetrics metrics) {
    DeliveryLimits limits = config.delivery().limits();
    try {
      // The scheduler's window is one per route; a route may be handed all of it (its fail-over's
      // mail too), so its engine takes as many and never blocks the scheduler's taking.
      SenderConfig.Builder sc =
          SenderConfig.builder()
              .maxInFlight(limits.callsInFlight())
              .maxPending(limits.messagesInFlight() * config.delivery().routes().names().size())
              .listener(metrics.onCallOf(name))
              .classes(config.delivery().traffic().classes())
              .rateOverride(maxSendRate.senderOverride());
      if (config.delivery().routes().any()) {
        sc.meterTags(io.micrometer.core.instrument.Tags.of("route", name));
      }
      QuotaStamp transport =
          new QuotaStamp(
              DefaultConfigurationSet.wrap(
                  upstream.openTransport(limits.connections(), config.delivery().httpClient()),
                  config.delivery().configurationSet().orElse("")),
              Clock.system());
      SesSender sender = SesSender.start(transport, sc.build(), Clock.system(), registry);
      return new RouteEngine(name, upstream, sender, transport);
    } catch (RuntimeException e) {
      upstream.close();
      throw e;
    }
  }

  /** Each route as it stands now, for the status page. */
  private static List<dev.sluice.app.admin.RouteStatus> routeStatus(
      List<RouteEngine> engines, RoutesConfig routes, RoutingSender routing, RelayMetrics metrics) {
    List<dev.sluice.app.admin.RouteStatus> out = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (RouteEngine e : engines) {
      SenderView v = SenderView.of(e.sender(), e.transport());
      String health =
          e.sender()
              .gate()
              .closure()
              .map(
                  c ->
                      c.reason()
                          + ": "
                          + c.text()
                          + " ("
                          + Math.max(1, (c.untilMillis() - now + 999) / 1000)
                          + " s left)")
              .orElse("ok");
      String failOver = routes.failOver(e.name()).orElse("");
      String via = routing.sendsVia(e.name());
      out.add(
          new dev.sluice.app.admin.RouteStatus(
              e.name(),
              e.upstream().description(),
              java.util.Objects.requireNonNullElse(e.upstream().target().region(), ""),
              metrics.routeSendRate(e.name()),
              v.shapedRate(),
              v.maxSendRate(),
              v.quota(),
              v.inFlight(),
              health,
              failOver,
              via == null ? "" : via));
    }
    return out;
  }

  /** The upstream in words; with routes, each route's, with its fail-over. */
  private static String describe(List<RouteEngine> engines) {
    if (engines.size() == 1) {
      return engines.get(0).upstream().description();
    }
    StringBuilder b = new StringBuilder();
    for (RouteEngine e : engines) {
      b.append(b.isEmpty() ? "" : "; ")
          .append("route ")
          .append(e.name())
          .append(": ")
          .append(e.upstream().description());
    }
    return b.toString();
  }

  /**
   * The traffic classes and tenants' caps as the status page and {@code sluice status} show them.
   */
  private static DeliveryStatus.Traffic traffic(
      List<SesSender> senders, DeliveryScheduler scheduler) {
    List<DeliveryStatus.ClassLine> classes = new ArrayList<>();
    for (int i = 0; i < scheduler.classes().size(); i++) {
      classes.add(
          new DeliveryStatus.ClassLine(
              scheduler.classes().get(i).name(),
              scheduler.classes().get(i).share(),
              Double.NaN, // measured by the metrics from the counts over time
              scheduler.inFlight(i),
              scheduler.reservedSlots(i),
              waitingRecipients(senders, i),
              grantedRecipients(senders, i)));
    }
    List<DeliveryStatus.TenantLine> tenants = new ArrayList<>();
    for (TenantLimits.Usage u : scheduler.tenants().usage(Clock.system().millis())) {
      tenants.add(
          new DeliveryStatus.TenantLine(
              u.tenant(),
              Durations.format(u.limit().window()),
              u.limit().max(),
              u.used(),
              u.windowEnds(),
              u.waiting()));
    }
    return new DeliveryStatus.Traffic(classes, tenants);
  }

  /**
   * Each traffic class against its limits (in-flight slots, its line at the rate) and each tenant's
   * cap against its use.
   */
  private static void classMeters(
      MeterRegistry registry, List<SesSender> senders, DeliveryScheduler scheduler) {
    for (int i = 0; i < scheduler.classes().size(); i++) {
      int cls = i;
      io.micrometer.core.instrument.Tags tags =
          io.micrometer.core.instrument.Tags.of("class", scheduler.classes().get(i).name());
      io.micrometer.core.instrument.Gauge.builder(
              "sluice.class.in.flight", scheduler, s -> s.inFlight(cls))
          .tags(tags)
          .description("Messages of the class taken and not yet recorded")
          .register(registry);
      io.micrometer.core.instrument.Gauge.builder(
              "sluice.class.reserved.slots", scheduler, s -> s.reservedSlots(cls))
          .tags(tags)
          .description("In-flight slots reserved for the class; the rest are common")
          .register(registry);
      io.micrometer.core.instrument.Gauge.builder(
              "sluice.class.share", scheduler, s -> s.classes().get(cls).share())
          .tags(tags)
          .description("The class's guaranteed share of the rate, 0 to 1")
          .register(registry);
      io.micrometer.core.instrument.Gauge.builder(
              "sluice.class.waiting.recipients", senders, s -> waitingRecipients(s, cls))
          .tags(tags)
          .description("Recipients of the class waiting for their turn at the rate")
          .register(registry);
      io.micrometer.core.instrument.FunctionCounter.builder(
              "sluice.class.granted.recipients", senders, s -> grantedRecipients(s, cls))
          .tags(tags)
          .description("Recipients of the class given their turn at the rate")
          .register(registry);
    }
    // usage() lists each tenant's caps in order, so the n-th cap is its n-th element.
    int index = 0;
    for (TenantLimits.Tenant tenant : scheduler.tenants().tenants()) {
      for (TenantLimits.Limit limit : tenant.limits()) {
        int n = index++;
        io.micrometer.core.instrument.Tags tags =
            io.micrometer.core.instrument.Tags.of(
                "tenant", tenant.name(), "window", Durations.format(limit.window()));
        io.micrometer.core.instrument.Gauge.builder(
                "sluice.tenant.used",
                scheduler,
                s -> s.tenants().usage(Clock.system().millis()).get(n).used())
            .tags(tags)
            .description("Messages of the tenant counted in the cap's current window")
            .register(registry);
        io.micrometer.core.instrument.Gauge.builder(
                "sluice.tenant.cap", limit, TenantLimits.Limit::max)
            .tags(tags)
            .description("The tenant's cap per window")
            .register(registry);
      }
    }
  }

  /** Recipients of a class waiting for their turn at the rate, over every route's engine. */
  private static long waitingRecipients(List<SesSender> senders, int cls) {
    long n = 0;
    for (SesSender s : senders) {
      n += s.waitingRecipients(cls);
    }
    return n;
  }

  /** Recipients of a class given their turn at the rate, over every route's engine. */
  private static long grantedRecipients(List<SesSender> senders, int cls) {
    long n = 0;
    for (SesSender s : senders) {
      n += s.grantedRecipients(cls);
    }
    return n;
  }

  private static EventSink events(RelayConfig config) throws IOException {
    EventSink log = EventSink.none();
    if (config.events().log().isPresent()) {
      log = JsonLinesEventLog.open(config.events().log().get());
    }
    if (config.events().webhook().isPresent()) {
      return EventSink.all(log, WebhookEventSink.builder(config.events().webhook().get()).build());
    }
    return log;
  }

  /** Spools a delivery status notification for a message that failed, when it has a sender. */
  private static void bounce(
      DeliveryEvent e, Spool spool, RelayConfig config, DeliveryScheduler scheduler) {
    if (e.type() != DeliveryEvent.Type.FAILED && e.type() != DeliveryEvent.Type.EXPIRED) {
      return;
    }
    spool
        .find(e.queueId())
        .flatMap(
            entry ->
                spool
                    .content(e.queueId())
                    .flatMap(
                        content ->
                            Bounce.of(
                                entry, content, e.reason(), config.hostname(), Instant.now())))
        .ifPresent(
            report ->
                spool
                    .append(report)
                    .whenComplete(
                        (id, failure) -> {
                          if (failure != null) {
                            log.warn(
                                "could not spool the bounce for {}: {}",
                                e.queueId(),
                                failure.toString());
                          } else if (scheduler != null) {
                            scheduler.wake(id);
                          }
                        }));
  }

  static UserStore loadUsers(RelayConfig config) {
    if (config.doors().usersFile().isEmpty()) {
      return UserStore.EMPTY;
    }
    Path file = config.doors().usersFile().get();
    try {
      return UserStore.load(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the users file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes the relay reloadable ({@code POST /api/reload}, {@link #reload()}): a reload resolves
   * {@code source} again (the configuration file and environment read anew, the command line's
   * flags as given) and applies what can change while running; the rest it names.
   *
   * @param started the settings the relay was started with ({@link #config()} came from them)
   * @param source resolves the settings again; may throw {@link
   *     dev.sluice.core.config.ConfigException}
   */
  public void reloadFrom(Settings started, java.util.function.Supplier<Settings> source) {
    RelayReloader r = new RelayReloader(this, started, source);
    reloader = r;
    if (live.admin() != null) {
      live.admin().onReload(r::reload);
    }
  }

  /**
   * Reads the configuration again and applies what can change live (see {@link RelayReloader}).
   *
   * @throws ReloadOutcome.Refused when it is invalid, or when {@link #reloadFrom} was not called;
   *     nothing was applied
   */
  public ReloadOutcome reload() {
    RelayReloader r = reloader;
    if (r == null) {
      throw new ReloadOutcome.Refused(
          "this relay was started without a configuration to read again");
    }
    return r.reload();
  }

  /** The parts a reload changes in place. */
  Live live() {
    return live;
  }

  /** The configuration it started with; a reload does not change it. */
  public RelayConfig config() {
    return config;
  }

  /** The spool. */
  public Spool spool() {
    return spool;
  }

  /** The history of each message and the suppression list; empty when this node keeps none. */
  public java.util.Optional<FeedbackStore> feedback() {
    return java.util.Optional.ofNullable(feedback);
  }

  /** The meters: ingress, delivery and the sender's, for {@code /metrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Where mail is delivered, one line; or why it is not. */
  public String deliveryDescription() {
    return delivery == null
        ? "held: accepted mail stays in the spool (relay.hold)"
        : describe(delivery.routes());
  }

  /**
   * Each route's engine by name, the default route first; empty when mail is held. Without routes
   * configured it is the default route alone ({@link #sender()}).
   */
  public Map<String, SesSender> routes() {
    Map<String, SesSender> out = new java.util.LinkedHashMap<>();
    if (delivery != null) {
      delivery.routes().forEach(r -> out.put(r.name(), r.sender()));
    }
    return out;
  }

  /** The embedded simulator mail is delivered to, if it is. */
  public java.util.Optional<dev.sluice.simulator.Simulator> embeddedSimulator() {
    return delivery == null ? java.util.Optional.empty() : delivery.upstream().simulator();
  }

  /** The delivery engine, or null when mail is held. */
  public SesSender sender() {
    return delivery == null ? null : delivery.sender();
  }

  /** The delivery scheduler, or null when mail is held. */
  public DeliveryScheduler scheduler() {
    return delivery == null ? null : delivery.scheduler();
  }

  /** The admin API's address, or null when it is off. */
  public URI adminUri() {
    return adminUri;
  }

  /** The SMTP port bound, or -1 when SMTP is off. */
  public int smtpPort() {
    return smtpPort;
  }

  /** The HTTP port bound, or -1 when HTTP is off. */
  public int httpPort() {
    return httpPort;
  }

  /** The port of the SNS endpoint for SES's events, or -1 when it is off. */
  public int snsPort() {
    return snsPort;
  }

  /**
   * Stops the listeners, answering what they hold, and delivery, waiting for calls in flight, both
   * within {@code relay.stop-grace}; then closes the spool after its pending writes; idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info(
        "stopping: answering open sessions and waiting for calls in flight, up to {}",
        Durations.format(config.delivery().stopGrace()));
    Thread deliveryStop =
        Thread.ofVirtual().name("relay-stop-delivery").start(() -> stopDelivery(delivery, config));
    stopDoors(doors, config.delivery().stopGrace());
    joinUninterruptibly(deliveryStop);
    closeFeedback(history, spool, feedback);
    metrics.close();
    events.close();
    if (delivery != null) {
      delivery.routes().forEach(r -> r.upstream().close());
    }
    log.info("relay stopped");
  }

  /**
   * What the doors check configuration sets against: the account's sets, read from the transport
   * now and refreshed as {@code relay.configuration-sets-refresh} says; none when that is off, or
   * when the upstream is the embedded simulator taking any set name (its default).
   */
  private static ConfigurationSetCatalog sets(
      RelayConfig config, Upstream upstream, Transport transport) {
    boolean anyName =
        upstream.simulator().map(s -> s.core().configurationSets().lenient()).orElse(false);
    if (config.delivery().configurationSetsRefresh().isEmpty() || anyName) {
      return ConfigurationSetCatalog.ANY;
    }
    ListedConfigurationSets sets =
        new ListedConfigurationSets(
            transport::configurationSets,
            Clock.system(),
            config.delivery().configurationSetsRefresh().get(),
            CONFIGURATION_SET_MISS,
            r -> Thread.ofVirtual().name("configuration-sets").start(r));
    // Read in the background: an upstream slow to answer does not hold up the start.
    Thread.ofVirtual().name("configuration-sets").start(sets::refresh);
    return sets;
  }

  private static void stopDelivery(Delivery d, RelayConfig config) {
    if (d == null) {
      return;
    }
    // Messages waiting for the send rate go back to the spool now instead of holding the stop.
    d.routes().forEach(r -> r.sender().drain());
    if (!d.scheduler().stop(config.delivery().stopGrace())) {
      log.info(
          "stopped with messages in flight; they stay in the spool and are delivered after restart");
    }
    d.routes().forEach(r -> r.sender().close());
  }

  /** Stops every door at once, each within the grace, and waits for all of them. */
  private static void stopDoors(List<Door> doors, Duration grace) {
    List<Thread> stopping = new ArrayList<>();
    for (Door d : doors) {
      stopping.add(
          Thread.ofVirtual()
              .name("relay-stop-door")
              .start(
                  () -> {
                    try {
                      d.stop(grace);
                    } catch (Exception e) {
                      log.warn("stopping a listener: {}", e.toString());
                    }
                  }));
    }
    stopping.forEach(Relay::joinUninterruptibly);
  }

  /** Waits for a stopping thread whose work is itself bounded in time. */
  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
