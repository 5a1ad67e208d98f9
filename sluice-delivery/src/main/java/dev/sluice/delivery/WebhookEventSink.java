package dev.sluice.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs delivery events to a URL, in batches, as a JSON array of the objects {@link EventJson}
 * writes ({@code Content-Type: application/json}), and the other events {@link #publish published}
 * to it, each as it writes itself. Any 2xx answer takes the batch; anything else, or no answer, is
 * retried with full-jitter exponential backoff, up to a bound of attempts, after which the batch is
 * dropped and counted.
 *
 * <p>Design: {@link #accept} only offers the event to a bounded queue and never blocks; one virtual
 * thread takes whatever is waiting (up to a batch) and posts it. When the queue is full, the event
 * is <b>dropped and counted</b> ({@link #dropped()}): a webhook is a remote service that can be
 * down for hours, and mail must not wait for it. (The file log makes the opposite choice; see
 * {@link JsonLinesEventLog}.) While a batch is being retried, new events wait in the queue, so a
 * receiver that recovers gets them in order.
 *
 * <p>Thread-safe.
 */
public final class WebhookEventSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookEventSink.class);

  /** Wakes the poster for close; never posted. */
  private static final JsonEvent CLOSE = JsonLinesEventLog.CLOSE;

  private final URI url;
  private final HttpClient client;
  private final Map<String, String> headers;
  private final BlockingQueue<JsonEvent> queue;
  private final int batchSize;
  private final int maxAttempts;
  private final Duration timeout;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final Duration closeGrace;
  private final Thread poster;
  private final AtomicLong posted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failedPosts = new AtomicLong();
  private final Object wakeup = new Object();
  private volatile boolean closing;
  private volatile long closeDeadline = Long.MAX_VALUE;

  private WebhookEventSink(Builder b) {
    this.url = b.url;
    this.client =
        b.client != null ? b.client : HttpClient.newBuilder().connectTimeout(b.timeout).build();
    this.headers = Map.copyOf(b.headers);
    this.queue = new ArrayBlockingQueue<>(b.capacity);
    this.batchSize = b.batchSize;
    this.maxAttempts = b.maxAttempts;
    this.timeout = b.timeout;
    this.backoffBase = b.backoffBase;
    this.backoffCap = b.backoffCap;
    this.closeGrace = b.closeGrace;
    this.poster = Thread.ofVirtual().name("delivery-webhook").unstarted(this::run);
    poster.start();
  }

  /** A builder for a sink posting to {@code url}. */
  public static Builder builder(URI url) {
    return new Builder(url);
  }

  /** {@inheritDoc} Never blocks; drops and counts the event when the queue is full. */
  @Override
  public void accept(DeliveryEvent event) {
    publish(event);
  }

  /** {@inheritDoc} Never blocks; drops and counts the event when the queue is full. */
  @Override
  public void publish(JsonEvent event) {
    Objects.requireNonNull(event, "event");
    if (closing || !queue.offer(event)) {
      long n = dropped.incrementAndGet();
      if (Long.bitCount(n) == 1) { // 1, 2, 4, 8, ...: visible, but not a line per event
        LOG.warn("webhook {}: queue full, {} events dropped so far", url, n);
      }
    }
  }

  /** Events the receiver took. */
  public long posted() {
    return posted.get();
  }

  /** Events dropped: queue full, attempts used up, or still waiting when the grace ran out. */
  public long dropped() {
    return dropped.get();
  }

  /** Posts that failed (each retried or, at the last attempt, dropped). */
  public long failedPosts() {
    return failedPosts.get();
  }

  /**
   * Stops taking events and keeps posting the waiting ones for at most the close grace (default 5
   * s); what is left then is dropped and counted. Idempotent.
   */
  @Override
  public void close() {
    if (!closing) {
      closeDeadline = System.nanoTime() + closeGrace.toNanos();
      closing = true;
    }
    queue.offer(CLOSE); // wakes an idle poster; a full queue keeps it busy anyway
    synchronized (wakeup) {
      wakeup.notifyAll(); // cuts a backoff short
    }
    boolean interrupted = false;
    while (poster.isAlive()) {
      try {
        long left = closeDeadline - System.nanoTime();
        if (left > 0) {
          poster.join(Duration.ofNanos(left));
        } else {
          poster.interrupt(); // a post still in progress when the grace is over is given up
          poster.join();
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    dropped.addAndGet(queue.stream().filter(e -> e != CLOSE).count());
    queue.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<JsonEvent> batch = new ArrayList<>(batchSize);
    while (true) {
      if (closing && (queue.isEmpty() || System.nanoTime() - closeDeadline >= 0)) {
        return;
      }
      JsonEvent first;
      try {
        first = closing ? queue.poll() : queue.take();
      } catch (InterruptedException e) {
        return; // only close interrupts, once its grace is over
      }
      if (first == null) {
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, batchSize - 1);
      batch.removeIf(e -> e == CLOSE);
      if (!batch.isEmpty()) {
        post(batch);
      }
      batch.clear();
    }
  }

  /** Posts one batch, retrying; counts it as posted or dropped. */
  private void post(List<JsonEvent> batch) {
    byte[] body = json(batch);
    for (int attempt = 1; ; attempt++) {
      String problem;
      try {
        HttpRequest.Builder r =
            HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(r::header);
        HttpResponse<Void> resp = client.send(r.build(), HttpResponse.BodyHandlers.discarding());
        if (resp.statusCode() / 100 == 2) {
          posted.addAndGet(batch.size());
          return;
        }
        problem = "HTTP " + resp.statusCode();
      } catch (IOException e) {
        problem = e.toString();
      } catch (InterruptedException e) {
        dropped.addAndGet(batch.size()); // close gave up on it
        Thread.currentThread().interrupt();
        return;
      }
      failedPosts.incrementAndGet();
      boolean pastGrace = closing && System.nanoTime() - closeDeadline >= 0;
      if (attempt >= maxAttempts || pastGrace) {
        dropped.addAndGet(batch.size());
        LOG.warn(
            "webhook {}: dropped {} events after {} attempts ({})",
            url,
            batch.size(),
            attempt,
            problem);
        return;
      }
      LOG.debug("webhook {}: attempt {} failed ({}); retrying", url, attempt, problem);
      pause(backoff(attempt));
    }
  }

  /** Full jitter: uniform between zero and the capped exponential bound. */
  private long backoff(int attempt) {
    double bound =
        Math.min(
            backoffCap.toNanos(), backoffBase.toNanos() * Math.pow(2, Math.min(30, attempt - 1)));
    return (long) (ThreadLocalRandom.current().nextDouble() * bound);
  }

  /** Waits before a retry; the end of the close grace cuts the wait short. */
  private void pause(long nanos) {
    long until = System.nanoTime() + nanos;
    synchronized (wakeup) {
      while (true) {
        long now = System.nanoTime();
        long left = closing ? Math.min(until - now, closeDeadline - now) : until - now;
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(wakeup, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static byte[] json(List<JsonEvent> batch) {
    StringBuilder b = new StringBuilder(batch.size() * 300);
    b.append('[');
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      batch.get(i).writeJson(b);
    }
    return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Builds a {@link WebhookEventSink}; every setter but the URL is optional. Not thread-safe. */
  public static final class Builder {
    private final URI url;
    private HttpClient client;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private int capacity = 10_000;
    private int batchSize = 100;
    private int maxAttempts = 8;
    private Duration timeout = Duration.ofSeconds(10);
    private Duration backoffBase = Duration.ofMillis(500);
    private Duration backoffCap = Duration.ofSeconds(60);
    private Duration closeGrace = Duration.ofSeconds(5);

    private Builder(URI url) {
      this.url = Objects.requireNonNull(url, "url");
      String scheme = url.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("webhook url must be http or https, got " + url);
      }
    }

    /** The HTTP client (default: a new one). */
    public Builder client(HttpClient c) {
      this.client = c;
      return this;
    }

    /** A header sent with every post, e.g. an {@code Authorization} token. */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** Events that may wait before new ones are dropped (default 10,000). */
    public Builder capacity(int n) {
      this.capacity = positive(n, "capacity");
      return this;
    }

    /** The most events in one post (default 100). */
    public Builder batchSize(int n) {
      this.batchSize = positive(n, "batchSize");
      return this;
    }

    /** Retries: attempts per batch (default 8), first backoff (500 ms) and longest (60 s). */
    public Builder retries(int attempts, Duration base, Duration cap) {
      this.maxAttempts = positive(attempts, "attempts");
      this.backoffBase = Objects.requireNonNull(base, "base");
      this.backoffCap = Objects.requireNonNull(cap, "cap");
      return this;
    }

    /** How long one post may take (default 10 s). */
    public Builder timeout(Duration d) {
      this.timeout = Objects.requireNonNull(d, "timeout");
      return this;
    }

    /** How long {@code close} keeps posting waiting events (default 5 s). */
    public Builder closeGrace(Duration d) {
      this.closeGrace = Objects.requireNonNull(d, "closeGrace");
      return this;
    }

    /** Starts the sink's poster thread. */
    public WebhookEventSink build() {
      return new WebhookEventSink(this);
    }

    private static int positive(int n, String what) {
      if (n < 1) {
        throw new IllegalArgumentException(what + " must be >= 1, got " + n);
      }
      return n;
    }
  }
}
