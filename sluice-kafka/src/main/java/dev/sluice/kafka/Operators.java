package dev.sluice.kafka;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What operators do with a Kafka spool: look messages up, list and count them, retry and delete
 * them. Reads go through the {@link Inspector}; this node's in-flight messages are added as ACTIVE,
 * which only this node knows.
 *
 * <p>Every method blocks on Kafka and may take as long as a scan; the spool runs the changing ones
 * on virtual threads. Thread-safe.
 */
final class Operators {
  private final Topics topics;
  private final Inspector inspector;
  private final InFlight inFlight;
  private final RecordWriter writer;
  private final Deletions deletions;
  private final ReadyBuffers buffers;
  private final Clock clock;

  Operators(
      Topics topics,
      Inspector inspector,
      InFlight inFlight,
      RecordWriter writer,
      Deletions deletions,
      ReadyBuffers buffers,
      Clock clock) {
    this.topics = topics;
    this.inspector = inspector;
    this.inFlight = inFlight;
    this.writer = writer;
    this.deletions = deletions;
    this.buffers = buffers;
    this.clock = clock;
  }

  Optional<SpoolEntry> find(QueueId id) {
    Optional<Taken> t = inFlight.get(id);
    if (t.isPresent()) {
      return Optional.of(InFlight.active(t.get().entry()));
    }
    return inspector.find(id, false).map(Inspector.Found::entry);
  }

  Optional<byte[]> content(QueueId id) {
    Optional<Taken> t = inFlight.get(id);
    if (t.isPresent()) {
      return Optional.of(t.get().content());
    }
    return inspector.find(id, true).map(Inspector.Found::content);
  }

  List<SpoolEntry> list(SpoolFilter filter, QueueId after, int limit) {
    Map<QueueId, SpoolEntry> all = new TreeMap<>();
    inspector.all().forEach((id, f) -> all.put(id, f.entry()));
    for (Taken t : inFlight.all()) {
      all.put(t.entry().id(), InFlight.active(t.entry()));
    }
    List<SpoolEntry> out = new ArrayList<>();
    for (SpoolEntry e : all.values()) {
      if (out.size() >= limit) {
        break;
      }
      if ((after == null || e.id().compareTo(after) > 0) && filter.matches(e)) {
        out.add(e);
      }
    }
    return out;
  }

  SpoolStats stats() {
    Inspector.Lag lag = inspector.lag();
    Inspector.FailedSummary failed = inspector.failed();
    long bytes = failed.bytes() + buffers.bytes();
    Instant oldest = earlier(failed.oldest().orElse(null), buffers.oldestReceived().orElse(null));
    for (Taken t : inFlight.all()) {
      bytes += t.content().length;
      oldest = earlier(oldest, t.entry().received());
    }
    Map<SpoolState, Long> counts = new EnumMap<>(SpoolState.class);
    counts.put(SpoolState.QUEUED, lag.messages());
    counts.put(SpoolState.DEFERRED, lag.tiers());
    counts.put(SpoolState.ACTIVE, (long) inFlight.size());
    counts.put(SpoolState.FAILED, failed.count());
    return new SpoolStats(counts, bytes, Optional.ofNullable(oldest), -1);
  }

  /** See {@link KafkaSpool#retryNow}. */
  boolean retryNow(QueueId id, Instant now) {
    if (inFlight.get(id).isPresent()) {
      return false;
    }
    Optional<Inspector.Found> found = inspector.find(id, true);
    if (found.isEmpty()) {
      return false;
    }
    Inspector.Found f = found.get();
    SpoolEntry e = f.entry();
    if (f.topic().equals(topics.messages())) {
      return true; // due already
    }
    SpoolState state = e.attempts() == 0 ? SpoolState.QUEUED : SpoolState.DEFERRED;
    writer.write(
        topics.messages(),
        id,
        RecordCodec.encode(e.with(state, now, e.attempts(), e.lastError()), f.content()));
    // Only now retire the old record: a crash in between delivers twice, never not at all.
    if (e.state() == SpoolState.FAILED) {
      writer.write(topics.failed(), id, null);
      inspector.invalidateFailed();
    } else {
      Deletions.At at = new Deletions.At(f.topic(), f.partition(), f.offset());
      writer.write(topics.deleted(), id, Deletions.encode(at));
      deletions.add(id, at, clock.millis());
    }
    return true;
  }

  /** See {@link KafkaSpool#delete}. */
  boolean delete(QueueId id) {
    boolean active = inFlight.get(id).isPresent();
    Optional<Inspector.Found> found = inspector.find(id, false);
    if (found.isEmpty() && !active) {
      return false;
    }
    if (!active && found.get().entry().state() == SpoolState.FAILED) {
      writer.write(topics.failed(), id, null);
      inspector.invalidateFailed();
      return true;
    }
    writer.write(topics.deleted(), id, Deletions.encode(null));
    deletions.add(id, null, clock.millis());
    return true;
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }
}
