package dev.sluice.kafka;

import dev.sluice.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of a spool's topics and the choice of retry tier.
 *
 * <p>A retry tier is a topic whose records wait a similar time. A delay goes to the largest tier
 * not longer than it (the smallest tier when it is shorter than every tier), so a tier holds delays
 * from its own up to the next tier's: records of a tier come due roughly in the order they were
 * written, and the consumer waits for each tier partition's head only. A record behind the head can
 * wait longer than asked: at most the gap to the next tier (the next tier's delay for the smallest
 * tier, the largest tier's own delay for the largest). The head of a tier partition is held at most
 * until its write time plus the next tier's delay (twice its own for the largest tier); a record
 * still not due then (only a delay longer than that) is written again, to the tier its remaining
 * delay belongs to, and the tier moves on.
 *
 * <p>Immutable.
 */
final class Topics {
  private final String messages;
  private final String failed;
  private final String deleted;
  private final List<String> tiers;
  private final List<Duration> delays;
  private final Map<String, Integer> tierIndex = new HashMap<>();

  Topics(String prefix, List<Duration> tierDelays) {
    this.messages = prefix + ".messages";
    this.failed = prefix + ".failed";
    this.deleted = prefix + ".deleted";
    this.delays = List.copyOf(tierDelays);
    List<String> names = new ArrayList<>();
    for (Duration d : delays) {
      String name = prefix + ".retry." + Durations.format(d);
      tierIndex.put(name, names.size());
      names.add(name);
    }
    this.tiers = Collections.unmodifiableList(names);
  }

  /** New messages and operator retries: every record here is due when read. */
  String messages() {
    return messages;
  }

  /** Failed messages, compacted, keyed by queue id; a tombstone means gone. */
  String failed() {
    return failed;
  }

  /** Operator deletions of waiting messages, read in full by every node. */
  String deleted() {
    return deleted;
  }

  /** The retry tier topics, shortest delay first. */
  List<String> tiers() {
    return tiers;
  }

  /** The topics the consumer group reads: messages and every tier. */
  List<String> consumed() {
    List<String> all = new ArrayList<>(tiers.size() + 1);
    all.add(messages);
    all.addAll(tiers);
    return all;
  }

  /** Every topic of the spool. */
  List<String> all() {
    List<String> all = consumed();
    all.add(failed);
    all.add(deleted);
    return all;
  }

  boolean isTier(String topic) {
    return tierIndex.containsKey(topic);
  }

  /** The tier for a record due {@code delayMillis} from now. */
  String tierFor(long delayMillis) {
    int chosen = 0;
    for (int i = 0; i < delays.size(); i++) {
      if (delays.get(i).toMillis() <= delayMillis) {
        chosen = i;
      }
    }
    return tiers.get(chosen);
  }

  /**
   * How long after it was written the head of a tier partition is held at most: the next tier's
   * delay, or twice its own for the largest tier.
   */
  long holdMillis(String tierTopic) {
    int i = tierIndex.get(tierTopic);
    return i + 1 < delays.size() ? delays.get(i + 1).toMillis() : 2 * delays.get(i).toMillis();
  }
}
