package dev.sluice.simulator.account;

import java.util.Objects;
import java.util.Set;

/**
 * Where a configuration set publishes events, as SES's v2 API describes one. Only SNS destinations
 * are delivered by the simulator; the other kinds (Kinesis Data Firehose, CloudWatch, Pinpoint,
 * EventBridge) are kept and shown as given, and nothing is sent to them.
 *
 * @param name the destination's name, unique within its set
 * @param enabled whether it receives events
 * @param matchingEventTypes the kinds of event it receives
 * @param snsTopicArn the SNS topic events are published to, or null for another kind
 * @param otherKind the JSON object of a destination of another kind, as given (e.g. {@code
 *     {"CloudWatchDestination":{…}}}), or null
 */
public record EventDestination(
    String name,
    boolean enabled,
    Set<EventType> matchingEventTypes,
    String snsTopicArn,
    String otherKind) {
  /** Copies the set and checks for nulls. */
  public EventDestination {
    Objects.requireNonNull(name, "name");
    matchingEventTypes = Set.copyOf(matchingEventTypes);
  }

  /** Whether an event of this type goes here. */
  public boolean wants(EventType type) {
    return enabled && matchingEventTypes.contains(type);
  }
}
