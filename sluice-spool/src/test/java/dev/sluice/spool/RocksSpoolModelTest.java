package dev.sluice.spool;

import static dev.sluice.spool.Messages.T0;
import static dev.sluice.spool.Messages.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of spool operations, with reopens at random points, checked step by step against
 * a plain in-memory model of what the spool promises. A failure names the seed and step; rerun that
 * seed to reproduce it.
 */
class RocksSpoolModelTest {
  private static final int BUCKETS = 3;
  private static final int STEPS = 250;
  private static final String[] DOMAINS = {"example.net", "Example.org", "mail.example.com"};

  @TempDir Path dir;
  private RocksSpool spool;

  @AfterEach
  void closeSpool() {
    if (spool != null) {
      spool.close();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 20261128})
  void randomOperations_matchTheModel(long seed) {
    Random rnd = new Random(seed);
    ManualClock clock = new ManualClock(T0.toEpochMilli());
    Model model = new Model();
    RocksSpoolConfig config =
        RocksSpoolConfig.builder(dir.resolve("s" + seed)).buckets(BUCKETS).build();
    spool = RocksSpool.open(config, clock);
    int step = 0;
    String op = "open";
    try {
      for (step = 0; step < STEPS; step++) {
        clock.advance(Duration.ofMillis(rnd.nextInt(50)));
        int dice = rnd.nextInt(100);
        if (dice < 25) {
          op = "append";
          append(rnd, model);
        } else if (dice < 45) {
          op = "takeDue";
          takeDue(rnd, model);
        } else if (dice < 80) {
          op = "change";
          QueueId id = pickId(rnd, model);
          Change c = randomChange(rnd, id, model, true);
          assertThat(join(c.send(spool))).as(c.toString()).isEqualTo(model.apply(c));
        } else if (dice < 87) {
          op = "burst of changes";
          burst(rnd, model);
        } else if (dice < 92) {
          op = "reopen";
          spool.close();
          spool = RocksSpool.open(config, clock);
          model.recover(Instant.ofEpochMilli(clock.millis()));
        } else {
          op = "check";
          checkEverything(model);
        }
      }
      op = "final check";
      checkEverything(model);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + ", step " + step + " (" + op + "): " + e, e);
    }
  }

  // ---------------------------------------------------------------- operations

  private void append(Random rnd, Model model) {
    int n = 1 + rnd.nextInt(3);
    List<Submission> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(randomSubmission(rnd));
    }
    List<QueueId> ids =
        n == 1 && rnd.nextBoolean()
            ? List.of(join(spool.append(batch.get(0))))
            : join(spool.appendAll(batch));
    assertThat(ids).hasSize(n);
    for (int i = 0; i < n; i++) {
      model.append(ids.get(i), batch.get(i));
    }
  }

  private void takeDue(Random rnd, Model model) {
    int bucket = rnd.nextInt(BUCKETS);
    List<SpoolEntry> mine =
        model.entries.values().stream().filter(e -> e.id().bucket(BUCKETS) == bucket).toList();
    Instant now =
        mine.isEmpty() || rnd.nextBoolean()
            ? randomInstant(rnd, model)
            : mine.get(rnd.nextInt(mine.size())).due().plusNanos(rnd.nextInt(3) - 1);
    int max = 1 + rnd.nextInt(4);
    List<SpooledMessage> got = spool.takeDue(bucket, now, max);
    List<SpoolEntry> expected = model.takeDue(bucket, now, max);
    assertThat(got).extracting(SpooledMessage::entry).isEqualTo(expected);
    for (SpooledMessage m : got) {
      assertThat(m.content()).isEqualTo(model.contents.get(m.id()));
    }
  }

  /** Several changes sent without waiting, so they meet in one batch; applied in order. */
  private void burst(Random rnd, Model model) {
    List<Change> changes = new ArrayList<>();
    List<CompletableFuture<Boolean>> futures = new ArrayList<>();
    QueueId id = pickId(rnd, model);
    for (int i = 0, n = 2 + rnd.nextInt(4); i < n; i++) {
      Change c = randomChange(rnd, rnd.nextInt(3) == 0 ? pickId(rnd, model) : id, model, false);
      changes.add(c);
      futures.add(c.send(spool));
    }
    for (int i = 0; i < changes.size(); i++) {
      assertThat(join(futures.get(i)))
          .as(changes.get(i).toString())
          .isEqualTo(model.apply(changes.get(i)));
    }
  }

  private void checkEverything(Model model) {
    List<SpoolEntry> listed = new ArrayList<>();
    QueueId after = null;
    for (List<SpoolEntry> page; !(page = spool.list(SpoolFilter.ALL, after, 17)).isEmpty(); ) {
      listed.addAll(page);
      after = page.get(page.size() - 1).id();
    }
    assertThat(listed).isEqualTo(List.copyOf(model.entries.values()));
    for (SpoolEntry e : listed) {
      assertThat(spool.find(e.id())).contains(e);
      assertThat(spool.content(e.id()).orElseThrow()).isEqualTo(model.contents.get(e.id()));
    }
    SpoolFilter failedOrDeferred = SpoolFilter.states(SpoolState.FAILED, SpoolState.DEFERRED);
    assertThat(spool.list(failedOrDeferred, null, 1000))
        .isEqualTo(model.entries.values().stream().filter(failedOrDeferred::matches).toList());
    SpoolStats stats = spool.stats();
    assertThat(stats.counts()).isEqualTo(model.counts());
    assertThat(stats.bytes()).isEqualTo(model.bytes());
    assertThat(stats.oldestReceived())
        .isEqualTo(
            model.entries.isEmpty()
                ? Optional.empty()
                : Optional.of(model.entries.firstEntry().getValue().received()));
    for (int b = 0; b < BUCKETS; b++) {
      assertThat(spool.nextDue(b)).as("nextDue(%d)", b).isEqualTo(model.nextDue(b));
    }
  }

  // ---------------------------------------------------------------- random inputs

  private static Submission randomSubmission(Random rnd) {
    List<String> rcpts = new ArrayList<>();
    for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
      rcpts.add("u" + rnd.nextInt(100) + "@" + DOMAINS[rnd.nextInt(DOMAINS.length)]);
    }
    byte[] content = new byte[rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(3000)];
    rnd.nextBytes(content);
    Instant received = T0.plusMillis(rnd.nextInt(60_000));
    if (rnd.nextBoolean()) {
      received = received.plusNanos(rnd.nextInt(1_000_000));
    }
    String origin = rnd.nextBoolean() ? "" : "smtp 127.0.0.1 user=ü" + rnd.nextInt(9);
    return new Submission(new Envelope("s@example.com", rcpts), content, received, origin);
  }

  /** A time around the messages' due times; often exactly one of them, or a nanosecond off. */
  private static Instant randomInstant(Random rnd, Model model) {
    if (!model.entries.isEmpty() && rnd.nextBoolean()) {
      List<SpoolEntry> all = List.copyOf(model.entries.values());
      Instant due = all.get(rnd.nextInt(all.size())).due();
      return due.plusNanos(rnd.nextInt(3) - 1);
    }
    return T0.plusMillis(rnd.nextInt(90_000) - 5_000);
  }

  private static QueueId pickId(Random rnd, Model model) {
    if (model.everSeen.isEmpty() || rnd.nextInt(10) == 0) {
      return new QueueId("NEVER" + rnd.nextInt(1000));
    }
    return model.everSeen.get(rnd.nextInt(model.everSeen.size()));
  }

  /**
   * A random change of one message. Narrowing is drawn from the recipients the model holds now, so
   * only a change applied before the next one is drawn may narrow ({@code mayNarrow}).
   */
  private static Change randomChange(Random rnd, QueueId id, Model model, boolean mayNarrow) {
    PendingOp.Kind kind = PendingOp.Kind.values()[rnd.nextInt(PendingOp.Kind.values().length)];
    Instant at = randomInstant(rnd, model);
    List<String> narrowed = null;
    SpoolEntry e = model.entries.get(id);
    if ((kind == PendingOp.Kind.RESCHEDULE || kind == PendingOp.Kind.FAIL)
        && e != null
        && mayNarrow
        && rnd.nextInt(3) == 0) {
      // A partly delivered message: keep a random non-empty subsequence of its recipients.
      List<String> all = e.envelope().recipients();
      narrowed = new ArrayList<>();
      int keep = rnd.nextInt(all.size());
      for (int i = 0; i < all.size(); i++) {
        if (i == keep || rnd.nextBoolean()) {
          narrowed.add(all.get(i));
        }
      }
    }
    return new Change(kind, id, at, rnd.nextInt(5), "error " + rnd.nextInt(1000), narrowed);
  }

  // ---------------------------------------------------------------- the model

  /** One state change; {@code narrowed} is the remaining recipients, or null to keep them. */
  record Change(
      PendingOp.Kind kind,
      QueueId id,
      Instant at,
      int attempts,
      String text,
      List<String> narrowed) {
    CompletableFuture<Boolean> send(RocksSpool spool) {
      return switch (kind) {
        case COMPLETE -> spool.complete(id);
        case RESCHEDULE ->
            narrowed == null
                ? spool.reschedule(id, at, attempts, text)
                : spool.reschedule(id, at, attempts, text, narrowed);
        case FAIL ->
            narrowed == null ? spool.fail(id, text, at) : spool.fail(id, text, at, narrowed);
        case RETRY_NOW -> spool.retryNow(id, at);
        case DELETE -> spool.delete(id);
      };
    }
  }

  /** What the spool promises, written as plainly as possible. */
  static final class Model {
    final TreeMap<QueueId, SpoolEntry> entries = new TreeMap<>();
    final Map<QueueId, byte[]> contents = new HashMap<>();
    final List<QueueId> everSeen = new ArrayList<>();

    void append(QueueId id, Submission s) {
      entries.put(
          id,
          new SpoolEntry(
              id,
              s.envelope(),
              s.content().length,
              s.received(),
              s.origin(),
              SpoolState.QUEUED,
              s.received(),
              0,
              ""));
      contents.put(id, s.content());
      everSeen.add(id);
    }

    boolean apply(Change c) {
      SpoolEntry e = entries.get(c.id());
      if (e == null) {
        return false;
      }
      SpoolEntry n = c.narrowed() == null ? e : e.withRecipients(c.narrowed());
      SpoolEntry next =
          switch (c.kind()) {
            case COMPLETE, DELETE -> null;
            case RESCHEDULE -> n.with(SpoolState.DEFERRED, c.at(), c.attempts(), c.text());
            case FAIL ->
                n.with(
                    SpoolState.FAILED,
                    c.at(),
                    e.attempts() + (e.state() == SpoolState.ACTIVE ? 1 : 0),
                    c.text());
            case RETRY_NOW -> {
              if (e.state() == SpoolState.ACTIVE) {
                yield e;
              }
              yield e.with(waitingState(e), c.at(), e.attempts(), e.lastError());
            }
          };
      if (next == null) {
        entries.remove(c.id());
        contents.remove(c.id());
        return true;
      }
      if (next == e) {
        return false;
      }
      entries.put(c.id(), next);
      return true;
    }

    List<SpoolEntry> takeDue(int bucket, Instant now, int max) {
      List<SpoolEntry> due = waiting(bucket).filter(e -> !e.due().isAfter(now)).limit(max).toList();
      List<SpoolEntry> taken = new ArrayList<>();
      for (SpoolEntry e : due) {
        SpoolEntry active = e.with(SpoolState.ACTIVE, e.due(), e.attempts(), e.lastError());
        entries.put(e.id(), active);
        taken.add(active);
      }
      return taken;
    }

    Optional<Instant> nextDue(int bucket) {
      return waiting(bucket).findFirst().map(SpoolEntry::due);
    }

    /** Waiting entries of a bucket in the spool's order: due millisecond, then id. */
    private java.util.stream.Stream<SpoolEntry> waiting(int bucket) {
      return entries.values().stream()
          .filter(e -> e.id().bucket(BUCKETS) == bucket)
          .filter(e -> e.state() == SpoolState.QUEUED || e.state() == SpoolState.DEFERRED)
          .sorted(
              Comparator.comparingLong((SpoolEntry e) -> Keys.millis(e.due()))
                  .thenComparing(SpoolEntry::id));
    }

    void recover(Instant now) {
      for (SpoolEntry e : List.copyOf(entries.values())) {
        if (e.state() == SpoolState.ACTIVE) {
          entries.put(e.id(), e.with(waitingState(e), now, e.attempts(), e.lastError()));
        }
      }
    }

    Map<SpoolState, Long> counts() {
      Map<SpoolState, Long> out = new EnumMap<>(SpoolState.class);
      for (SpoolState s : SpoolState.values()) {
        out.put(s, entries.values().stream().filter(e -> e.state() == s).count());
      }
      return out;
    }

    long bytes() {
      return entries.values().stream().mapToLong(SpoolEntry::size).sum();
    }

    private static SpoolState waitingState(SpoolEntry e) {
      return e.attempts() == 0 ? SpoolState.QUEUED : SpoolState.DEFERRED;
    }
  }
}
