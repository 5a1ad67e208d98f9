package dev.sluice.kafka;

import dev.sluice.core.spool.SpoolEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * A message handed to a taker and not yet finished: the entry as it was read, its content, and the
 * records it was read from (usually one; more when the same message was read again while it was in
 * flight here, e.g. after its partition came back in a rebalance). Finishing it finishes them all.
 *
 * <p>Thread-safe.
 */
final class Taken {
  private record Source(PartitionTracker tracker, long offset) {}

  private final SpoolEntry entry;
  private final byte[] content;
  private final String topic;
  private final List<Source> sources = new ArrayList<>(1);

  Taken(ReadyBuffers.Ready r) {
    this.entry = r.entry();
    this.content = r.content();
    this.topic = r.partition().topic();
    sources.add(new Source(r.tracker(), r.offset()));
  }

  /** The entry as read (QUEUED or DEFERRED). */
  SpoolEntry entry() {
    return entry;
  }

  byte[] content() {
    return content;
  }

  /** The topic of the record first taken. */
  String topic() {
    return topic;
  }

  /** Another record of the same message, read while this one was in flight. */
  synchronized void add(ReadyBuffers.Ready r) {
    sources.add(new Source(r.tracker(), r.offset()));
  }

  /** Marks every record of the message finished in its partition's tracker. */
  synchronized void done() {
    for (Source s : sources) {
      s.tracker().done(s.offset());
    }
  }
}
