package dev.sluice.simulator.sns;

import dev.sluice.core.Clock;
import dev.sluice.core.shape.TokenBucket;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs SNS messages to their subscriptions, as SNS's HTTP/S delivery does: the signed JSON body as
 * {@code text/plain; charset=UTF-8}, SNS's {@code x-amz-sns-*} headers and user agent, and its
 * default delivery policy of {@code retries} retries {@code retryDelay} apart (3 and 20 s), where
 * any answer but 2xx, a timeout or a connection failure is a failed attempt.
 *
 * <p>Design note. Each subscription's queue is drained by its own worker threads (at most {@link
 * #MAX_WORKERS_PER_SUBSCRIPTION}, see {@link SnsSubscription}); a worker holds one of {@code
 * maxInFlight} permits only while a POST is under way, not while it waits out a retry delay, so a
 * dead endpoint slows only its own subscription. Waits are measured on the injected {@link Clock}
 * in short real-time slices so a stop is noticed within a slice and a test on a manual clock
 * advances it instead of sleeping. Rejected: one scheduler thread with delayed tasks (a retry
 * schedule per message, and it reads the system clock) and a platform thread per subscription.
 *
 * <p>The workers are platform threads from a cached pool (idle ones end after a minute), not
 * virtual threads. A worker blocks a few times per delivery (its signing turn, the answer to its
 * POST), at the default 100 deliveries a second, while the simulator's carriers are otherwise idle
 * or busy with the API: on virtual threads every such wake-up went through the JDK's poller or
 * timer thread and woke a parked carrier to mount the worker again, and a profile of a draining
 * simulator put as much CPU in those hand-offs (carriers parking and unparking, the timer and
 * poller threads) as in the RSA signatures. A platform thread blocks and wakes in the kernel, once
 * per wait. The workers are few (bounded per subscription) and long-lived while events flow.
 *
 * <p>CPU bound. Signing is what a delivery costs: one RSA-2048 signature is about a millisecond of
 * CPU, a POST on a kept-alive connection a tenth of that. Unbounded, the workers sign as fast as
 * the cores allow and take them from the API the events come from: with half of the sends of a
 * zero-latency load publishing two events each, the simulator served between a quarter and a half
 * of the calls it served without events (bench/simulator-capacity.sh, two cores), and a profile put
 * three quarters of its CPU samples in RSA signing. So the first signature of each message waits
 * for a token of a bucket refilled at {@code maxRate} (a second's worth of burst), taken in the
 * order the workers ask; the messages behind wait in their subscription's queue, which drops and
 * counts what does not fit, as it does for a slow endpoint. Retries and the other subscriptions of
 * the same message reuse its signature and take no token. Rejected: fewer concurrent signers (one
 * busy signer is still a whole core) and a share of measured CPU time (not on the injected clock,
 * and it differs from machine to machine where a rate does not).
 *
 * <p>The POST itself: to {@code http://} endpoints it goes through {@link PlainHttpPoster}, a
 * blocking keep-alive HTTP/1.1 client on the worker's thread; the JDK's HTTP client, used for
 * {@code https://} endpoints (its TLS and trust configuration), cost three quarters as much CPU per
 * delivery as the signature, in its selector and worker threads and its chains of futures.
 *
 * <p>Thread-safe.
 */
final class SnsDelivery implements AutoCloseable {
  /**
   * Workers one subscription may have, and never more than half of {@code maxInFlight}, so a hung
   * endpoint cannot hold every permit.
   */
  static final int MAX_WORKERS_PER_SUBSCRIPTION = 8;

  private static final Logger log = LoggerFactory.getLogger(SnsDelivery.class);
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /**
   * The longest piece of a wait for a signing turn. Workers queue on the bucket: at 100 signatures
   * a second with eight workers a turn is about 80 ms away, and each piece slept is a wake-up of
   * the worker for nothing, so the turn is slept in one piece where it can be; a stop is still
   * noticed within this.
   */
  private static final long TURN_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final SnsSettings settings;
  private final Supplier<SnsSigner> signer;
  private final Clock clock;
  private final int perSubscription;
  private final Semaphore permits;
  private final TokenBucket signing;
  private final AtomicInteger signingWaits = new AtomicInteger();
  private final ReentrantLock httpLock = new ReentrantLock();
  private volatile HttpClient http;
  private final PlainHttpPoster plain;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().name("sns-delivery-", 0).daemon(true).factory());
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile SnsUrls urls;

  SnsDelivery(SnsSettings settings, Supplier<SnsSigner> signer, Clock clock) {
    this.settings = settings;
    this.signer = signer;
    this.clock = clock;
    this.perSubscription =
        Math.max(1, Math.min(MAX_WORKERS_PER_SUBSCRIPTION, settings.maxInFlight() / 2));
    this.permits = new Semaphore(settings.maxInFlight());
    this.signing = new TokenBucket(settings.maxRate(), 1.0, clock);
    this.plain = new PlainHttpPoster(settings.requestTimeout());
  }

  /**
   * The HTTP client, made on first use (a simulator that never POSTs keeps no selector thread);
   * null once stopped.
   */
  private HttpClient http() {
    HttpClient c = http;
    if (c == null) {
      httpLock.lock();
      try {
        c = http;
        if (c == null && !closed.get()) {
          c =
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(settings.requestTimeout())
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .build();
          http = c;
        }
      } finally {
        httpLock.unlock();
      }
    }
    return c;
  }

  /** Sets the URLs written into messages; nothing is sent before. */
  void start(SnsUrls urls) {
    this.urls = urls;
  }

  /**
   * Queues a message for a subscription and starts a worker when needed; counts what it refuses.
   * Never blocks.
   *
   * @return whether the message was queued
   */
  boolean enqueue(SnsSubscription sub, Outgoing o) {
    if (closed.get()) {
      dropped(sub, o);
      return false;
    }
    switch (sub.offer(o, settings.queueLimit(), perSubscription)) {
      case QUEUED_START_WORKER -> {
        try {
          workers.execute(() -> drain(sub));
        } catch (RuntimeException | Error e) {
          sub.workerNotStarted();
          throw e;
        }
        return true;
      }
      case QUEUED -> {
        return true;
      }
      default -> {
        dropped(sub, o);
        return false;
      }
    }
  }

  private void drain(SnsSubscription sub) {
    Outgoing o;
    while ((o = sub.next()) != null) {
      try {
        deliver(sub, o);
      } catch (RuntimeException e) {
        failed(sub, o, e.toString());
        log.warn("SNS delivery to {} failed unexpectedly", sub.arn, e);
      } finally {
        sub.done();
      }
    }
  }

  private void deliver(SnsSubscription sub, Outgoing o) {
    SnsUrls u = urls;
    SnsSigner s = signer.get();
    String signature = o.signature(s, this::signingTurn);
    if (signature == null) {
      dropped(sub, o);
      return;
    }
    String body =
        o.message()
            .toJson(
                o.signatureVersion,
                signature,
                u.signingCert(s.fileName()),
                o.isNotification() ? u.unsubscribe(sub.arn) : null);
    Post request = request(sub, o, body);
    String lastError;
    for (int attempt = 0; ; attempt++) {
      if (closed.get() || (o.isNotification() && sub.state() == SnsSubscription.State.DELETED)) {
        dropped(sub, o);
        return;
      }
      if (attempt > 0 && o.isNotification()) {
        sub.retried.incrementAndGet();
        sub.topic.retried.increment();
      }
      try {
        lastError = post(request);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        dropped(sub, o);
        return;
      }
      if (lastError == null) {
        delivered(sub, o);
        return;
      }
      if (closed.get()) {
        dropped(sub, o);
        return;
      }
      log.debug(
          "SNS {} {} to {}, attempt {}: {}",
          o.type.wire(),
          o.messageId,
          SnsSubscription.masked(sub.endpoint),
          attempt + 1,
          lastError);
      if (attempt >= settings.retries()) {
        failed(sub, o, lastError);
        return;
      }
      if (!pause(settings.retryDelay().toNanos())) {
        dropped(sub, o);
        return;
      }
    }
  }

  /** One POST; null when answered 2xx, else what went wrong. */
  private String post(Post request) throws InterruptedException {
    while (!permits.tryAcquire(SLICE_NANOS, TimeUnit.NANOSECONDS)) {
      if (closed.get()) {
        return "stopped";
      }
    }
    try {
      int status;
      if ("http".equalsIgnoreCase(request.target().getScheme())) {
        status = plain.post(request.target(), request.headers(), request.body());
      } else {
        HttpClient client = http();
        if (client == null) {
          return "stopped";
        }
        HttpRequest.Builder b =
            HttpRequest.newBuilder(request.target()).timeout(settings.requestTimeout());
        for (int i = 0; i + 1 < request.headers().size(); i += 2) {
          b.header(request.headers().get(i), request.headers().get(i + 1));
        }
        HttpRequest r = b.POST(HttpRequest.BodyPublishers.ofByteArray(request.body())).build();
        status = client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
      }
      return status / 100 == 2 ? null : "HTTP " + status;
    } catch (IOException e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.toString();
    } finally {
      permits.release();
    }
  }

  /** One POST as it goes out: where, its headers (name, value pairs) and its body. */
  private record Post(URI target, List<String> headers, byte[] body) {}

  private Post request(SnsSubscription sub, Outgoing o, String body) {
    URI target = sub.endpoint;
    List<String> headers = new ArrayList<>(14);
    String userInfo = target.getRawUserInfo();
    if (userInfo != null) {
      // SNS takes https://user:password@host URLs and answers a 401 challenge with them; the
      // simulator sends the credentials at once.
      headers.add("Authorization");
      headers.add(
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      URLDecoder.decode(userInfo, StandardCharsets.UTF_8)
                          .getBytes(StandardCharsets.UTF_8)));
      try {
        target =
            new URI(
                target.getScheme(),
                null,
                target.getHost(),
                target.getPort(),
                target.getRawPath(),
                null,
                null);
        if (sub.endpoint.getRawQuery() != null) {
          target = URI.create(target + "?" + sub.endpoint.getRawQuery());
        }
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("bad endpoint " + SnsSubscription.masked(target), e);
      }
    }
    headers.addAll(
        List.of(
            "Content-Type",
            "text/plain; charset=UTF-8",
            "User-Agent",
            "Amazon Simple Notification Service Agent",
            "x-amz-sns-message-type",
            o.type.wire(),
            "x-amz-sns-message-id",
            o.messageId,
            "x-amz-sns-topic-arn",
            o.topicArn));
    if (o.type != SnsMessage.Type.SUBSCRIPTION_CONFIRMATION) {
      // A pending subscription has no ARN to name yet; SNS's confirmation carries none.
      headers.add("x-amz-sns-subscription-arn");
      headers.add(sub.arn);
    }
    return new Post(target, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  private void delivered(SnsSubscription sub, Outgoing o) {
    if (o.isNotification()) {
      sub.delivered.incrementAndGet();
      sub.topic.delivered.increment();
    } else if (o.type == SnsMessage.Type.SUBSCRIPTION_CONFIRMATION) {
      sub.confirmation = "delivered";
    }
    if (!sub.healthy) {
      sub.healthy = true;
      log.info("SNS subscription {} is accepting messages again", sub.arn);
    }
  }

  private void failed(SnsSubscription sub, Outgoing o, String error) {
    sub.lastError = error;
    if (o.isNotification()) {
      sub.failed.incrementAndGet();
      sub.topic.failed.increment();
    } else if (o.type == SnsMessage.Type.SUBSCRIPTION_CONFIRMATION) {
      sub.confirmation = "failed";
    }
    // Transitions only: a dead endpoint at thousands of events a second must not flood the log.
    if (sub.healthy) {
      sub.healthy = false;
      log.warn(
          "SNS subscription {} ({}) failing after {} retries, messages are being given up: {}",
          sub.arn,
          SnsSubscription.masked(sub.endpoint),
          settings.retries(),
          error);
    }
  }

  private static void dropped(SnsSubscription sub, Outgoing o) {
    if (o.isNotification()) {
      sub.dropped.incrementAndGet();
      sub.topic.dropped.increment();
    } else if (o.type == SnsMessage.Type.SUBSCRIPTION_CONFIRMATION) {
      sub.confirmation = "dropped";
    }
  }

  /** Counts a subscription's discarded notifications as dropped. */
  static void dropped(SnsSubscription sub, int notifications) {
    sub.dropped.addAndGet(notifications);
    sub.topic.dropped.increment(notifications);
  }

  /**
   * Waits for a signing token on the injected clock; false, with the token given back, if stopped
   * or interrupted meanwhile.
   */
  private boolean signingTurn() {
    TokenBucket.Reservation r = signing.tryReserve(1, Long.MAX_VALUE);
    signingWaits.incrementAndGet();
    try {
      while (!closed.get()) {
        long left = signing.remainingNanos(r);
        if (left <= 0) {
          return true;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TURN_SLICE_NANOS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      signingWaits.decrementAndGet();
    }
    signing.cancel(r);
    return false;
  }

  /** Deliveries waiting for their turn to sign. */
  int signingWaits() {
    return signingWaits.get();
  }

  /** Waits {@code nanos} on the injected clock; false if stopped meanwhile. */
  private boolean pause(long nanos) {
    long until = clock.nanos() + nanos;
    long left;
    try {
      while (!closed.get() && (left = until - clock.nanos()) > 0) {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, SLICE_NANOS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !closed.get();
  }

  /** Requests in flight may finish; workers stop at their next step. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      // Give POSTs under way a moment to end before the connections are cut.
      try {
        if (permits.tryAcquire(
            settings.maxInFlight(), Duration.ofSeconds(2).toMillis(), TimeUnit.MILLISECONDS)) {
          permits.release(settings.maxInFlight());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      plain.close();
      // Workers notice the stop at their next step (a slice at most) and end; idle ones end now.
      workers.shutdown();
      httpLock.lock();
      try {
        if (http != null) {
          http.shutdownNow();
        }
      } finally {
        httpLock.unlock();
      }
    }
  }

  boolean closed() {
    return closed.get();
  }
}
