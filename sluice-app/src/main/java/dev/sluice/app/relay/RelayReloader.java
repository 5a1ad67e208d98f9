package dev.sluice.app.relay;

import dev.sluice.app.admin.ReloadOutcome;
import dev.sluice.app.log.LogLevels;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Settings;
import dev.sluice.delivery.DeliveryScheduler;
import dev.sluice.delivery.RetryPolicy;
import dev.sluice.ingress.ServerTls;
import dev.sluice.ingress.UserStore;
import dev.sluice.ses.SesSender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the relay's configuration again and applies, without dropping a connection or a message,
 * what can change while it runs:
 *
 * <ul>
 *   <li>{@code relay.max-send-rate}: the sender's ceiling moves at once (sends waiting for tokens
 *       read it within a second);
 *   <li>{@code relay.access.relay-networks}, {@code relay.access.users-file}: the doors' access
 *       rules, for every check from now on (a session already logged in stays logged in); the users
 *       file is read again even when its name did not change;
 *   <li>{@code relay.smtp.client-limit-exceptions};
 *   <li>{@code relay.tls.certificate}, {@code relay.tls.key}: read again even when their names did
 *       not change (a renewed certificate), served from the next handshake; only while TLS stays on
 *       — turning it on or off needs a restart;
 *   <li>{@code relay.retry.delays}, {@code relay.expiry}: deferrals decided from now on;
 *   <li>{@code relay.spool.high-water}, {@code relay.spool.min-free-disk}: the next intake check;
 *   <li>{@code relay.log-levels}: every logger at once.
 * </ul>
 *
 * Everything else (ports, addresses, the spool, the upstream, Kafka, the admin API, …) is named in
 * {@link ReloadOutcome#restartNeeded()} when its value changed, and keeps the value the relay
 * started with. A configuration that does not parse, or whose files do not load, is refused whole:
 * nothing of it is applied.
 *
 * <p>Thread-safe: one reload at a time.
 */
final class RelayReloader {
  private static final Logger log = LoggerFactory.getLogger(RelayReloader.class);

  /** Keys applied live; the TLS keys only while TLS stays on. */
  private static final Set<String> LIVE =
      names(
          RelayConfig.SEND_RATE,
          RelayConfig.NETWORKS,
          RelayConfig.USERS,
          RelayConfig.LIMIT_EXCEPTIONS,
          RelayConfig.TLS_CERT,
          RelayConfig.TLS_KEY,
          RelayConfig.RETRY,
          RelayConfig.EXPIRY,
          RelayConfig.HIGH_WATER,
          RelayConfig.MIN_FREE,
          RelayConfig.LOG_LEVELS);

  private static final Set<String> TLS = names(RelayConfig.TLS_CERT, RelayConfig.TLS_KEY);

  private final Relay relay;
  private final Settings started;
  private final Supplier<Settings> source;
  private Settings applied;

  RelayReloader(Relay relay, Settings started, Supplier<Settings> source) {
    this.relay = Objects.requireNonNull(relay, "relay");
    this.started = Objects.requireNonNull(started, "started");
    this.source = Objects.requireNonNull(source, "source");
    this.applied = started;
  }

  private static Set<String> names(ConfigKey<?>... keys) {
    java.util.HashSet<String> s = new java.util.HashSet<>();
    for (ConfigKey<?> k : keys) {
      s.add(k.name());
    }
    return Set.copyOf(s);
  }

  /**
   * Reloads.
   *
   * @throws ReloadOutcome.Refused naming what is wrong; the running configuration is kept
   */
  synchronized ReloadOutcome reload() {
    Settings next;
    RelayConfig config;
    try {
      next = source.get();
      config = RelayConfig.from(next);
    } catch (ConfigException e) {
      throw refused(e.getMessage());
    }
    Relay.Live live = relay.live();
    boolean tlsLive = live.tls() != null && config.doors().tls().isPresent();
    // Everything that can fail is done before anything is applied.
    UserStore users;
    ServerTls tls = null;
    RetryPolicy policy = config.delivery().retry();
    try {
      users = Relay.loadUsers(config);
      if (tlsLive) {
        tls =
            ServerTls.load(
                config.doors().tls().get().certificate(), config.doors().tls().get().key());
      }
    } catch (IllegalArgumentException e) {
      throw refused(e.getMessage());
    }

    List<String> changed = new ArrayList<>();
    List<String> restart = new ArrayList<>();
    for (Map.Entry<String, Settings.Entry> e : next.entries().entrySet()) {
      String key = e.getKey();
      boolean isLive = LIVE.contains(key) && (tlsLive || !TLS.contains(key));
      Settings before = isLive ? applied : started;
      Settings.Entry old = before.entries().get(key);
      if (old != null && Objects.equals(old.text(), e.getValue().text())) {
        continue;
      }
      (isLive ? changed : restart).add(key);
    }
    // Routes and rules are read at start only: a route's engine, connections and gate are built
    // then.
    for (String prefix : RelayConfig.SCHEMA.sections()) {
      Map<String, String> was = started.section(prefix);
      Map<String, String> now = next.section(prefix);
      java.util.Set<String> keys = new java.util.TreeSet<>(was.keySet());
      keys.addAll(now.keySet());
      for (String k : keys) {
        if (!Objects.equals(was.get(k), now.get(k))) {
          restart.add(k);
        }
      }
    }
    List<String> reread = new ArrayList<>();
    if (config.doors().usersFile().isPresent()) {
      reread.add(RelayConfig.USERS.name());
    }
    if (tlsLive) {
      reread.add(RelayConfig.TLS_CERT.name());
    }

    live.access().replace(config.doors().relayNetworks(), users);
    live.limitExceptions().set(config.doors().smtp().clientLimitExceptions());
    if (tls != null) {
      live.tls().replaceWith(tls);
    }
    live.admission().setLimits(config.spool().highWater(), config.spool().minFreeDisk());
    SesSender sender = relay.sender();
    if (sender != null && changed.contains(RelayConfig.SEND_RATE.name())) {
      sender.setRateOverride(config.delivery().maxSendRate().senderOverride());
    }
    DeliveryScheduler scheduler = relay.scheduler();
    if (scheduler != null) {
      scheduler.setPolicy(policy);
    }
    if (changed.contains(RelayConfig.LOG_LEVELS.name())
        && !LogLevels.apply(next.get(RelayConfig.LOG_LEVELS))) {
      log.warn(
          "{} not applied: this process logs through another backend",
          RelayConfig.LOG_LEVELS.name());
    }
    applied = next;
    ReloadOutcome outcome = new ReloadOutcome(changed, reread, restart);
    log.info(
        "configuration reloaded: applied {}; read again {}{}",
        changed.isEmpty() ? "(nothing changed)" : changed,
        reread.isEmpty() ? "(no files)" : reread,
        restart.isEmpty() ? "" : "; changed but need a restart to apply: " + restart);
    return outcome;
  }

  private static ReloadOutcome.Refused refused(String why) {
    log.warn("configuration reload refused, the running configuration is kept: {}", why);
    return new ReloadOutcome.Refused(why);
  }
}
