package dev.sluice.app.relay;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Durations;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.ConfigSchema;
import dev.sluice.core.config.Parsers;
import dev.sluice.core.config.Settings;
import dev.sluice.delivery.RetryPolicy;
import dev.sluice.ingress.Networks;
import dev.sluice.ses.HttpClientKind;
import dev.sluice.smtp.SmtpLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the relay can be told, as one immutable tree of typed values grouped by concern: the
 * doors, the spool, delivery (the default route, limits, retries, routes, traffic), the events told
 * of each outcome, the embedded simulator, the admin API, SES's events and the feedback store.
 * {@link #SCHEMA} lists every key with its default and documentation; each key {@code relay.NAME}
 * is also the flag {@code --NAME} and the environment variable {@code SLUICE_RELAY_NAME}.
 *
 * <p>No value stands for another: a door that is off is an empty port, a file or URL not given an
 * empty {@link Optional}, the send rate a {@link SendRate}, the retry schedule a parsed {@link
 * RetryPolicy}. The keys stay flat and in this file (their names are the flags and the example
 * file's order); only the values are grouped. That, and one record per group, is why the file is
 * long: {@link #from} is the one place where keys become the tree.
 *
 * @param hostname the name the relay gives itself (SMTP greeting, trace fields)
 * @param doors the SMTP and HTTP doors mail comes in by, their TLS, and who may use them
 * @param spool where accepted mail is kept, how much of it, and whether it is held
 * @param delivery where and how fast mail is delivered, retried and routed
 * @param events where each message's outcome is told: the events log, the webhook, its sender
 * @param simulator the embedded simulator, when it is the upstream
 * @param admin the admin API's address, port and token
 * @param sesEvents where SES's events come in (SNS endpoint, SQS queue), if anywhere
 * @param feedback where the message history and suppression list are kept, and for how long
 */
public record RelayConfig(
    String hostname,
    Doors doors,
    Spool spool,
    Delivery delivery,
    Events events,
    EmbeddedSimulator simulator,
    dev.sluice.app.admin.AdminSettings admin,
    SesEventsSettings sesEvents,
    FeedbackConfig feedback) {

  /** Checks what the types cannot. */
  public RelayConfig {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(doors, "doors");
    Objects.requireNonNull(spool, "spool");
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(simulator, "simulator");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(sesEvents, "sesEvents");
    Objects.requireNonNull(feedback, "feedback");
    TrafficSettings traffic = delivery.traffic();
    int spoolBuckets = spool.kafka().distributed() ? spool.kafka().partitions() : spool.buckets();
    if (spoolBuckets < traffic.classes().size()) {
      throw new ConfigException(
          TrafficSettings.CLASSES.name()
              + ": "
              + traffic.classes().size()
              + " traffic classes need at least as many spool buckets (relay.spool.buckets, or"
              + " relay.kafka.partitions in distributed mode), got "
              + spoolBuckets);
    }
  }

  /**
   * Where accepted mail is kept until it is delivered.
   *
   * @param dir where the embedded spool keeps its files (and, by default, the feedback store)
   * @param buckets how many buckets the embedded spool shards messages into (fixed when it is
   *     created)
   * @param highWater the most messages held before new mail is refused with 452 4.3.1
   * @param minFreeDisk the free space kept on the spool's disk; below it new mail is refused
   * @param hold whether to keep mail in the spool without delivering it
   * @param kafka the spool's backend and, in distributed mode, the Kafka cluster
   */
  public record Spool(
      Path dir,
      int buckets,
      long highWater,
      ByteSize minFreeDisk,
      boolean hold,
      KafkaSettings kafka) {
    /** Checks for nulls. */
    public Spool {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(minFreeDisk, "minFreeDisk");
      Objects.requireNonNull(kafka, "kafka");
    }
  }

  /**
   * Where and how fast mail is delivered, retried and routed. The default route is {@code
   * upstream}, {@code region} and {@code maxSendRate}; {@code routes} are the others.
   *
   * @param upstream where the default route delivers: {@code auto}, {@code simulator} or a URL
   * @param region the AWS region, if given; else the environment's ({@code AWS_REGION})
   * @param maxSendRate the rate the default route sends at
   * @param httpClient the HTTP client under every route's SES API calls
   * @param limits messages and upstream calls in flight, and connections, per route
   * @param retry the retry schedule and expiry of deferred messages
   * @param stopGrace how long a stopping relay gives open sessions to be answered and calls in
   *     flight to finish
   * @param configurationSet the configuration set for messages that name none, if any
   * @param configurationSetsRefresh how often the account's configuration sets are read again for
   *     the doors to check; empty when the doors do not check them
   * @param routes the routes besides the default one and the rules that pick them ({@code
   *     relay.route.*}, {@code relay.route-rule.*})
   * @param traffic the traffic classes, the rules that put messages in them, and tenants' caps
   */
  public record Delivery(
      String upstream,
      Optional<String> region,
      SendRate maxSendRate,
      HttpClientKind httpClient,
      DeliveryLimits limits,
      RetryPolicy retry,
      Duration stopGrace,
      Optional<String> configurationSet,
      Optional<Duration> configurationSetsRefresh,
      RoutesConfig routes,
      TrafficSettings traffic) {
    /** Checks for nulls. */
    public Delivery {
      Objects.requireNonNull(upstream, "upstream");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(maxSendRate, "maxSendRate");
      Objects.requireNonNull(httpClient, "httpClient");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(retry, "retry");
      Objects.requireNonNull(stopGrace, "stopGrace");
      Objects.requireNonNull(configurationSet, "configurationSet");
      Objects.requireNonNull(configurationSetsRefresh, "configurationSetsRefresh");
      Objects.requireNonNull(routes, "routes");
      Objects.requireNonNull(traffic, "traffic");
    }
  }

  /**
   * Where each message's outcome is told.
   *
   * @param log the JSON-lines file events are appended to, if any
   * @param webhook the URL events are POSTed to, if any
   * @param bounces whether a failed message is reported to its sender (RFC 3464)
   */
  public record Events(Optional<Path> log, Optional<java.net.URI> webhook, boolean bounces) {
    /** Checks for nulls. */
    public Events {
      Objects.requireNonNull(log, "log");
      Objects.requireNonNull(webhook, "webhook");
    }
  }

  /**
   * The SES simulator the relay runs itself when it is the upstream ({@code relay.upstream=auto}
   * without AWS, or {@code simulator}).
   *
   * @param httpPort its HTTP port; 0 picks a free one
   * @param maxSendRate its MaxSendRate, empty for unlimited
   */
  public record EmbeddedSimulator(int httpPort, Optional<dev.sluice.core.Rate> maxSendRate) {
    /** Checks for nulls. */
    public EmbeddedSimulator {
      Objects.requireNonNull(maxSendRate, "maxSendRate");
    }
  }

  /**
   * The doors mail comes in by, and who may use them.
   *
   * @param smtp the SMTP listener
   * @param http the HTTP submit API
   * @param tls the certificate and key of STARTTLS (and HTTPS), if any; without them only loopback
   *     clients may log in
   * @param relayNetworks clients that may send without logging in
   * @param usersFile the users who may log in, if any
   * @param allowIdentityHeaders whether submitters may choose the sending identity with {@code
   *     X-SES-SOURCE-ARN}, {@code X-SES-FROM-ARN} and {@code X-SES-RETURN-PATH-ARN}
   */
  public record Doors(
      Smtp smtp,
      Http http,
      Optional<Tls> tls,
      Networks relayNetworks,
      Optional<Path> usersFile,
      boolean allowIdentityHeaders) {
    /** Checks for nulls, and that HTTPS has a certificate. */
    public Doors {
      Objects.requireNonNull(smtp, "smtp");
      Objects.requireNonNull(http, "http");
      Objects.requireNonNull(tls, "tls");
      Objects.requireNonNull(relayNetworks, "relayNetworks");
      Objects.requireNonNull(usersFile, "usersFile");
      if (http.https() && tls.isEmpty()) {
        throw new ConfigException(
            HTTP_TLS.name() + "=true needs " + TLS_CERT.name() + " and " + TLS_KEY.name());
      }
    }
  }

  /**
   * The SMTP listener.
   *
   * @param bind the address it binds
   * @param port its port (0 picks a free one), empty when SMTP is off
   * @param limits connections, timeouts and stress for SMTP; message size and recipients for both
   *     doors
   * @param clientLimitExceptions clients the per-client connection limit does not apply to
   */
  public record Smtp(
      String bind, OptionalInt port, SmtpLimits limits, Networks clientLimitExceptions) {
    /** Checks for nulls. */
    public Smtp {
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(port, "port");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(clientLimitExceptions, "clientLimitExceptions");
    }
  }

  /**
   * The HTTP submit API.
   *
   * @param bind the address it binds
   * @param port its port (0 picks a free one), empty when it is off
   * @param https whether it speaks HTTPS with the doors' certificate
   * @param maxBatch the most messages in one batch
   */
  public record Http(String bind, OptionalInt port, boolean https, int maxBatch) {
    /** Checks for nulls. */
    public Http {
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(port, "port");
    }
  }

  /**
   * The doors' TLS files, given together.
   *
   * @param certificate the certificate chain (PEM)
   * @param key the private key (PEM, unencrypted PKCS#8)
   */
  public record Tls(Path certificate, Path key) {
    /** Checks for nulls. */
    public Tls {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(key, "key");
    }
  }

  private static final String PREFIX = "relay.";

  /** The value of {@link #LIMIT_EXCEPTIONS} that means the relay networks. */
  private static final String RELAY_NETWORKS = "relay-networks";

  /** Host name. */
  public static final ConfigKey<String> HOSTNAME =
      key(
          "hostname",
          "",
          "Name the relay gives itself in its SMTP greeting and Received: fields; empty uses this machine's name.",
          s -> s);

  /** SMTP bind address. */
  public static final ConfigKey<String> SMTP_BIND =
      key(
          "smtp.bind-address",
          "127.0.0.1",
          "Address the SMTP listener binds; loopback by default so nothing outside can reach it.",
          s -> s);

  /** SMTP port. */
  public static final ConfigKey<Integer> SMTP_PORT =
      key(
          "smtp.port",
          "2525",
          "SMTP port applications submit to; 0 picks a free port, off disables.",
          Parsers::port);

  /** Max message size. */
  public static final ConfigKey<ByteSize> MAX_SIZE =
      key(
          "max-message-size",
          "40MB",
          "Largest message accepted over SMTP (advertised with SIZE) and HTTP; SES takes up to 40MB.",
          ByteSize::parse);

  /** Max recipients. */
  public static final ConfigKey<Integer> MAX_RCPT =
      key(
          "max-recipients",
          "100",
          "Recipients per message; more are answered 452 4.5.3. Messages over SES's 50 are split when sent.",
          Parsers::positiveInt);

  /** Max connections. */
  public static final ConfigKey<Integer> MAX_CONN =
      key(
          "smtp.max-connections",
          "2000",
          "SMTP sessions open at once; more are answered 421 4.7.0 and closed.",
          Parsers::positiveInt);

  /** Max connections per client. */
  public static final ConfigKey<Integer> MAX_CONN_CLIENT =
      key(
          "smtp.max-connections-per-client",
          "500",
          "SMTP sessions open at once from one client address; more are answered 421 4.7.0.",
          Parsers::positiveInt);

  /** Exceptions to the per-client limit. */
  public static final ConfigKey<String> LIMIT_EXCEPTIONS =
      key(
          "smtp.client-limit-exceptions",
          RELAY_NETWORKS,
          "Clients (CIDR) the per-client connection limit does not apply to (they count toward the"
              + " total only): every local application shares 127.0.0.1. relay-networks means"
              + " access.relay-networks (like Postfix's $mynetworks); empty: none."
              + " Reloadable (sluice reload).",
          RelayConfig::limitExceptions);

  /** Stress threshold. */
  public static final ConfigKey<Double> STRESS_THRESHOLD =
      key(
          "smtp.stress-threshold",
          "80%",
          "Share of smtp.max-connections open at which the SMTP door is under stress and idle"
              + " sessions get smtp.stress-command-timeout; e.g. 80% or 0.8.",
          RelayConfig::share);

  /** Stress command timeout. */
  public static final ConfigKey<Duration> STRESS_TIMEOUT =
      key(
          "smtp.stress-command-timeout",
          "10s",
          "Under stress, how long a session may wait for the next command before it is answered"
              + " 421 4.4.2 and closed (reaps connections a client leaked).",
          Durations::parse);

  /** Command timeout. */
  public static final ConfigKey<Duration> CMD_TIMEOUT =
      key(
          "smtp.command-timeout",
          "5m",
          "How long a session may wait for the next command (RFC 5321: 5 minutes).",
          Durations::parse);

  /** Data timeout. */
  public static final ConfigKey<Duration> DATA_TIMEOUT =
      key(
          "smtp.data-timeout",
          "3m",
          "How long a session may wait for each block of message data (RFC 5321: 3 minutes).",
          Durations::parse);

  /** TLS certificate. */
  public static final ConfigKey<Path> TLS_CERT =
      key(
          "tls.certificate",
          "",
          "PEM certificate chain for STARTTLS (and HTTPS); empty offers no TLS, so only loopback clients may log in."
              + " Reloadable while TLS stays on (sluice reload reads it again).",
          RelayConfig::path);

  /** TLS key. */
  public static final ConfigKey<Path> TLS_KEY =
      key(
          "tls.key",
          "",
          "PEM private key (unencrypted PKCS#8) for tls.certificate. Reloadable (sluice reload).",
          RelayConfig::path);

  /** HTTP bind address. */
  public static final ConfigKey<String> HTTP_BIND =
      key(
          "http.bind-address",
          "127.0.0.1",
          "Address the HTTP submit API binds; loopback by default.",
          s -> s);

  /** HTTP port. */
  public static final ConfigKey<Integer> HTTP_PORT =
      key(
          "http.port",
          "8587",
          "Port of the HTTP submit API (POST /v1/messages); 0 picks a free port, off disables.",
          Parsers::port);

  /** HTTPS. */
  public static final ConfigKey<Boolean> HTTP_TLS =
      key(
          "http.tls",
          "false",
          "Serve the HTTP submit API over HTTPS with tls.certificate; needed for Basic logins from other machines.",
          Parsers::bool);

  /** HTTP batch. */
  public static final ConfigKey<Integer> MAX_BATCH =
      key(
          "http.max-batch",
          "500",
          "Most messages in one POST /v1/messages/batch call.",
          Parsers::positiveInt);

  /** Relay networks. */
  public static final ConfigKey<Networks> NETWORKS =
      key(
          "access.relay-networks",
          "127.0.0.0/8, ::1/128",
          "Client networks (CIDR) that may send without logging in; empty: only logged-in users. Reloadable (sluice reload).",
          Networks::parse);

  /** Users file. */
  public static final ConfigKey<Path> USERS =
      key(
          "access.users-file",
          "",
          "File of name:hash lines (made by 'sluice passwd') for SMTP AUTH and HTTP Basic; empty: no logins."
              + " Reloadable (sluice reload reads it again).",
          RelayConfig::path);

  /** Spool directory. */
  public static final ConfigKey<Path> SPOOL_DIR =
      key(
          "spool.dir",
          "sluice-data/spool",
          "Directory of the durable spool; created if missing.",
          s -> Path.of(s.isBlank() ? "sluice-data/spool" : s));

  /** Buckets. */
  public static final ConfigKey<Integer> BUCKETS =
      key(
          "spool.buckets",
          "16",
          "Buckets the spool shards messages into; fixed when the spool is created.",
          Parsers::positiveInt);

  /** High water. */
  public static final ConfigKey<Long> HIGH_WATER =
      key(
          "spool.high-water",
          "1000000",
          "Messages the spool may hold before new mail is refused with 452 4.3.1 (HTTP 503)."
              + " Reloadable (sluice reload).",
          RelayConfig::positiveLong);

  /** Disk floor. */
  public static final ConfigKey<ByteSize> MIN_FREE =
      key(
          "spool.min-free-disk",
          "512MB",
          "Free space kept on the spool's disk; below it new mail is refused with 452 4.3.1 (HTTP 503)."
              + " Reloadable (sluice reload).",
          ByteSize::parse);

  /** Hold. */
  public static final ConfigKey<Boolean> HOLD =
      key(
          "hold",
          "false",
          "Keep accepted mail in the spool without delivering it (like Postfix's hold queue).",
          Parsers::bool);

  /** Upstream. */
  public static final ConfigKey<String> UPSTREAM =
      key(
          "upstream",
          "auto",
          "Where mail goes: auto (Amazon SES when AWS credentials and a region are configured, else the"
              + " embedded simulator), simulator, or a URL as sluice bench takes (ses-v2://REGION,"
              + " ses-v2+https://HOST:PORT, ses-v1+..., ses-smtp://USER:PASS@HOST:PORT, smtp://HOST:PORT).",
          RelayConfig::upstream);

  /** Region. */
  public static final ConfigKey<String> REGION =
      key(
          "region",
          "",
          "AWS region of the SES account; empty takes AWS_REGION or AWS_DEFAULT_REGION.",
          s -> s);

  /** The HTTP client under the SES API calls. */
  public static final ConfigKey<HttpClientKind> HTTP_CLIENT =
      key(
          "http-client",
          "apache5",
          "The HTTP client under the SES API calls of every route: apache5 (Apache HttpClient 5 on"
              + " the JDK's TLS) or crt (the AWS Common Runtime client: HTTP and TLS in native"
              + " code; trusts the system's CA bundle, or javax.net.ssl.trustStore when set).",
          HttpClientKind::parse);

  /** Rate override. */
  public static final ConfigKey<SendRate> SEND_RATE =
      key(
          "max-send-rate",
          "account",
          "Recipients per second to send at: account follows the live MaxSendRate (GetAccount), or e.g."
              + " 200/s, or unlimited. Reloadable (sluice reload).",
          SendRate::parse);

  /** In flight. */
  public static final ConfigKey<Integer> IN_FLIGHT =
      key(
          "max-in-flight",
          "64",
          "Upstream calls in flight at most; as many keep-alive connections are pooled, and 4 times"
              + " as many messages are taken from the spool at once.",
          Parsers::positiveInt);

  /** Embedded simulator port. */
  public static final ConfigKey<Integer> SIM_PORT =
      key(
          "simulator.http-port",
          "0",
          "HTTP port of the embedded simulator (upstream auto without AWS, or simulator); 0 picks a free one.",
          RelayConfig::simulatorPort);

  /** Embedded simulator rate. */
  public static final ConfigKey<Optional<dev.sluice.core.Rate>> SIM_RATE =
      key(
          "simulator.max-send-rate",
          "14/s",
          "MaxSendRate of the embedded simulator, e.g. 14/s, 500/s or unlimited.",
          s ->
              s.equalsIgnoreCase("unlimited")
                  ? Optional.empty()
                  : Optional.of(dev.sluice.core.Rate.parse(s)));

  /** Retry schedule. */
  public static final ConfigKey<List<Duration>> RETRY =
      key(
          "retry.delays",
          "1m,2m,5m,10m,20m,30m,1h",
          "Waits between tries of a deferred message (the last repeats), each with full jitter;"
              + " throttles do not count as tries. Reloadable (sluice reload).",
          RelayConfig::retryDelays);

  /** Expiry. */
  public static final ConfigKey<Duration> EXPIRY =
      key(
          "expiry",
          "1d",
          "How long after it was received a message that keeps being deferred fails (Postfix's bounce age)."
              + " Reloadable (sluice reload).",
          RelayConfig::positiveDuration);

  /** Events log. */
  public static final ConfigKey<Path> EVENTS_LOG =
      key(
          "events.log",
          "",
          "File to append one JSON line per event: delivered, deferred, failed or expired messages,"
              + " SES's events per recipient and suppressions (README, Events out); empty: none.",
          RelayConfig::path);

  /** Events webhook. */
  public static final ConfigKey<java.net.URI> EVENTS_WEBHOOK =
      key(
          "events.webhook",
          "",
          "URL that receives the same events as the events log as JSON POSTs (batched, retried);"
              + " empty: none.",
          Parsers::uri);

  /** Bounces. */
  public static final ConfigKey<Boolean> BOUNCES =
      key(
          "bounces",
          "false",
          "Send an RFC 3464 delivery status notification to the envelope sender of a failed message.",
          Parsers::bool);

  /** Stop grace. */
  public static final ConfigKey<Duration> STOP_GRACE =
      key(
          "stop-grace",
          "20s",
          "On SIGTERM, how long open sessions may take to be answered and calls in flight to finish;"
              + " unfinished calls are delivered after restart.",
          Durations::parse);

  /** Default configuration set. */
  public static final ConfigKey<String> CONFIGURATION_SET =
      key(
          "configuration-set",
          "",
          "Configuration set for messages that name none in X-SES-CONFIGURATION-SET (or the HTTP"
              + " API's configurationSet); empty for none.",
          RelayConfig::configurationSet);

  /** Identity headers. */
  public static final ConfigKey<Boolean> ALLOW_IDENTITY_HEADERS =
      key(
          "allow-identity-headers",
          "false",
          "Take messages with X-SES-SOURCE-ARN, X-SES-FROM-ARN or X-SES-RETURN-PATH-ARN, which let the"
              + " submitter choose the sending identity; refused at the doors otherwise.",
          Parsers::bool);

  /** Configuration set list refresh. */
  public static final ConfigKey<Optional<Duration>> CONFIGURATION_SETS_REFRESH =
      key(
          "configuration-sets-refresh",
          "5m",
          "How often the account's configuration sets are read again (ListConfigurationSets), so the"
              + " doors refuse a message naming a set the account does not have; off: not checked.",
          RelayConfig::refresh);

  /** Log format. */
  public static final ConfigKey<dev.sluice.app.log.LogFormat> LOG_FORMAT =
      key(
          "log-format",
          "text",
          "Log lines on standard error: text, or json (one object per line: time, level, logger,"
              + " thread, message, exception) for log shippers.",
          dev.sluice.app.log.LogFormat::parse);

  /** Log levels. */
  public static final ConfigKey<String> LOG_LEVELS =
      key(
          "log-levels",
          "",
          "Log levels: one for everything and LOGGER=LEVEL by name prefix, e.g. 'info,"
              + " dev.sluice.delivery=debug' (trace, debug, info, warn, error, off); empty: info,"
              + " with dev.sluice.smtp, io.netty and org.apache.kafka at warn. Reloadable (sluice"
              + " reload).",
          dev.sluice.app.log.LogLevels::parse);

  /** Every key, in documentation order. */
  public static final ConfigSchema SCHEMA = schema();

  private static ConfigSchema schema() {
    List<ConfigKey<?>> keys =
        new java.util.ArrayList<>(
            List.of(
                HOSTNAME,
                SMTP_BIND,
                SMTP_PORT,
                MAX_SIZE,
                MAX_RCPT,
                MAX_CONN,
                MAX_CONN_CLIENT,
                LIMIT_EXCEPTIONS,
                CMD_TIMEOUT,
                DATA_TIMEOUT,
                STRESS_THRESHOLD,
                STRESS_TIMEOUT,
                TLS_CERT,
                TLS_KEY,
                HTTP_BIND,
                HTTP_PORT,
                HTTP_TLS,
                MAX_BATCH,
                NETWORKS,
                USERS,
                SPOOL_DIR,
                BUCKETS,
                HIGH_WATER,
                MIN_FREE,
                HOLD,
                UPSTREAM,
                REGION,
                HTTP_CLIENT,
                SEND_RATE,
                IN_FLIGHT,
                SIM_PORT,
                SIM_RATE,
                RETRY,
                EXPIRY,
                EVENTS_LOG,
                EVENTS_WEBHOOK,
                BOUNCES,
                STOP_GRACE,
                CONFIGURATION_SET,
                ALLOW_IDENTITY_HEADERS,
                CONFIGURATION_SETS_REFRESH,
                LOG_FORMAT,
                LOG_LEVELS));
    keys.addAll(dev.sluice.app.admin.AdminSettings.KEYS);
    keys.addAll(KafkaSettings.KEYS);
    keys.addAll(SesEventsSettings.KEYS);
    keys.addAll(FeedbackConfig.KEYS);
    keys.addAll(TrafficSettings.KEYS);
    return ConfigSchema.of(keys)
        .withSection(RoutesConfig.ROUTE_PREFIX, RoutesConfig.ROUTE_DOC)
        .withSection(RoutesConfig.RULE_PREFIX, RoutesConfig.RULE_DOC);
  }

  /** Builds the config from resolved settings. */
  public static RelayConfig from(Settings s) {
    SmtpLimits limits;
    try {
      limits =
          SmtpLimits.defaults()
              .withConnections(s.get(MAX_CONN), s.get(MAX_CONN_CLIENT))
              .withTimeouts(s.get(CMD_TIMEOUT), s.get(DATA_TIMEOUT))
              .withStress(s.get(STRESS_THRESHOLD), s.get(STRESS_TIMEOUT))
              .withMaxMessageSize(s.get(MAX_SIZE).bytes())
              .withMaxRecipients(s.get(MAX_RCPT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("SMTP limits: " + e.getMessage());
    }
    String host = s.get(HOSTNAME).isBlank() ? machineName() : s.get(HOSTNAME);
    if (s.get(BOUNCES)
        && dev.sluice.core.address.SesAddressGrammar.check("MAILER-DAEMON@" + host)
            instanceof dev.sluice.core.address.AddressCheck.Invalid bad) {
      throw new ConfigException(
          BOUNCES.name()
              + ": bounces are sent from MAILER-DAEMON@"
              + host
              + ", which SES would refuse ("
              + bad.message()
              + "); set "
              + HOSTNAME.name()
              + " (--hostname) to a domain name, one SES can send from");
    }
    String exceptions = s.get(LIMIT_EXCEPTIONS);
    if ((s.get(TLS_CERT) == null) != (s.get(TLS_KEY) == null)) {
      throw new ConfigException(
          TLS_CERT.name() + " and " + TLS_KEY.name() + " must be given together (PEM files)");
    }
    Doors doors =
        new Doors(
            new Smtp(
                s.get(SMTP_BIND),
                port(s.get(SMTP_PORT)),
                limits,
                exceptions.equals(RELAY_NETWORKS) ? s.get(NETWORKS) : Networks.parse(exceptions)),
            new Http(s.get(HTTP_BIND), port(s.get(HTTP_PORT)), s.get(HTTP_TLS), s.get(MAX_BATCH)),
            s.get(TLS_CERT) == null
                ? Optional.empty()
                : Optional.of(new Tls(s.get(TLS_CERT), s.get(TLS_KEY))),
            s.get(NETWORKS),
            Optional.ofNullable(s.get(USERS)),
            s.get(ALLOW_IDENTITY_HEADERS));
    return new RelayConfig(
        host,
        doors,
        new Spool(
            s.get(SPOOL_DIR),
            s.get(BUCKETS),
            s.get(HIGH_WATER),
            s.get(MIN_FREE),
            s.get(HOLD),
            KafkaSettings.from(s)),
        new Delivery(
            s.get(UPSTREAM),
            s.get(REGION).isBlank() ? Optional.empty() : Optional.of(s.get(REGION)),
            s.get(SEND_RATE),
            s.get(HTTP_CLIENT),
            DeliveryLimits.forCallsInFlight(s.get(IN_FLIGHT)),
            RetryPolicy.builder()
                .delays(s.get(RETRY).toArray(Duration[]::new))
                .expiry(s.get(EXPIRY))
                .build(),
            s.get(STOP_GRACE),
            s.get(CONFIGURATION_SET).isEmpty()
                ? Optional.empty()
                : Optional.of(s.get(CONFIGURATION_SET)),
            s.get(CONFIGURATION_SETS_REFRESH),
            RoutesConfig.parse(
                s.section(RoutesConfig.ROUTE_PREFIX), s.section(RoutesConfig.RULE_PREFIX)),
            TrafficSettings.from(s)),
        new Events(
            Optional.ofNullable(s.get(EVENTS_LOG)),
            Optional.ofNullable(s.get(EVENTS_WEBHOOK)),
            s.get(BOUNCES)),
        new EmbeddedSimulator(s.get(SIM_PORT), s.get(SIM_RATE)),
        adminSettings(s),
        SesEventsSettings.from(s),
        FeedbackConfig.from(s));
  }

  /**
   * The defaults with both listeners on free ports and the spool in {@code spoolDir}, changed by
   * {@code "key=value"} settings whose keys may leave out the {@code relay.} prefix; for tests and
   * embedding.
   */
  public static RelayConfig onFreePorts(Path spoolDir, String... settings) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(SMTP_PORT.name(), "0");
    flags.put(HTTP_PORT.name(), "0");
    flags.put(dev.sluice.app.admin.AdminSettings.PORT.name(), "0");
    flags.put(SPOOL_DIR.name(), spoolDir.toString());
    flags.put(HOSTNAME.name(), "relay.test");
    for (String kv : settings) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got '" + kv + "'");
      }
      String key = kv.substring(0, eq).strip();
      flags.put(key.startsWith(PREFIX) ? key : PREFIX + key, kv.substring(eq + 1).strip());
    }
    return from(ConfigLoader.resolve(SCHEMA, Map.of(), "-", Map.of(), null, flags));
  }

  private static <T> ConfigKey<T> key(
      String name, String def, String doc, java.util.function.Function<String, T> parser) {
    return new ConfigKey<>(PREFIX + name, def, doc, parser);
  }

  private static dev.sluice.app.admin.AdminSettings adminSettings(Settings s) {
    try {
      return dev.sluice.app.admin.AdminSettings.from(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("relay.admin: " + e.getMessage());
    }
  }

  static String upstream(String s) {
    if (s.equals(Upstream.AUTO) || s.equals(Upstream.SIMULATOR)) {
      return s;
    }
    dev.sluice.ses.UpstreamUrl.parse(s, "us-east-1"); // throws saying what is wrong
    return s;
  }

  private static String configurationSet(String s) {
    String v = s.strip();
    String problem = v.isEmpty() ? null : dev.sluice.core.ses.ConfigurationSetNames.problem(v);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return v;
  }

  private static Optional<Duration> refresh(String s) {
    if (s.strip().equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    Duration d = Durations.parse(s);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("expected a duration such as 5m, or off, got '" + s + "'");
    }
    return Optional.of(d);
  }

  /**
   * The embedded simulator's port: it is the relay's upstream when it runs, so it cannot be off
   * (which {@link Parsers#port} would take).
   */
  private static int simulatorPort(String s) {
    int p = Parsers.port(s);
    if (p < 0) {
      throw new IllegalArgumentException(
          "expected a port 0..65535 (0 picks a free one; the embedded simulator cannot be off), got '"
              + s
              + "'");
    }
    return p;
  }

  /** A retry schedule whose every delay is above zero, as the retry policy needs. */
  static List<Duration> retryDelays(String s) {
    List<Duration> delays = RetryPolicy.parseDelays(s);
    if (delays.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
      throw new IllegalArgumentException(
          "expected retry delays above zero such as "
              + RetryPolicy.DEFAULT_DELAYS
              + ", got '"
              + s
              + "'");
    }
    return delays;
  }

  private static Duration positiveDuration(String s) {
    Duration d = Durations.parse(s);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "expected a duration above zero such as 30s, 5m or 1d, got '" + s + "'");
    }
    return d;
  }

  private static String limitExceptions(String s) {
    String v = s.strip();
    if (!v.equals(RELAY_NETWORKS)) {
      Networks.parse(v); // throws naming the entry that is not a network
    }
    return v;
  }

  /** A share such as {@code 80%} or {@code 0.8}: above 0, at most 1. */
  private static double share(String s) {
    String v = s.strip();
    double d;
    try {
      d =
          v.endsWith("%")
              ? Double.parseDouble(v.substring(0, v.length() - 1).strip()) / 100
              : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d > 0 && d <= 1)) {
      throw new IllegalArgumentException(
          "expected a share above 0 and at most 100%, such as 80% or 0.8, got '" + s + "'");
    }
    return d;
  }

  /** A parsed port: -1 (off) becomes empty. */
  private static OptionalInt port(int parsed) {
    return parsed < 0 ? OptionalInt.empty() : OptionalInt.of(parsed);
  }

  private static Path path(String s) {
    return s.isBlank() ? null : Path.of(s);
  }

  private static long positiveLong(String s) {
    try {
      long n = Long.parseLong(s);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number >= 1, got '" + s + "'", e);
    }
  }

  private static String machineName() {
    try {
      String n = InetAddress.getLocalHost().getHostName();
      return n.chars().allMatch(c -> c > ' ' && c < 0x7f) ? n : "localhost";
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
