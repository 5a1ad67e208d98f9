package dev.sluice.simulator.notify;

import dev.sluice.core.Clock;
import dev.sluice.simulator.MessageTrail;
import dev.sluice.simulator.account.ConfigurationSets;
import dev.sluice.simulator.account.EventType;
import dev.sluice.simulator.mailbox.MessageIds;
import dev.sluice.simulator.notify.FeedbackJson.Form;
import dev.sluice.simulator.sns.SnsTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what SES reports after a send, a fixed delay after it: the identity notifications
 * (Bounce, Complaint, Delivery in the {@code notificationType} form, to the account's feedback
 * topic) and the configuration set's events (every type in the {@code eventType} form, to each
 * enabled SNS destination that matches it), and notes each one in the message's trail.
 *
 * <p>Design: the send path only queues a small {@link Feedback}; the JSON is written only for the
 * topics that will receive it, only once a subscription has room for it (when SNS is dropping, its
 * queues full, an event costs a count, not its JSON), and only when SNS first delivers it (a queue
 * waiting for a slow subscriber holds the Feedback, not the JSON). Feedback is immutable, and
 * whatever the JSON says (times, feedback ids) is fixed when the event is published. Feedback waits
 * in one bounded FIFO — the delay is the same for all, so the head is always the next one due —
 * served by one virtual thread that hands each message to {@link SnsTopics}, which queues its
 * deliveries in turn. When the queue is full, {@link #submit} drops the feedback at once and counts
 * it: feedback is best-effort and must never slow down or buffer without bound in front of the send
 * path.
 *
 * <p>Memory bound: {@code capacity} queued feedback objects. Thread-safe.
 */
public final class FeedbackPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FeedbackPublisher.class);
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** Told of the feedback that may put an address on the account's suppression list. */
  public interface Listener {
    /** A Permanent/General bounce of {@code recipient}. */
    void hardBounced(Feedback f, String recipient, String feedbackId);

    /** A complaint from {@code recipient}. */
    void complained(Feedback f, String recipient, String feedbackId);

    /** A listener that does nothing. */
    Listener NONE =
        new Listener() {
          @Override
          public void hardBounced(Feedback f, String recipient, String feedbackId) {}

          @Override
          public void complained(Feedback f, String recipient, String feedbackId) {}
        };
  }

  private record Pending(Feedback feedback, long dueNanos, int events) {}

  private final SnsTopics topics;
  private final ConfigurationSets destinations;
  private final String notificationTopic;
  private final Listener listener;
  private final long delayNanos;
  private final int capacity;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Thread dispatcher;
  private volatile boolean closed;
  private final Counter queued;
  private final Counter dropped;
  private final Counter noRoom;

  /** The queue's size, for {@link #wanted} to read without the lock. */
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * The most messages the queued feedback will publish to any one topic (the sum of {@link #events}
   * over the queue), for {@link #wanted} to read without the lock: a subscription's room is counted
   * in messages, and one message's feedback is a Send and a Delivery, or more.
   */
  private final AtomicInteger eventsAhead = new AtomicInteger();

  private final Map<EventType, Counter> events = new EnumMap<>(EventType.class);
  private final Counter notifications;

  /**
   * @param destinations the account's configuration sets, whose destinations take the events
   * @param notificationTopic the ARN identity notifications are published to, or null for none
   * @param delay how long after the send its feedback is published
   * @param capacity the most feedback objects waiting
   */
  public FeedbackPublisher(
      SnsTopics topics,
      ConfigurationSets destinations,
      String notificationTopic,
      Listener listener,
      Duration delay,
      int capacity,
      Clock clock,
      MeterRegistry registry) {
    this.topics = topics;
    this.destinations = destinations;
    this.notificationTopic = notificationTopic;
    this.listener = listener;
    this.delayNanos = delay.toNanos();
    this.capacity = capacity;
    this.clock = clock;
    this.queued = counter(registry, "queued");
    this.dropped = counter(registry, "dropped");
    this.noRoom = counter(registry, "no-room");
    for (EventType t : EventType.values()) {
      events.put(
          t,
          Counter.builder("simulator.events.published")
              .tag("type", t.eventName())
              .description("Events published to configuration-set destinations, per topic")
              .register(registry));
    }
    this.notifications =
        Counter.builder("simulator.notifications.published")
            .description("Identity notifications published to the feedback topic")
            .register(registry);
    Gauge.builder("simulator.feedback.waiting", this, FeedbackPublisher::queuedNow)
        .description("Accepted messages whose feedback waits to be published")
        .register(registry);
    this.dispatcher = Thread.ofVirtual().name("simulator-feedback").start(this::run);
  }

  private static Counter counter(MeterRegistry r, String outcome) {
    return Counter.builder("simulator.feedback")
        .tag("outcome", outcome)
        .description(
            "Accepted messages whose feedback was queued, dropped with the queue full, or not"
                + " built because no subscription of its topics had room")
        .register(r);
  }

  /**
   * Whether the feedback of a send using {@code configurationSet} (null for none), whose recipients
   * met {@code fates}, is worth building now, so that the send path builds none when it would not.
   *
   * <p>Yes when it may put an address on the suppression list, or when some subscription of its
   * topics has room for all the messages it will publish there ({@link #events}) beyond those of
   * the feedback already waiting here to be published, which takes that room first (or, with
   * nothing waiting, room for at least one: a queue smaller than one message's events still gets
   * what fits). No when this publisher's own queue is full (counted as dropped, as {@link #submit}
   * would). When its topics have subscriptions but none has such room, the feedback is counted here
   * as dropped ({@code simulator_feedback_total{outcome="no-room"}}) before anything of it is
   * built: a simulator whose subscribers are far behind spends next to nothing on the events it
   * cannot deliver, instead of building each one only to drop it.
   */
  public boolean wanted(String configurationSet, List<Fate> fates) {
    if (listener != Listener.NONE
        && (fates.contains(Fate.BOUNCED) || fates.contains(Fate.COMPLAINED))) {
      return true;
    }
    if (waiting.get() >= capacity) {
      // The queue is full: submit would drop it; count it as that, without building it.
      dropped.increment();
      return false;
    }
    int ahead = eventsAhead.get();
    // With nothing ahead, one message's room will do; otherwise room for all it will publish.
    int need = ahead == 0 ? 1 : ahead + events(fates);
    boolean subscribed = false;
    if (notificationTopic != null && topics.hasSubscribers(notificationTopic)) {
      if (topics.room(notificationTopic) >= need) {
        return true;
      }
      subscribed = true;
    }
    if (configurationSet != null) {
      for (String topic : destinations.allEventTopics(configurationSet)) {
        if (topics.room(topic) >= need) {
          return true;
        }
        subscribed |= topics.hasSubscribers(topic);
      }
    }
    if (subscribed) {
      noRoom.increment();
    }
    return false;
  }

  /**
   * The most messages the feedback of a send whose recipients met {@code fates} publishes to one
   * topic (see {@link #publish}): a Send, a DeliveryDelay when one was delayed, one Delivery for
   * all delivered, and a Bounce or Complaint per recipient that had one; one message for a send
   * that was rejected or failed to render (no fates). The identity notifications are fewer.
   */
  public static int events(List<Fate> fates) {
    if (fates.isEmpty()) {
      return 1;
    }
    int n = 1;
    boolean delayed = false;
    boolean delivered = false;
    for (Fate fate : fates) {
      switch (fate) {
        case DELIVERED -> delivered = true;
        case DELAYED -> {
          delayed = true;
          delivered = true;
        }
        case COMPLAINED, AUTO_REPLIED -> {
          delivered = true;
          n++;
        }
        case BOUNCED, GLOBALLY_SUPPRESSED, ACCOUNT_SUPPRESSED -> n++;
      }
    }
    return n + (delayed ? 1 : 0) + (delivered ? 1 : 0);
  }

  /** Queues the feedback of one accepted message; drops and counts it when the queue is full. */
  public void submit(Feedback f) {
    lock.lock();
    try {
      if (closed || queue.size() >= capacity) {
        dropped.increment();
        return;
      }
      int n = events(f.fates());
      queue.addLast(new Pending(f, clock.nanos() + delayNanos, n));
      waiting.set(queue.size());
      eventsAhead.addAndGet(n);
      if (queue.size() == 1) {
        // Every delay is the same, so a non-empty queue's head is due no later than this one, and
        // the dispatcher already waits for it: only a queue that was empty needs a wake-up.
        changed.signal();
      }
    } finally {
      lock.unlock();
    }
    queued.increment();
  }

  /** Feedback objects waiting to be published. */
  public int queuedNow() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      Pending next;
      lock.lock();
      try {
        while (!closed && (queue.isEmpty() || queue.peekFirst().dueNanos() > clock.nanos())) {
          long wait =
              queue.isEmpty()
                  ? SLICE_NANOS * 50
                  : Math.min(SLICE_NANOS, queue.peekFirst().dueNanos() - clock.nanos());
          changed.awaitNanos(Math.max(1, wait));
        }
        if (closed) {
          return;
        }
        next = queue.pollFirst();
        waiting.set(queue.size());
        eventsAhead.addAndGet(-next.events());
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      try {
        publish(next.feedback());
      } catch (RuntimeException e) {
        log.warn("publishing feedback for {} failed", next.feedback().mail().messageId(), e);
      }
    }
  }

  /** Publishes everything SES reports about one message, now. */
  void publish(Feedback f) {
    long now = clock.millis();
    if (f.renderingFailure() != null) {
      event(f, EventType.RENDERING_FAILURE, null, () -> FeedbackJson.renderingFailure(f), now);
      return;
    }
    if (f.rejected() != null) {
      event(f, EventType.REJECT, null, () -> FeedbackJson.reject(f), now);
      return;
    }
    event(f, EventType.SEND, null, () -> FeedbackJson.send(f), now);
    List<String> delayed = f.recipients(Fate.DELAYED);
    if (!delayed.isEmpty()) {
      event(
          f,
          EventType.DELIVERY_DELAY,
          String.join(", ", delayed),
          () -> FeedbackJson.deliveryDelay(f, delayed, now),
          now);
    }
    List<String> delivered = new ArrayList<>();
    for (int i = 0; i < f.fates().size(); i++) {
      switch (f.fates().get(i)) {
        case DELIVERED, COMPLAINED, AUTO_REPLIED, DELAYED ->
            delivered.add(f.mail().destination().get(i));
        default -> {}
      }
    }
    if (!delivered.isEmpty()) {
      String who = String.join(", ", delivered);
      notification(
          f,
          "Delivery",
          who,
          () -> FeedbackJson.delivery(Form.NOTIFICATION, f, delivered, now),
          now);
      event(
          f,
          EventType.DELIVERY,
          who,
          () -> FeedbackJson.delivery(Form.EVENT, f, delivered, now),
          now);
    }
    for (int i = 0; i < f.fates().size(); i++) {
      String rcpt = f.mail().destination().get(i);
      Fate fate = f.fates().get(i);
      switch (fate) {
        case BOUNCED, GLOBALLY_SUPPRESSED, ACCOUNT_SUPPRESSED, AUTO_REPLIED -> {
          String feedbackId = MessageIds.messageId(f.mail().region(), now);
          notification(
              f,
              "Bounce",
              rcpt,
              () -> FeedbackJson.bounce(Form.NOTIFICATION, f, rcpt, fate, feedbackId, now),
              now);
          event(
              f,
              EventType.BOUNCE,
              rcpt,
              () -> FeedbackJson.bounce(Form.EVENT, f, rcpt, fate, feedbackId, now),
              now);
          if (fate == Fate.BOUNCED) {
            listener.hardBounced(f, rcpt, feedbackId);
          }
        }
        case COMPLAINED -> {
          String feedbackId = MessageIds.messageId(f.mail().region(), now);
          notification(
              f,
              "Complaint",
              rcpt,
              () -> FeedbackJson.complaint(Form.NOTIFICATION, f, rcpt, feedbackId, now),
              now);
          event(
              f,
              EventType.COMPLAINT,
              rcpt,
              () -> FeedbackJson.complaint(Form.EVENT, f, rcpt, feedbackId, now),
              now);
          listener.complained(f, rcpt, feedbackId);
        }
        default -> {}
      }
    }
  }

  private void notification(
      Feedback f, String type, String recipient, Supplier<String> json, long now) {
    if (notificationTopic == null || !topics.hasSubscribers(notificationTopic)) {
      return;
    }
    topics.publish(notificationTopic, null, json);
    notifications.increment();
    f.trail()
        .add(new MessageTrail.Entry(now, type, recipient, "notification to " + notificationTopic));
  }

  private void event(
      Feedback f, EventType type, String recipient, Supplier<String> json, long now) {
    if (f.configurationSet() == null) {
      return;
    }
    List<String> to = destinations.eventTopics(f.configurationSet(), type);
    if (to.isEmpty()) {
      return;
    }
    Supplier<String> message = new Once(json);
    for (String topic : to) {
      topics.publish(topic, null, message);
      events.get(type).increment();
      f.trail().add(new MessageTrail.Entry(now, type.eventName(), recipient, "event to " + topic));
    }
  }

  /**
   * A message written at most once, on first use, for all the topics it goes to. Thread-safe: the
   * first SNS delivery of any of those topics writes it.
   */
  private static final class Once implements Supplier<String> {
    private Supplier<String> write;
    private String written;

    Once(Supplier<String> write) {
      this.write = write;
    }

    @Override
    public synchronized String get() {
      if (written == null) {
        written = write.get();
        write = null;
      }
      return written;
    }
  }

  /** Stops publishing; feedback still queued is dropped and counted. */
  @Override
  public void close() {
    int left;
    lock.lock();
    try {
      closed = true;
      left = queue.size();
      queue.clear();
      waiting.set(0);
      eventsAhead.set(0);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    dropped.increment(left);
    dispatcher.interrupt();
    try {
      dispatcher.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
