package dev.sluice.simulator.sns;

import dev.sluice.core.Durations;
import dev.sluice.core.Rate;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Parsers;
import dev.sluice.core.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How the simulator's SNS behaves: the HTTP(S) subscriptions made at start, the signature version,
 * confirmation, SNS's delivery policy and the bounds on what waits for delivery. Its keys are part
 * of the simulator's schema ({@link #KEYS}).
 *
 * @param subscriptions the endpoints subscribed at start
 * @param signatureVersion 1 (SHA1withRSA) or 2 (SHA256withRSA), for topics that set none
 * @param autoConfirm whether a new subscription is confirmed at once, without a
 *     SubscriptionConfirmation
 * @param retries how many times a failed delivery is tried again
 * @param retryDelay the wait before each retry
 * @param requestTimeout how long one POST waits for the endpoint's answer
 * @param queueLimit messages waiting per subscription before new ones are dropped
 * @param maxInFlight POSTs in flight at once across all subscriptions
 * @param maxRate messages signed per second across all topics; negative for no bound
 * @param exportCertificate where to write the signing certificate as PEM, or null
 */
public record SnsSettings(
    List<Subscription> subscriptions,
    int signatureVersion,
    boolean autoConfirm,
    int retries,
    Duration retryDelay,
    Duration requestTimeout,
    int queueLimit,
    int maxInFlight,
    double maxRate,
    Path exportCertificate) {

  /** A topic ARN as SNS writes it: partition, region, account, name (FIFO names end .fifo). */
  static final Pattern TOPIC_ARN =
      Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?");

  /**
   * One subscription made at start.
   *
   * @param topicArn the topic
   * @param endpoint the HTTP(S) URL that receives the topic's messages
   */
  public record Subscription(String topicArn, URI endpoint) {
    /** Checks both parts. */
    public Subscription {
      topicArn = SnsSettings.topicArn(topicArn);
      Objects.requireNonNull(endpoint, "endpoint");
    }
  }

  /** Copies the list and checks the values. */
  public SnsSettings {
    subscriptions = List.copyOf(subscriptions);
    signatureVersion(Integer.toString(signatureVersion));
    if (retries < 0 || queueLimit < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("retries >= 0, queue limit and in-flight >= 1");
    }
    if (maxRate == 0 || Double.isNaN(maxRate)) {
      throw new IllegalArgumentException("the signing rate is above zero, or negative for none");
    }
    Objects.requireNonNull(retryDelay, "retryDelay");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  /** Subscriptions. */
  public static final ConfigKey<List<Subscription>> SUBSCRIPTIONS =
      key(
          "sns-subscriptions",
          "",
          "Comma-separated TOPIC_ARN=URL pairs: HTTP(S) endpoints subscribed to SNS topics at start"
              + " (flag --sns-subscription TOPIC_ARN=URL, repeatable).",
          SnsSettings::subscriptions);

  /** Signature version. */
  public static final ConfigKey<Integer> SIGNATURE_VERSION =
      key(
          "sns-signature-version",
          "1",
          "SignatureVersion of SNS messages: 1 (SHA1withRSA, SNS's default) or 2 (SHA256withRSA);"
              + " a topic may set its own (PUT /_sluice/sns/topics).",
          SnsSettings::signatureVersion);

  /** Auto-confirmation. */
  public static final ConfigKey<Boolean> AUTO_CONFIRM =
      key(
          "sns-auto-confirm",
          "false",
          "Confirm new SNS subscriptions at once instead of first POSTing a SubscriptionConfirmation"
              + " whose SubscribeURL must be visited.",
          Parsers::bool);

  /** Retries. */
  public static final ConfigKey<Integer> RETRIES =
      key(
          "sns-retries",
          "3",
          "Retries of a failed SNS delivery (SNS's default HTTP/S delivery policy: 3).",
          SnsSettings::retries);

  /** Retry delay. */
  public static final ConfigKey<Duration> RETRY_DELAY =
      key(
          "sns-retry-delay",
          "20s",
          "Wait before each retry of a failed SNS delivery (SNS's default: 20s).",
          Durations::parse);

  /** Request timeout. */
  public static final ConfigKey<Duration> REQUEST_TIMEOUT =
      key(
          "sns-request-timeout",
          "15s",
          "How long one SNS delivery waits to connect and for the endpoint's answer before it"
              + " counts as failed.",
          SnsSettings::positiveDuration);

  /** Queue limit. */
  public static final ConfigKey<Integer> QUEUE_LIMIT =
      key(
          "sns-queue-limit",
          "10000",
          "SNS messages waiting per subscription; beyond it new ones are dropped and counted.",
          Parsers::positiveInt);

  /** Concurrency. */
  public static final ConfigKey<Integer> MAX_IN_FLIGHT =
      key(
          "sns-max-in-flight",
          "32",
          "SNS delivery POSTs in flight at once across all subscriptions; one subscription takes at"
              + " most half of them, and 8.",
          Parsers::positiveInt);

  /** Signing rate. */
  public static final ConfigKey<Double> MAX_RATE =
      key(
          "sns-max-rate",
          "100/s",
          "SNS messages signed per second across all topics: a signature takes about a"
              + " millisecond of CPU and serves every subscription of the message's topic; the"
              + " others wait in their subscription's queue (when it is full, dropped and"
              + " counted); unlimited lifts the bound.",
          SnsSettings::maxRate);

  /** Certificate export. */
  public static final ConfigKey<Path> EXPORT_CERT =
      key(
          "export-sns-cert",
          "",
          "Write the SNS signing certificate to this file as PEM (it is also served at every"
              + " message's SigningCertURL).",
          s -> s.isBlank() ? null : Path.of(s));

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(
          SUBSCRIPTIONS,
          SIGNATURE_VERSION,
          AUTO_CONFIRM,
          RETRIES,
          RETRY_DELAY,
          REQUEST_TIMEOUT,
          QUEUE_LIMIT,
          MAX_IN_FLIGHT,
          MAX_RATE,
          EXPORT_CERT);

  /** Builds the settings from resolved configuration. */
  public static SnsSettings from(Settings s) {
    return new SnsSettings(
        s.get(SUBSCRIPTIONS),
        s.get(SIGNATURE_VERSION),
        s.get(AUTO_CONFIRM),
        s.get(RETRIES),
        s.get(RETRY_DELAY),
        s.get(REQUEST_TIMEOUT),
        s.get(QUEUE_LIMIT),
        s.get(MAX_IN_FLIGHT),
        s.get(MAX_RATE),
        s.get(EXPORT_CERT));
  }

  private static <T> ConfigKey<T> key(
      String name, String def, String doc, Function<String, T> parser) {
    return new ConfigKey<>("simulator." + name, def, doc, parser);
  }

  static String topicArn(String s) {
    if (s == null || !TOPIC_ARN.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "expected an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:ses-events, got '"
              + s
              + "'");
    }
    return s;
  }

  static List<Subscription> subscriptions(String s) {
    List<Subscription> out = new ArrayList<>();
    for (String pair : Parsers.list(s)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "expected TOPIC_ARN=URL pairs separated by commas, got '" + pair + "'");
      }
      URI url = Parsers.uri(pair.substring(eq + 1).strip());
      if (url == null) {
        throw new IllegalArgumentException("no URL after '=' in '" + pair + "'");
      }
      out.add(new Subscription(topicArn(pair.substring(0, eq).strip()), url));
    }
    return out;
  }

  static int signatureVersion(String s) {
    return switch (s.strip()) {
      case "1" -> 1;
      case "2" -> 2;
      default ->
          throw new IllegalArgumentException(
              "expected SignatureVersion 1 or 2, got '" + s.strip() + "'");
    };
  }

  static int retries(String s) {
    try {
      int n = Integer.parseInt(s.strip());
      if (n < 0 || n > 100) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number 0..100, got '" + s + "'", e);
    }
  }

  static double maxRate(String s) {
    if (s.strip().equalsIgnoreCase("unlimited")) {
      return -1;
    }
    double perSecond = Rate.parse(s).perSecond();
    if (perSecond <= 0) {
      throw new IllegalArgumentException(
          "expected a rate above zero such as 100/s, or unlimited, got '" + s.strip() + "'");
    }
    return perSecond;
  }

  static Duration positiveDuration(String s) {
    Duration d = Durations.parse(s);
    if (d.isZero()) {
      throw new IllegalArgumentException("expected a duration above zero, got '" + s + "'");
    }
    return d;
  }
}
