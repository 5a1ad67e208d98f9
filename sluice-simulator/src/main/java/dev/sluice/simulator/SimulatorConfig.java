package dev.sluice.simulator;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Durations;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.ConfigSchema;
import dev.sluice.core.config.Parsers;
import dev.sluice.core.config.Settings;
import dev.sluice.simulator.sns.SnsSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Everything the simulator can be told, as one immutable tree of typed values: where it listens,
 * the account it plays, the chaos it injects, where its notifications go and what inspection keeps.
 * {@link #SCHEMA} lists every key with its default and documentation; the CLI turns each key into a
 * flag of the same name. No value stands for another: a listener that is off is an empty port, an
 * unlimited quota an empty limit, a missing webhook an empty URI.
 *
 * @param listeners the addresses and ports it listens on
 * @param account the simulated SES account: region, id, quotas, sandbox, identities, sets, keys
 * @param chaos latency and faults per interface
 * @param notifications the identity-notification webhook and the delay of feedback
 * @param inspection what the inbox keeps for inspection
 * @param sns the SNS subscriptions, signing and delivery policy
 */
public record SimulatorConfig(
    Listeners listeners,
    Account account,
    Chaos chaos,
    Notifications notifications,
    Inspection inspection,
    SnsSettings sns) {

  /** Sandbox limits from the SES documentation. */
  public static final double SANDBOX_RATE = 1;

  /** Sandbox daily quota from the SES documentation. */
  public static final double SANDBOX_DAILY = 200;

  /** Checks for nulls. */
  public SimulatorConfig {
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(chaos, "chaos");
    Objects.requireNonNull(notifications, "notifications");
    Objects.requireNonNull(inspection, "inspection");
    Objects.requireNonNull(sns, "sns");
  }

  /**
   * Where the simulator listens.
   *
   * @param bindAddress the address every listener binds (loopback by default)
   * @param http the plain HTTP API's port (0 picks a free one), empty when it is off
   * @param https the HTTPS API's port (0 picks a free one), empty when it is off
   * @param smtp the SMTP endpoint's port (0 picks a free one), empty when it is off
   * @param maxRequestSize the largest HTTP request body read
   * @param exportCertificate where to write the HTTPS certificate as PEM, if anywhere
   */
  public record Listeners(
      String bindAddress,
      OptionalInt http,
      OptionalInt https,
      OptionalInt smtp,
      ByteSize maxRequestSize,
      Optional<Path> exportCertificate) {
    /** Checks for nulls. */
    public Listeners {
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(http, "http");
      Objects.requireNonNull(https, "https");
      Objects.requireNonNull(smtp, "smtp");
      Objects.requireNonNull(maxRequestSize, "maxRequestSize");
      Objects.requireNonNull(exportCertificate, "exportCertificate");
    }
  }

  /**
   * The simulated SES account.
   *
   * @param region the region it lives in
   * @param accountId its AWS account id
   * @param maxSendRate recipients per second, empty for unlimited
   * @param max24HourSend recipients per rolling 24 hours, empty for unlimited
   * @param burst how many seconds of rate the bucket holds
   * @param sandbox whether it is in the SES sandbox
   * @param sendingEnabled whether it may send at all
   * @param verifiedIdentities addresses and domains that count as verified
   * @param verifyIdentities whether identities created through the API are verified at once
   * @param configurationSets the configuration sets that exist; {@code *} for any
   * @param defaultConfigurationSet the set a send uses when neither it nor its identity names one
   * @param suppressSimulatorFeedback whether the mailbox simulator's hard bounces and complaints
   *     add its addresses to the account's suppression list (SES's do not)
   * @param strictAuth access key id to secret; when not empty, signatures are verified
   * @param stsRoles the roles STS's AssumeRole may assume, each with the external id it requires
   *     (empty for none); empty: any role
   */
  public record Account(
      String region,
      String accountId,
      OptionalDouble maxSendRate,
      OptionalDouble max24HourSend,
      Duration burst,
      boolean sandbox,
      boolean sendingEnabled,
      List<String> verifiedIdentities,
      boolean verifyIdentities,
      List<String> configurationSets,
      Optional<String> defaultConfigurationSet,
      boolean suppressSimulatorFeedback,
      Map<String, String> strictAuth,
      Map<String, String> stsRoles) {
    /** Copies collections and checks for nulls. */
    public Account {
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(accountId, "accountId");
      Objects.requireNonNull(maxSendRate, "maxSendRate");
      Objects.requireNonNull(max24HourSend, "max24HourSend");
      Objects.requireNonNull(burst, "burst");
      verifiedIdentities = List.copyOf(verifiedIdentities);
      configurationSets = List.copyOf(configurationSets);
      Objects.requireNonNull(defaultConfigurationSet, "defaultConfigurationSet");
      strictAuth = Map.copyOf(strictAuth);
      stsRoles = Map.copyOf(stsRoles);
    }

    /** Never prints secrets. */
    @Override
    public String toString() {
      return "Account["
          + region
          + ", "
          + accountId
          + ", rate "
          + maxSendRate
          + ", daily "
          + max24HourSend
          + (sandbox ? ", sandbox" : "")
          + ", keys "
          + strictAuth.keySet()
          + (stsRoles.isEmpty() ? "" : ", roles " + stsRoles.keySet())
          + "]";
    }
  }

  /**
   * What the simulator does to requests besides answering them.
   *
   * @param latency response latency per interface
   * @param faults fault probabilities per interface
   * @param hangLimit how long a hung request holds its connection before it is closed
   * @param seed the seed for latency and fault draws
   */
  public record Chaos(
      Map<SesInterface, LatencySpec> latency,
      Map<SesInterface, FaultSpec> faults,
      Duration hangLimit,
      long seed) {
    /** Copies the maps and checks for nulls. */
    public Chaos {
      latency = Map.copyOf(latency);
      faults = Map.copyOf(faults);
      Objects.requireNonNull(hangLimit, "hangLimit");
    }
  }

  /**
   * Where identity notifications go, and when feedback is published.
   *
   * @param webhook a URL subscribed to the account's feedback topic, if any
   * @param delay how long after a send its notifications and events are published
   */
  public record Notifications(Optional<URI> webhook, Duration delay) {
    /** Checks for nulls. */
    public Notifications {
      Objects.requireNonNull(webhook, "webhook");
      Objects.requireNonNull(delay, "delay");
    }
  }

  /**
   * What the inbox keeps for inspection.
   *
   * @param size how many recent messages it keeps
   * @param bytes how many bytes of recent message content it keeps
   */
  public record Inspection(int size, ByteSize bytes) {
    /** Checks the values. */
    public Inspection {
      if (size <= 0) {
        throw new IllegalArgumentException("the inbox must keep at least one message");
      }
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  // ---- keys -------------------------------------------------------------------------------------

  static final String INHERIT = "inherit";

  /** Binding address of all listeners. */
  public static final ConfigKey<String> BIND =
      key(
          "bind-address",
          "127.0.0.1",
          "Address all listeners bind; loopback by default so nothing is reachable from outside.",
          s -> s);

  /** HTTP port. */
  public static final ConfigKey<Integer> HTTP_PORT =
      key(
          "http-port",
          "8480",
          "Port of the plain HTTP API (v2 REST, v1 Query, inspection, /metrics); 0 picks a free port, off disables.",
          Parsers::port);

  /** HTTPS port. */
  public static final ConfigKey<Integer> HTTPS_PORT =
      key(
          "https-port",
          "8443",
          "Port of the HTTPS API, with a self-signed certificate made at start; 0 picks a free port, off disables.",
          Parsers::port);

  /** SMTP port. */
  public static final ConfigKey<Integer> SMTP_PORT =
      key(
          "smtp-port",
          "2587",
          "Port of the SES SMTP endpoint (STARTTLS, AUTH PLAIN/LOGIN); 0 picks a free port, off disables.",
          Parsers::port);

  /** Region. */
  public static final ConfigKey<String> REGION =
      key(
          "region",
          "us-east-1",
          "Region of the simulated account; used in message ids, errors and SMTP passwords.",
          SimulatorConfig::region);

  /** Account id. */
  public static final ConfigKey<String> ACCOUNT =
      key(
          "account-id",
          "123456789012",
          "Simulated AWS account id, used in notification ARNs.",
          SimulatorConfig::accountId);

  /** Max send rate. */
  public static final ConfigKey<Double> RATE =
      key(
          "max-send-rate",
          "14/s",
          "MaxSendRate: recipients per second, e.g. 14/s or 500/s; unlimited turns throttling off.",
          SimulatorConfig::rate);

  /** Daily quota. */
  public static final ConfigKey<Double> DAILY =
      key(
          "max-24h-send",
          "50000",
          "Max24HourSend: recipients per rolling 24 hours; unlimited turns the quota off.",
          Parsers::count);

  /** Burst. */
  public static final ConfigKey<Duration> BURST =
      key(
          "burst",
          "1s",
          "How much rate the account may burst: the token bucket holds this many seconds of MaxSendRate.",
          Durations::parse);

  /** Sandbox. */
  public static final ConfigKey<Boolean> SANDBOX =
      key(
          "sandbox",
          "false",
          "Sandbox account: 1/s and 200 per day unless set, and only verified or simulator recipients.",
          Parsers::bool);

  /** Verified identities. */
  public static final ConfigKey<List<String>> VERIFIED =
      key(
          "verified-identities",
          "",
          "Comma-separated addresses and domains verified in the sandbox (any sender is verified outside it).",
          Parsers::list);

  /** Configuration sets. */
  public static final ConfigKey<List<String>> CONFIG_SETS =
      key(
          "configuration-sets",
          "*",
          "Comma-separated configuration sets that exist; * accepts any name, empty accepts none.",
          Parsers::list);

  /** Default configuration set. */
  public static final ConfigKey<String> DEFAULT_SET =
      key(
          "default-configuration-set",
          "",
          "Configuration set a send uses when neither it nor its identity names one; empty: none.",
          s -> s.strip());

  /** Verify identities. */
  public static final ConfigKey<Boolean> VERIFY_IDENTITIES =
      key(
          "verify-identities",
          "true",
          "Identities created through the API are verified at once; false leaves them pending until"
              + " POST /_sluice/identities/NAME/verify.",
          Parsers::bool);

  /** Suppress simulator feedback. */
  public static final ConfigKey<Boolean> SUPPRESS_SIMULATOR =
      key(
          "suppress-simulator-feedback",
          "false",
          "Let the mailbox simulator's hard bounces and complaints add its addresses to the account's"
              + " suppression list (SES does not).",
          Parsers::bool);

  /** Sending enabled. */
  public static final ConfigKey<Boolean> SENDING =
      key(
          "sending-enabled",
          "true",
          "Whether the account may send; false answers every send with the paused error.",
          Parsers::bool);

  /** Latency for all interfaces. */
  public static final ConfigKey<LatencySpec> LATENCY =
      key(
          "latency",
          "0ms",
          "Response latency of every interface: 50ms, uniform:20ms..80ms or lognormal:p50=40ms,p99=200ms.",
          LatencySpec::parse);

  /** Fault rate for all interfaces. */
  public static final ConfigKey<Double> FAULT_RATE =
      key(
          "fault-rate",
          "0",
          "Probability that a send is answered with a server error, split evenly between 500 and 503 (SMTP 451/454).",
          FaultSpec::parseProbability);

  /** Reset rate. */
  public static final ConfigKey<Double> RESET_RATE =
      key(
          "reset-rate",
          "0",
          "Probability that a request gets its connection reset instead of an answer.",
          FaultSpec::parseProbability);

  /** Hang rate. */
  public static final ConfigKey<Double> HANG_RATE =
      key(
          "hang-rate",
          "0",
          "Probability that a request is never answered (until the client gives up or hang-limit passes).",
          FaultSpec::parseProbability);

  /** Hang limit. */
  public static final ConfigKey<Duration> HANG_LIMIT =
      key(
          "hang-limit",
          "5m",
          "How long a hung request holds its connection before the simulator closes it.",
          Durations::parse);

  /** Webhook. */
  public static final ConfigKey<URI> WEBHOOK =
      key(
          "webhook",
          "",
          "URL that receives Bounce/Complaint/Delivery notifications as an SNS HTTP subscription would; empty: none.",
          Parsers::uri);

  /** Notification delay. */
  public static final ConfigKey<Duration> NOTIFY_DELAY =
      key(
          "notification-delay",
          "500ms",
          "How long after a send its notifications are posted.",
          Durations::parse);

  /** Strict auth. */
  public static final ConfigKey<Map<String, String>> STRICT =
      new ConfigKey<>(
          "simulator.strict-auth",
          "",
          "KEY:SECRET[,KEY:SECRET]: verify SigV4 signatures and SMTP passwords against these credentials.",
          SimulatorConfig::credentials,
          true);

  /** Roles STS may assume. */
  public static final ConfigKey<Map<String, String>> STS_ROLES =
      key(
          "sts-roles",
          "",
          "ROLE_ARN[=EXTERNAL_ID][,...]: the roles the STS endpoint's AssumeRole may assume, each"
              + " with the external id it requires, if any; others get AccessDenied. Empty: any"
              + " role ARN.",
          SimulatorConfig::roles);

  /** Body size limit. */
  public static final ConfigKey<ByteSize> MAX_REQUEST =
      key(
          "max-request-size",
          "56MB",
          "Largest HTTP request body accepted (a 40MB message is about 54MB in base64), and the only"
              + " bound on a JSON string or form value in it; larger gets 413.",
          ByteSize::parse);

  /** Inbox size. */
  public static final ConfigKey<Integer> INBOX_SIZE =
      key(
          "inbox-size",
          "1000",
          "How many recent messages the inspection endpoint keeps (a bounded ring).",
          Parsers::positiveInt);

  /** Inbox bytes. */
  public static final ConfigKey<ByteSize> INBOX_BYTES =
      key(
          "inbox-bytes",
          "64MB",
          "Most message content kept for inspection; older content is dropped first.",
          ByteSize::parse);

  /** Certificate export. */
  public static final ConfigKey<Path> EXPORT_CERT =
      key(
          "export-cert",
          "",
          "Write the HTTPS/STARTTLS certificate to this file as PEM, so clients can trust it.",
          s -> s.isBlank() ? null : Path.of(s));

  /** Random seed. */
  public static final ConfigKey<Long> SEED =
      key("seed", "0", "Seed for latency and fault draws; 0 picks one at random.", Long::parseLong);

  /** Per-interface latency overrides, in {@link SesInterface} order. */
  public static final Map<SesInterface, ConfigKey<String>> LATENCY_BY_IFACE =
      perInterface(
          "latency",
          "Response latency of the %s interface; inherit uses latency.",
          LatencySpec::parse);

  /** Per-interface fault-rate overrides. */
  public static final Map<SesInterface, ConfigKey<String>> FAULT_BY_IFACE =
      perInterface(
          "fault-rate",
          "Server-error probability of the %s interface; inherit uses fault-rate.",
          FaultSpec::parseProbability);

  /** Per-interface reset-rate overrides. */
  public static final Map<SesInterface, ConfigKey<String>> RESET_BY_IFACE =
      perInterface(
          "reset-rate",
          "Connection-reset probability of the %s interface; inherit uses reset-rate.",
          FaultSpec::parseProbability);

  /** Per-interface hang-rate overrides. */
  public static final Map<SesInterface, ConfigKey<String>> HANG_BY_IFACE =
      perInterface(
          "hang-rate",
          "Hang probability of the %s interface; inherit uses hang-rate.",
          FaultSpec::parseProbability);

  /** Every key, in documentation order. */
  public static final ConfigSchema SCHEMA = schema();

  private static ConfigSchema schema() {
    List<ConfigKey<?>> keys =
        new ArrayList<>(
            List.of(
                BIND,
                HTTP_PORT,
                HTTPS_PORT,
                SMTP_PORT,
                REGION,
                ACCOUNT,
                RATE,
                DAILY,
                BURST,
                SANDBOX,
                VERIFIED,
                CONFIG_SETS,
                DEFAULT_SET,
                SUPPRESS_SIMULATOR,
                VERIFY_IDENTITIES,
                SENDING,
                LATENCY,
                FAULT_RATE,
                RESET_RATE,
                HANG_RATE,
                HANG_LIMIT,
                WEBHOOK,
                NOTIFY_DELAY,
                STRICT,
                STS_ROLES,
                MAX_REQUEST,
                INBOX_SIZE,
                INBOX_BYTES,
                EXPORT_CERT,
                SEED));
    keys.addAll(SnsSettings.KEYS);
    for (SesInterface i : SesInterface.values()) {
      keys.add(LATENCY_BY_IFACE.get(i));
      keys.add(FAULT_BY_IFACE.get(i));
      keys.add(RESET_BY_IFACE.get(i));
      keys.add(HANG_BY_IFACE.get(i));
    }
    return ConfigSchema.of(keys);
  }

  /** Builds the config from resolved settings. */
  public static SimulatorConfig from(Settings s) {
    boolean sandbox = s.get(SANDBOX);
    double rate = s.get(RATE);
    double daily = s.get(DAILY);
    if (sandbox && s.entries().get(RATE.name()).origin() == Settings.Origin.DEFAULT) {
      rate = SANDBOX_RATE;
    }
    if (sandbox && s.entries().get(DAILY.name()).origin() == Settings.Origin.DEFAULT) {
      daily = SANDBOX_DAILY;
    }
    Map<SesInterface, LatencySpec> latency = new EnumMap<>(SesInterface.class);
    Map<SesInterface, FaultSpec> faults = new EnumMap<>(SesInterface.class);
    for (SesInterface i : SesInterface.values()) {
      latency.put(i, inherit(s, LATENCY_BY_IFACE.get(i), s.get(LATENCY), LatencySpec::parse));
      double err =
          inherit(s, FAULT_BY_IFACE.get(i), s.get(FAULT_RATE), FaultSpec::parseProbability);
      double reset =
          inherit(s, RESET_BY_IFACE.get(i), s.get(RESET_RATE), FaultSpec::parseProbability);
      double hang = inherit(s, HANG_BY_IFACE.get(i), s.get(HANG_RATE), FaultSpec::parseProbability);
      try {
        faults.put(i, FaultSpec.of(err, reset, hang));
      } catch (IllegalArgumentException e) {
        throw new dev.sluice.core.config.ConfigException(
            "fault settings of the " + i.key() + " interface: " + e.getMessage());
      }
    }
    long seed = s.get(SEED);
    if (seed == 0) {
      seed = System.nanoTime();
    }
    return new SimulatorConfig(
        new Listeners(
            s.get(BIND),
            port(s.get(HTTP_PORT)),
            port(s.get(HTTPS_PORT)),
            port(s.get(SMTP_PORT)),
            s.get(MAX_REQUEST),
            Optional.ofNullable(s.get(EXPORT_CERT))),
        new Account(
            s.get(REGION),
            s.get(ACCOUNT),
            limit(rate),
            limit(daily),
            s.get(BURST),
            sandbox,
            s.get(SENDING),
            s.get(VERIFIED),
            s.get(VERIFY_IDENTITIES),
            s.get(CONFIG_SETS),
            s.get(DEFAULT_SET).isEmpty() ? Optional.empty() : Optional.of(s.get(DEFAULT_SET)),
            s.get(SUPPRESS_SIMULATOR),
            s.get(STRICT),
            s.get(STS_ROLES)),
        new Chaos(latency, faults, s.get(HANG_LIMIT), seed),
        new Notifications(Optional.ofNullable(s.get(WEBHOOK)), s.get(NOTIFY_DELAY)),
        new Inspection(s.get(INBOX_SIZE), s.get(INBOX_BYTES)),
        SnsSettings.from(s));
  }

  /** A parsed port: -1 (off) becomes empty. */
  private static OptionalInt port(int parsed) {
    return parsed < 0 ? OptionalInt.empty() : OptionalInt.of(parsed);
  }

  /** A parsed limit: negative (unlimited) becomes empty. */
  private static OptionalDouble limit(double parsed) {
    return parsed < 0 ? OptionalDouble.empty() : OptionalDouble.of(parsed);
  }

  /**
   * The built-in defaults on free ports (0) with a fixed seed, changed by {@code "key=value"}
   * settings whose keys may leave out the {@code simulator.} prefix; for tests and embedding.
   */
  public static SimulatorConfig onFreePorts(String... settings) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(HTTP_PORT.name(), "0");
    flags.put(HTTPS_PORT.name(), "0");
    flags.put(SMTP_PORT.name(), "0");
    flags.put(SEED.name(), "42");
    for (String kv : settings) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got '" + kv + "'");
      }
      String key = kv.substring(0, eq).strip();
      flags.put(
          key.startsWith("simulator.") ? key : "simulator." + key, kv.substring(eq + 1).strip());
    }
    return from(ConfigLoader.resolve(SCHEMA, Map.of(), "-", Map.of(), null, flags));
  }

  // ---- parsers ----------------------------------------------------------------------------------

  private static <T> ConfigKey<T> key(
      String name, String def, String doc, java.util.function.Function<String, T> parser) {
    return new ConfigKey<>("simulator." + name, def, doc, parser);
  }

  private static Map<SesInterface, ConfigKey<String>> perInterface(
      String name, String docFormat, java.util.function.Function<String, ?> check) {
    Map<SesInterface, ConfigKey<String>> out = new EnumMap<>(SesInterface.class);
    for (SesInterface i : SesInterface.values()) {
      out.put(
          i,
          new ConfigKey<>(
              "simulator." + i.key() + "." + name,
              INHERIT,
              String.format(Locale.ROOT, docFormat, i.key()),
              s -> {
                if (!s.equals(INHERIT)) {
                  check.apply(s);
                }
                return s;
              }));
    }
    return out;
  }

  private static <T> T inherit(
      Settings s, ConfigKey<String> k, T parent, java.util.function.Function<String, T> parser) {
    String v = s.get(k);
    return v.equals(INHERIT) ? parent : parser.apply(v);
  }

  static String region(String s) {
    if (!s.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
      throw new IllegalArgumentException("expected a region such as us-east-1, got '" + s + "'");
    }
    return s;
  }

  static String accountId(String s) {
    if (!s.matches("\\d{12}")) {
      throw new IllegalArgumentException("expected a 12-digit account id, got '" + s + "'");
    }
    return s;
  }

  static double rate(String s) {
    if (s.equalsIgnoreCase("unlimited") || s.equals("-1")) {
      return -1;
    }
    return dev.sluice.core.Rate.parse(s).perSecond();
  }

  static Map<String, String> credentials(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : Parsers.list(s)) {
      int colon = pair.indexOf(':');
      if (colon <= 0 || colon == pair.length() - 1) {
        throw new IllegalArgumentException("expected KEY:SECRET pairs separated by commas");
      }
      out.put(pair.substring(0, colon), pair.substring(colon + 1));
    }
    return out;
  }

  static Map<String, String> roles(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String entry : Parsers.list(s)) {
      int eq = entry.indexOf('=');
      String arn = (eq < 0 ? entry : entry.substring(0, eq)).strip();
      if (!arn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}")) {
        throw new IllegalArgumentException(
            "expected role ARNs such as arn:aws:iam::123456789012:role/sender, each optionally"
                + " =EXTERNAL_ID, separated by commas; got '"
                + arn
                + "'");
      }
      out.put(arn, eq < 0 ? "" : entry.substring(eq + 1).strip());
    }
    return out;
  }

  /** Never prints secrets: keys' secrets, and URLs that may carry credentials, are left out. */
  @Override
  public String toString() {
    return "SimulatorConfig["
        + listeners
        + ", "
        + account
        + ", "
        + chaos
        + ", "
        + inspection
        + ", notifications delayed "
        + notifications.delay()
        + ", "
        + sns.subscriptions().size()
        + " SNS subscriptions]";
  }
}
