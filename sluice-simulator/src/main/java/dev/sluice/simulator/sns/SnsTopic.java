package dev.sluice.simulator.sns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A topic that has had subscriptions: its subscriptions, its own SignatureVersion (0 follows the
 * simulator's) and its meters, tagged with the topic's ARN. Topics exist only once subscribed to,
 * so the meters' tags stay as few as the subscriptions made.
 *
 * <p>Thread-safe: subscriptions are a copy-on-write list (read on every publish, changed rarely).
 */
final class SnsTopic {
  final String arn;
  final List<SnsSubscription> subscriptions = new CopyOnWriteArrayList<>();
  volatile int signatureVersion;
  final Counter published;
  final Counter delivered;
  final Counter retried;
  final Counter failed;
  final Counter dropped;
  final Counter skippedPending;

  SnsTopic(String arn, MeterRegistry registry) {
    this.arn = arn;
    this.published = counter(registry, "published", "messages published to the topic");
    this.delivered = counter(registry, "delivered", "notifications an endpoint answered 2xx");
    this.retried = counter(registry, "retried", "retries of failed notification POSTs");
    this.failed = counter(registry, "failed", "notifications given up after the last retry");
    this.dropped =
        counter(registry, "dropped", "notifications dropped: queue full, unsubscribed or stopped");
    this.skippedPending =
        counter(
            registry,
            "pending.skipped",
            "notifications not sent to a subscription still pending confirmation");
  }

  private Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder("simulator.sns." + name)
        .description("SNS: " + description)
        .tag("topic", arn)
        .register(registry);
  }
}
