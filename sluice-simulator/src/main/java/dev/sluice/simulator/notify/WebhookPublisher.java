package dev.sluice.simulator.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.core.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers SNS notification envelopes to an HTTP endpoint after a fixed delay, the way an SNS HTTP
 * subscription receives SES feedback.
 *
 * <p>Design note. Accepted envelopes wait in one bounded FIFO; because the delay is the same for
 * all, the head is always the next one due, so a single dispatcher (a virtual thread) only ever
 * looks at the head, and an envelope stays in the queue, counted against its capacity, until it is
 * due. When the queue is full {@link #publish} refuses at once and counts a drop: feedback is
 * best-effort, and the simulator's send path must never block on, or buffer without bound for, a
 * slow webhook. Due envelopes are POSTed from their own virtual threads, at most {@code
 * maxInFlight} at a time, so one slow or retrying POST does not hold up the rest; each failed POST
 * (I/O error or non-2xx) is retried with exponential backoff, then counted as failed. Waiting is
 * measured on the injected {@link Clock} and done in short real-time slices, so tests on a manual
 * clock advance it instead of sleeping. Rejected: a {@code ScheduledExecutorService} per envelope
 * (unbounded timers, and it reads the system clock) and a blocking {@code put} (back-pressure into
 * SES request handling).
 *
 * <p>Memory bound: {@code queueCapacity} queued plus {@code maxInFlight} being sent. On {@link
 * #close()} envelopes not yet sent are counted as dropped.
 *
 * <p>Thread-safe; {@link #publish} may be called from any thread.
 */
public final class WebhookPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookPublisher.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
  static final String METER = "simulator.notifications";

  private final URI webhook;
  private final int queueCapacity;
  private final long delayNanos;
  private final Clock clock;
  private final int maxAttempts;
  private final long firstBackoffNanos;
  private final int maxInFlight;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Semaphore inFlight;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final HttpClient http;
  private final Thread dispatcher;

  private final Counter sent;
  private final Counter failed;
  private final Counter dropped;

  private record Pending(String json, String messageId, String topicArn, long dueNanos) {}

  /** Starts a publisher POSTing to {@code webhook} {@code delay} after each {@link #publish}. */
  public WebhookPublisher(
      URI webhook, int queueCapacity, Duration delay, Clock clock, MeterRegistry registry) {
    this(webhook, queueCapacity, delay, clock, registry, 3, Duration.ofMillis(200), 8);
  }

  /** Starts a publisher with explicit retry and concurrency limits; for tests. */
  WebhookPublisher(
      URI webhook,
      int queueCapacity,
      Duration delay,
      Clock clock,
      MeterRegistry registry,
      int maxAttempts,
      Duration firstBackoff,
      int maxInFlight) {
    String scheme = webhook.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("webhook must be an http(s) URI: " + webhook);
    }
    if (queueCapacity < 1 || maxAttempts < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("queue capacity, attempts and in-flight must be >= 1");
    }
    if (delay.isNegative() || firstBackoff.isNegative()) {
      throw new IllegalArgumentException("delay and backoff must not be negative");
    }
    this.webhook = webhook;
    this.queueCapacity = queueCapacity;
    this.delayNanos = delay.toNanos();
    this.clock = clock;
    this.maxAttempts = maxAttempts;
    this.firstBackoffNanos = firstBackoff.toNanos();
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
    this.sent = counter(registry, "sent");
    this.failed = counter(registry, "failed");
    this.dropped = counter(registry, "dropped");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.dispatcher = Thread.ofVirtual().name("webhook-dispatcher").start(this::dispatchLoop);
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder(METER)
        .description("SNS feedback notifications by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Queues an SNS envelope for delivery after the delay; returns false, counting a drop, when the
   * queue is full or the publisher is closed. Never blocks.
   *
   * @throws IllegalArgumentException if {@code snsJson} is not an SNS envelope with {@code
   *     MessageId} and {@code TopicArn}
   */
  public boolean publish(String snsJson) {
    String[] ids = envelopeIds(snsJson);
    long due = clock.nanos() + delayNanos;
    lock.lock();
    try {
      if (closed.get() || queue.size() >= queueCapacity) {
        dropped.increment();
        return false;
      }
      queue.addLast(new Pending(snsJson, ids[0], ids[1], due));
      changed.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many envelopes are waiting for their delay to pass or for a sender. */
  public int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops accepting, discards (and counts as dropped) what has not been sent, and waits a bounded
   * time for POSTs under way.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      if (!dispatcher.join(CLOSE_WAIT)) {
        dispatcher.interrupt();
      }
      if (!inFlight.tryAcquire(maxInFlight, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("webhook {}: POSTs still under way after {}; aborting them", webhook, CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.lock();
      try {
        dropped.increment(queue.size());
        queue.clear();
      } finally {
        lock.unlock();
      }
      http.shutdownNow();
    }
  }

  private void dispatchLoop() {
    Pending next = null;
    try {
      while ((next = takeDue()) != null) {
        inFlight.acquire();
        if (closed.get()) {
          inFlight.release();
          break;
        }
        Pending due = next;
        try {
          Thread.ofVirtual().name("webhook-post").start(() -> deliver(due));
        } catch (RuntimeException | Error e) {
          inFlight.release();
          throw e;
        }
        next = null;
      }
    } catch (InterruptedException e) {
      // close() gave up waiting for a sender slot.
    } finally {
      if (next != null) {
        dropped.increment(); // taken off the queue but never handed to a sender
      }
    }
  }

  /** Blocks until the head is due and removes it; null once closed. */
  private Pending takeDue() throws InterruptedException {
    lock.lock();
    try {
      while (!closed.get()) {
        Pending head = queue.peekFirst();
        if (head == null) {
          changed.await();
          continue;
        }
        long wait = head.dueNanos() - clock.nanos();
        if (wait <= 0) {
          return queue.pollFirst();
        }
        changed.awaitNanos(Math.min(wait, SLICE_NANOS));
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  private void deliver(Pending p) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(webhook)
              .timeout(REQUEST_TIMEOUT)
              .header("Content-Type", "text/plain; charset=UTF-8")
              .header("User-Agent", "Amazon Simple Notification Service Agent")
              .header("x-amz-sns-message-type", "Notification")
              .header("x-amz-sns-message-id", p.messageId())
              .header("x-amz-sns-topic-arn", p.topicArn())
              .POST(HttpRequest.BodyPublishers.ofString(p.json(), StandardCharsets.UTF_8))
              .build();
      String lastError = "not attempted";
      for (int attempt = 1; attempt <= maxAttempts && !closed.get(); attempt++) {
        if (attempt > 1 && !pause(firstBackoffNanos << Math.min(attempt - 2, 20))) {
          break;
        }
        try {
          int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status / 100 == 2) {
            sent.increment();
            if (!healthy.getAndSet(true)) {
              log.info("webhook {} is accepting notifications again", webhook);
            }
            return;
          }
          lastError = "HTTP " + status;
        } catch (IOException e) {
          lastError = e.toString();
        }
        log.debug("webhook {} attempt {} for {}: {}", webhook, attempt, p.messageId(), lastError);
      }
      failed.increment();
      // Log transitions only: a dead webhook at thousands of notifications a second must not
      // flood the log.
      if (healthy.getAndSet(false)) {
        log.warn("webhook {} failing, notifications are being lost: {}", webhook, lastError);
      }
    } catch (InterruptedException e) {
      failed.increment();
      Thread.currentThread().interrupt();
    } finally {
      inFlight.release();
    }
  }

  /** Waits {@code nanos} on the injected clock; false if the publisher closed meanwhile. */
  private boolean pause(long nanos) throws InterruptedException {
    long until = clock.nanos() + nanos;
    long left;
    while (!closed.get() && (left = until - clock.nanos()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, SLICE_NANOS));
    }
    return !closed.get();
  }

  /** Reads the top-level {@code MessageId} and {@code TopicArn} of an SNS envelope. */
  private static String[] envelopeIds(String snsJson) {
    String messageId = null;
    String topicArn = null;
    try (JsonParser p = JSON.createParser(snsJson)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("SNS envelope must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_STRING && "MessageId".equals(name)) {
          messageId = p.getText();
        } else if (value == JsonToken.VALUE_STRING && "TopicArn".equals(name)) {
          topicArn = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("SNS envelope is not valid JSON", e);
    }
    if (messageId == null || topicArn == null) {
      throw new IllegalArgumentException("SNS envelope lacks MessageId or TopicArn");
    }
    return new String[] {messageId, topicArn};
  }
}
