package dev.sluice.simulator.sns;

import dev.sluice.core.Clock;
import dev.sluice.simulator.mailbox.MessageIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's SNS, as far as SES uses it: topics with HTTP(S) subscriptions, each message
 * signed and POSTed as SNS does, a new subscription confirmed through the SubscriptionConfirmation
 * it is sent first, unsubscribing through a notification's UnsubscribeURL, and retries by SNS's
 * default HTTP/S delivery policy.
 *
 * <p>Life of a subscription: {@link #subscribe} makes it pending and queues a {@code
 * SubscriptionConfirmation} (unless auto-confirm is on, when it starts confirmed); notifications
 * published while it is pending are not sent to it, only counted, as SNS sends nothing before the
 * confirmation. {@link #confirm} (its SubscribeURL) confirms it. {@link #unsubscribe} (a
 * notification's UnsubscribeURL) deletes it: waiting notifications are dropped and an {@code
 * UnsubscribeConfirmation} goes to the endpoint, whose SubscribeURL restores the subscription.
 * Tokens are valid for three days, as SNS's are.
 *
 * <p>Bounds: the subscriptions made; per subscription {@code queueLimit} waiting messages (beyond
 * it new ones are dropped and counted) and at most {@link SnsDelivery#MAX_WORKERS_PER_SUBSCRIPTION}
 * workers; {@code maxInFlight} POSTs at once; {@code maxRate} messages signed per second; the last
 * 1,000 deleted subscriptions kept for restoring. {@link #publish} never blocks.
 *
 * <p>Thread-safe. Subscribing, confirming and unsubscribing take one lock (rare); publishing reads
 * only concurrent structures.
 */
public final class SnsService implements SnsTopics, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnsService.class);

  /** How long a confirmation token stays valid (SNS: three days). */
  public static final Duration TOKEN_VALIDITY = Duration.ofDays(3);

  private static final int RETIRED_KEPT = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SnsSettings settings;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Supplier<SnsSigner> newSigner;
  private final ReentrantLock signerLock = new ReentrantLock();
  private volatile SnsSigner signer;
  private final SnsDelivery delivery;
  private final ConcurrentHashMap<String, SnsTopic> topics = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, SnsSubscription> byArn = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, SnsSubscription> byToken = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<SnsSubscription> retired = new ArrayDeque<>();
  private final Counter unrouted;
  private volatile SnsUrls urls;

  /**
   * Creates the service; its signing key is made when first needed (an RSA key takes a noticeable
   * fraction of a second, which a simulator that never signs should not pay). Nothing is sent
   * before {@link #start}.
   */
  public SnsService(SnsSettings settings, Clock clock, MeterRegistry registry) {
    this(settings, clock, registry, SnsSigner::generate);
  }

  SnsService(
      SnsSettings settings, Clock clock, MeterRegistry registry, Supplier<SnsSigner> newSigner) {
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.newSigner = newSigner;
    this.delivery = new SnsDelivery(settings, this::signer, clock);
    this.unrouted =
        Counter.builder("simulator.sns.unrouted")
            .description("SNS: messages published to a topic without subscriptions")
            .register(registry);
    for (SnsSubscription.State s :
        List.of(SnsSubscription.State.PENDING, SnsSubscription.State.CONFIRMED)) {
      Gauge.builder("simulator.sns.subscriptions", this, svc -> svc.count(s))
          .description("SNS: subscriptions by state")
          .tag("state", s.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    Gauge.builder("simulator.sns.waiting", this, SnsService::waiting)
        .description("SNS: messages waiting for delivery or being sent")
        .register(registry);
    Gauge.builder("simulator.sns.signing.waiting", delivery, SnsDelivery::signingWaits)
        .description("SNS: deliveries waiting for their turn to sign (sns-max-rate)")
        .register(registry);
  }

  /**
   * Starts delivering: messages name URLs on {@code listener} (the simulator's HTTPS endpoint when
   * it has one, as SNS's are HTTPS), and the configured subscriptions are made.
   */
  public void start(URI listener) {
    if (listener == null) {
      throw new IllegalStateException(
          "SNS needs the simulator's HTTP or HTTPS listener for its SubscribeURL, UnsubscribeURL"
              + " and SigningCertURL; turn http-port or https-port on");
    }
    if (urls != null) {
      throw new IllegalStateException("SNS already started");
    }
    urls = SnsUrls.of(listener);
    delivery.start(urls);
    for (SnsSettings.Subscription s : settings.subscriptions()) {
      subscribe(s.topicArn(), s.endpoint());
    }
  }

  /** The signer, whose certificate verifies every message; made on first use. */
  public SnsSigner signer() {
    SnsSigner s = signer;
    if (s == null) {
      signerLock.lock();
      try {
        s = signer;
        if (s == null) {
          s = newSigner.get();
          signer = s;
          log.debug("SNS messages are signed by {}", s.signing());
        }
      } finally {
        signerLock.unlock();
      }
    }
    return s;
  }

  /** The URL the signing certificate is served at; null before {@link #start}. */
  public String signingCertUrl() {
    SnsUrls u = urls;
    return u == null ? null : u.signingCert(signer().fileName());
  }

  /** The effective settings. */
  public SnsSettings settings() {
    return settings;
  }

  /**
   * Whether the topic has any subscription, pending ones included (a message published to it is
   * then sent, or counted as not sent while pending).
   */
  public boolean hasSubscribers(String topicArn) {
    SnsTopic t = topics.get(topicArn);
    return t != null && !t.subscriptions.isEmpty();
  }

  @Override
  public int room(String topicArn) {
    SnsTopic t = topics.get(topicArn);
    if (t == null) {
      return 0;
    }
    int most = 0;
    for (SnsSubscription sub : t.subscriptions) {
      switch (sub.state()) {
        case PENDING -> {
          return Integer.MAX_VALUE;
        }
        case CONFIRMED -> most = Math.max(most, sub.room(settings.queueLimit()));
        case DELETED -> {}
      }
    }
    return most;
  }

  @Override
  public int publish(String topicArn, String subject, String message) {
    return publish(topicArn, subject, () -> message);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A subscription whose queue is full counts the message as dropped without it being written;
   * the message is written once for all subscriptions that take it, by the first delivery that
   * sends it (so a full queue holds unwritten messages, and one dropped unsent is never written).
   */
  @Override
  public int publish(String topicArn, String subject, Supplier<String> message) {
    SnsTopic t = topics.get(topicArn);
    if (t == null) {
      unrouted.increment();
      return 0;
    }
    t.published.increment();
    Outgoing o = null;
    int queued = 0;
    for (SnsSubscription sub : t.subscriptions) {
      switch (sub.state()) {
        case CONFIRMED -> {
          if (!sub.hasRoom(settings.queueLimit())) {
            // What enqueue would refuse, refused before the message is written.
            SnsDelivery.dropped(sub, 1);
            continue;
          }
          if (o == null) {
            o =
                Outgoing.notification(
                    MessageIds.randomUuid().toString(),
                    topicArn,
                    subject,
                    message,
                    clock.millis(),
                    signatureVersion(t));
          }
          if (delivery.enqueue(sub, o)) {
            sub.queued.incrementAndGet();
            queued++;
          }
        }
        case PENDING -> {
          sub.skippedPending.incrementAndGet();
          t.skippedPending.increment();
        }
        case DELETED -> {
          // removed from the topic while this publish was reading it
        }
      }
    }
    return queued;
  }

  /**
   * Subscribes an HTTP(S) endpoint to a topic and returns the subscription's ARN. Subscribing an
   * endpoint again returns the same subscription and, while it is pending, sends the
   * SubscriptionConfirmation again (as SNS's Subscribe does).
   *
   * @throws SnsException {@code InvalidParameter} for a malformed topic ARN or endpoint
   * @throws IllegalStateException before {@link #start}
   */
  public String subscribe(String topicArn, URI endpoint) {
    return subscribe(topicArn, endpoint, settings.autoConfirm());
  }

  /**
   * Subscribes an endpoint that needs no confirmation, whatever {@code --sns-auto-confirm} says:
   * the simulator's own {@code --webhook}.
   */
  public String subscribeConfirmed(String topicArn, URI endpoint) {
    return subscribe(topicArn, endpoint, true);
  }

  private String subscribe(String topicArn, URI endpoint, boolean autoConfirm) {
    SnsUrls u = requireStarted();
    try {
      SnsSettings.topicArn(topicArn);
    } catch (IllegalArgumentException e) {
      throw new SnsException(400, "InvalidParameter", "Invalid parameter: TopicArn");
    }
    if (endpoint == null
        || endpoint.getHost() == null
        || !("http".equalsIgnoreCase(endpoint.getScheme())
            || "https".equalsIgnoreCase(endpoint.getScheme()))) {
      throw new SnsException(
          400, "InvalidParameter", "Invalid parameter: Endpoint must be an http(s) URL");
    }
    SnsSubscription sub;
    boolean confirm;
    lock.lock();
    try {
      SnsTopic t = topics.computeIfAbsent(topicArn, a -> new SnsTopic(a, registry));
      SnsSubscription existing =
          t.subscriptions.stream()
              .filter(s -> s.endpoint.equals(endpoint))
              .findFirst()
              .orElse(null);
      if (existing != null) {
        sub = existing;
        confirm = existing.state() == SnsSubscription.State.PENDING;
      } else {
        String token = newToken();
        sub =
            new SnsSubscription(
                topicArn + ":" + MessageIds.randomUuid(),
                t,
                endpoint,
                autoConfirm ? SnsSubscription.State.CONFIRMED : SnsSubscription.State.PENDING,
                token,
                clock.millis());
        t.subscriptions.add(sub);
        byArn.put(sub.arn, sub);
        byToken.put(token, sub);
        confirm = !autoConfirm;
      }
    } finally {
      lock.unlock();
    }
    if (confirm) {
      String token = sub.token();
      sub.confirmation = "queued";
      delivery.enqueue(
          sub,
          new Outgoing(
              SnsMessage.subscriptionConfirmation(
                  MessageIds.randomUuid().toString(),
                  topicArn,
                  token,
                  u.subscribe(topicArn, token),
                  clock.millis()),
              signatureVersion(sub.topic)));
    }
    return sub.arn;
  }

  /**
   * Confirms a subscription with the token of its SubscriptionConfirmation (or restores an
   * unsubscribed one with its UnsubscribeConfirmation's token) and returns its ARN. Confirming
   * twice is harmless.
   *
   * @throws SnsException 404 {@code NotFound} for an unknown topic, 400 {@code InvalidParameter}
   *     for a token that is unknown, of another topic or older than three days
   */
  public String confirm(String topicArn, String token) {
    if (topicArn == null || topicArn.isEmpty()) {
      throw new SnsException(400, "InvalidParameter", "Invalid parameter: TopicArn");
    }
    if (token == null || token.isEmpty()) {
      throw new SnsException(400, "InvalidParameter", "Invalid parameter: Token");
    }
    lock.lock();
    try {
      SnsSubscription sub = byToken.get(token);
      if (sub == null || !sub.topic.arn.equals(topicArn)) {
        if (!topics.containsKey(topicArn)) {
          throw new SnsException(404, "NotFound", "Topic does not exist");
        }
        throw new SnsException(400, "InvalidParameter", "Invalid token");
      }
      if (clock.millis() - sub.tokenIssuedMillis() > TOKEN_VALIDITY.toMillis()) {
        throw new SnsException(400, "InvalidParameter", "Invalid token");
      }
      if (sub.transition(SnsSubscription.State.CONFIRMED) == SnsSubscription.State.DELETED) {
        retired.remove(sub);
        sub.topic.subscriptions.add(sub);
        byArn.put(sub.arn, sub);
      }
      return sub.arn;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes a subscription: nothing more is sent to it, its waiting notifications are dropped, and
   * an UnsubscribeConfirmation is POSTed to its endpoint. An unknown ARN is ignored, so visiting an
   * UnsubscribeURL twice is harmless.
   */
  public void unsubscribe(String subscriptionArn) {
    SnsUrls u = requireStarted();
    if (subscriptionArn == null || subscriptionArn.isEmpty()) {
      throw new SnsException(400, "InvalidParameter", "Invalid parameter: SubscriptionArn");
    }
    SnsSubscription sub;
    String token;
    lock.lock();
    try {
      sub = byArn.remove(subscriptionArn);
      if (sub == null) {
        return;
      }
      sub.topic.subscriptions.remove(sub);
      sub.transition(SnsSubscription.State.DELETED);
      SnsDelivery.dropped(sub, sub.discardNotifications());
      token = newToken();
      byToken.remove(sub.reissueToken(token, clock.millis()));
      byToken.put(token, sub);
      retired.addLast(sub);
      while (retired.size() > RETIRED_KEPT) {
        byToken.remove(retired.pollFirst().token());
      }
    } finally {
      lock.unlock();
    }
    delivery.enqueue(
        sub,
        new Outgoing(
            SnsMessage.unsubscribeConfirmation(
                MessageIds.randomUuid().toString(),
                sub.topic.arn,
                sub.arn,
                token,
                u.subscribe(sub.topic.arn, token),
                clock.millis()),
            signatureVersion(sub.topic)));
  }

  /**
   * Sets a topic's SignatureVersion (SNS's topic attribute), for messages published from now on.
   *
   * @param version 1 or 2
   */
  public void signatureVersion(String topicArn, int version) {
    SnsSigner.algorithm(version);
    try {
      SnsSettings.topicArn(topicArn);
    } catch (IllegalArgumentException e) {
      throw new SnsException(400, "InvalidParameter", "Invalid parameter: TopicArn");
    }
    topics.computeIfAbsent(topicArn, a -> new SnsTopic(a, registry)).signatureVersion = version;
  }

  /** Every current subscription, by topic. */
  public List<SnsSubscriptionInfo> subscriptions() {
    List<SnsSubscriptionInfo> out = new ArrayList<>();
    topics.values().stream()
        .sorted(Comparator.comparing(t -> t.arn))
        .forEach(t -> t.subscriptions.forEach(s -> out.add(s.info(settings.signatureVersion()))));
    return out;
  }

  /** Stops delivering; what still waits is dropped and counted. */
  @Override
  public void close() {
    delivery.close();
    List<SnsSubscription> all = new ArrayList<>(byArn.values());
    lock.lock();
    try {
      all.addAll(retired);
    } finally {
      lock.unlock();
    }
    for (SnsSubscription s : all) {
      SnsDelivery.dropped(s, s.discardAll());
    }
  }

  private int signatureVersion(SnsTopic t) {
    int v = t.signatureVersion;
    return v == 0 ? settings.signatureVersion() : v;
  }

  private SnsUrls requireStarted() {
    SnsUrls u = urls;
    if (u == null) {
      throw new IllegalStateException("SNS is not started");
    }
    return u;
  }

  private double count(SnsSubscription.State state) {
    return byArn.values().stream().filter(s -> s.state() == state).count();
  }

  private double waiting() {
    return byArn.values().stream().mapToInt(SnsSubscription::waiting).sum();
  }

  /** A token like SNS's: 224 hexadecimal digits. */
  private static String newToken() {
    byte[] b = new byte[112];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
