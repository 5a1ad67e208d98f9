package dev.sluice.delivery;

import java.util.List;

/**
 * Where delivery events go: a file, a webhook, a test's list. The scheduler hands over each event
 * once the spool has recorded its outcome; it does not close the sink. Sinks that write the whole
 * event stream (the file and the webhook) also take, through {@link #publish}, the events that are
 * not a delivery's: SES's events and suppressions, from the relay's feedback store.
 *
 * <p>Implementations are thread-safe: events arrive from many threads at once. {@link #accept}
 * should return quickly; one that blocks holds up the message's in-flight slot, and so slows
 * delivery down rather than losing anything.
 */
@FunctionalInterface
public interface EventSink extends AutoCloseable {
  /** Takes one event. */
  void accept(DeliveryEvent event);

  /**
   * Takes an event of the stream that is not a delivery's (SES's events, suppressions), under the
   * same contract as {@link #accept}. Sinks that only act on deliveries ignore it, the default.
   */
  default void publish(JsonEvent event) {}

  /** Writes out what is buffered and releases resources; idempotent. Does nothing by default. */
  @Override
  default void close() {}

  /** A sink that discards every event. */
  static EventSink none() {
    return e -> {};
  }

  /** A sink that hands each event to every one of {@code sinks} in order, and closes them all. */
  static EventSink all(EventSink... sinks) {
    List<EventSink> list = List.of(sinks);
    return new EventSink() {
      @Override
      public void accept(DeliveryEvent event) {
        for (EventSink s : list) {
          s.accept(event);
        }
      }

      @Override
      public void publish(JsonEvent event) {
        for (EventSink s : list) {
          s.publish(event);
        }
      }

      @Override
      public void close() {
        for (EventSink s : list) {
          s.close();
        }
      }
    };
  }
}
