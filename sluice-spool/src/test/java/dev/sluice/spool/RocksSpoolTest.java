package dev.sluice.spool;

import static dev.sluice.spool.Messages.T0;
import static dev.sluice.spool.Messages.append;
import static dev.sluice.spool.Messages.join;
import static dev.sluice.spool.Messages.submission;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.spool.BucketRange;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksSpoolTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(T0.toEpochMilli());
  private RocksSpool spool;

  private RocksSpool open(int buckets) {
    spool = RocksSpool.open(RocksSpoolConfig.builder(dir).buckets(buckets).build(), clock);
    return spool;
  }

  private RocksSpool reopen() {
    spool.close();
    return open(spool.buckets());
  }

  @AfterEach
  void closeSpool() {
    if (spool != null) {
      spool.close();
    }
  }

  @Test
  void append_newMessage_isFoundListedAndCounted() {
    open(4);
    Submission s =
        new Submission(
            new Envelope("app@example.com", List.of("a@example.net", "b@example.org")),
            "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8),
            T0.plusNanos(123_456_789),
            "smtp 127.0.0.1 user=app");

    QueueId id = append(spool, s);

    SpoolEntry e = spool.find(id).orElseThrow();
    assertThat(e)
        .isEqualTo(
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
    assertThat(spool.content(id)).hasValueSatisfying(c -> assertThat(c).isEqualTo(s.content()));
    assertThat(spool.list(SpoolFilter.ALL, null, 10)).containsExactly(e);
    SpoolStats stats = spool.stats();
    assertThat(stats.count(SpoolState.QUEUED)).isEqualTo(1);
    assertThat(stats.total()).isEqualTo(1);
    assertThat(stats.bytes()).isEqualTo(s.content().length);
    assertThat(stats.oldestReceived()).contains(s.received());
    assertThat(stats.freeBytes()).isPositive();
    assertThat(spool.syncs()).isGreaterThanOrEqualTo(1);
    assertThat(spool.committed()).isEqualTo(1);
  }

  @Test
  void appendAll_namesMessagesInOrder_andEmptyListNeedsNoWrite() {
    open(4);
    List<QueueId> ids =
        join(spool.appendAll(List.of(submission("one"), submission("two"), submission("three"))));
    assertThat(ids).hasSize(3).doesNotHaveDuplicates().isSorted();
    assertThat(new String(spool.content(ids.get(1)).orElseThrow(), StandardCharsets.UTF_8))
        .contains("two");
    assertThat(spool.committed()).isEqualTo(1);
    assertThat(join(spool.appendAll(List.of()))).isEmpty();
  }

  @Test
  void append_withABucketRange_putsEveryMessageInABucketOfIt_andTakeDueFindsItThere() {
    open(8);
    BucketRange range = new BucketRange(5, 6);
    List<QueueId> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Submission s = submission("m" + i);
      ids.add(append(spool, s.with(s.content(), range)));
    }

    assertThat(ids).allSatisfy(id -> assertThat(id.bucket(8)).isBetween(5, 6));
    List<QueueId> taken = new ArrayList<>();
    for (int b = 0; b < 8; b++) {
      List<SpooledMessage> t = spool.takeDue(b, T0, 100);
      if (!range.contains(b)) {
        assertThat(t).as("bucket %d", b).isEmpty();
      }
      t.forEach(m -> taken.add(m.id()));
    }
    assertThat(taken).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void append_withABucketRangeBeyondTheSpool_failsAndStoresNothing() {
    open(4);
    Submission s = submission("m");

    CompletableFuture<QueueId> f = spool.append(s.with(s.content(), new BucketRange(4, 7)));

    assertThatThrownBy(f::join).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(spool.stats().total()).isZero();
  }

  @Test
  void unknownIds_areAbsentAndEveryChangeCompletesFalse() {
    open(4);
    QueueId unknown = new QueueId("UNKNOWN1");
    assertThat(spool.find(unknown)).isEmpty();
    assertThat(spool.content(unknown)).isEmpty();
    assertThat(join(spool.complete(unknown))).isFalse();
    assertThat(join(spool.reschedule(unknown, T0, 1, "x"))).isFalse();
    assertThat(join(spool.fail(unknown, "x", T0))).isFalse();
    assertThat(join(spool.retryNow(unknown, T0))).isFalse();
    assertThat(join(spool.delete(unknown))).isFalse();
  }

  @Test
  void reopen_keepsMessagesStatesAndCounts() {
    open(4);
    QueueId queued = append(spool, submission("queued"));
    QueueId deferred = append(spool, submission("deferred"));
    QueueId failed = append(spool, submission("failed"));
    QueueId completed = append(spool, submission("completed"));
    join(spool.reschedule(deferred, T0.plusSeconds(60), 2, "451 try later"));
    join(spool.fail(failed, "550 no such user", T0.plusSeconds(1)));
    join(spool.complete(completed));
    List<SpoolEntry> before = spool.list(SpoolFilter.ALL, null, 100);
    SpoolStats statsBefore = spool.stats();

    reopen();

    assertThat(spool.list(SpoolFilter.ALL, null, 100)).isEqualTo(before);
    assertThat(before).extracting(SpoolEntry::id).containsExactly(queued, deferred, failed);
    assertThat(new String(spool.content(failed).orElseThrow(), StandardCharsets.UTF_8))
        .contains("failed");
    assertThat(spool.content(completed)).isEmpty();
    SpoolStats stats = spool.stats();
    assertThat(stats.counts()).isEqualTo(statsBefore.counts());
    assertThat(stats.bytes()).isEqualTo(statsBefore.bytes());
  }

  @Test
  void intakeStats_messagesInEveryState_countsAndFreeSpaceAsStatsWithoutOldest() {
    open(2);
    append(spool, submission("queued"));
    QueueId deferred = append(spool, submission("deferred"));
    QueueId failed = append(spool, submission("failed"));
    QueueId completed = append(spool, submission("completed"));
    join(spool.reschedule(deferred, T0.plusSeconds(60), 2, "451 try later"));
    join(spool.fail(failed, "550 no such user", T0.plusSeconds(1)));
    join(spool.complete(completed));

    SpoolStats full = spool.stats();
    SpoolStats intake = spool.intakeStats();

    assertThat(full.oldestReceived()).isPresent();
    assertThat(intake.oldestReceived()).isEmpty();
    assertThat(intake.counts()).isEqualTo(full.counts());
    assertThat(intake.total()).isEqualTo(3);
    assertThat(intake.bytes()).isEqualTo(full.bytes()).isPositive();
    assertThat(intake.freeBytes()).isPositive();
    spool.close();
    assertThatThrownBy(spool::intakeStats)
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void takeDue_takesEarliestDueFirstUpToTheLimit_andMarksThemActive() {
    open(1);
    QueueId late = append(spool, submission("r@example.net", "late", T0.plusSeconds(30)));
    QueueId early = append(spool, submission("r@example.net", "early", T0.plusSeconds(10)));
    QueueId middle = append(spool, submission("r@example.net", "middle", T0.plusSeconds(20)));

    List<SpooledMessage> first = spool.takeDue(0, T0.plusSeconds(60), 2);

    assertThat(first).extracting(SpooledMessage::id).containsExactly(early, middle);
    assertThat(first).allSatisfy(m -> assertThat(m.entry().state()).isEqualTo(SpoolState.ACTIVE));
    assertThat(new String(first.get(0).content(), StandardCharsets.UTF_8)).contains("early");
    assertThat(spool.find(early).orElseThrow().state()).isEqualTo(SpoolState.ACTIVE);
    assertThat(spool.stats().count(SpoolState.ACTIVE)).isEqualTo(2);
    assertThat(spool.takeDue(0, T0.plusSeconds(60), 10))
        .extracting(SpooledMessage::id)
        .containsExactly(late);
    assertThat(spool.takeDue(0, T0.plusSeconds(60), 10)).isEmpty();
    assertThat(spool.takeDue(0, T0.plusSeconds(60), 0)).isEmpty();
  }

  @Test
  void takeDue_leavesMessagesNotYetDue_toTheNanosecond() {
    open(1);
    Instant due = T0.plusSeconds(10).plusNanos(500_000); // half-way through a millisecond
    QueueId id = append(spool, submission("r@example.net", "x", due));

    assertThat(spool.takeDue(0, due.minusNanos(1), 10)).isEmpty();
    assertThat(spool.takeDue(0, T0, 10)).isEmpty();
    assertThat(spool.nextDue(0)).contains(due);
    assertThat(spool.takeDue(0, due, 10)).extracting(SpooledMessage::id).containsExactly(id);
    assertThat(spool.nextDue(0)).isEmpty();
  }

  @Test
  void takeDue_takesOnlyItsOwnBucket() {
    open(4);
    List<QueueId> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(append(spool, submission("m" + i)));
    }
    for (int b = 0; b < 4; b++) {
      int bucket = b;
      List<QueueId> mine = ids.stream().filter(id -> id.bucket(4) == bucket).toList();
      assertThat(spool.takeDue(b, T0, 100)).extracting(SpooledMessage::id).isEqualTo(mine);
    }
    assertThat(spool.stats().count(SpoolState.ACTIVE)).isEqualTo(40);
  }

  @Test
  void takeDue_refusesBadArguments() {
    open(4);
    assertThatThrownBy(() -> spool.takeDue(4, T0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket must be 0..3, got 4");
    assertThatThrownBy(() -> spool.takeDue(-1, T0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> spool.takeDue(0, T0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> spool.nextDue(4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reschedule_makesItDeferredUntilItsDueTime() {
    open(1);
    QueueId id = append(spool, submission("x"));
    spool.takeDue(0, T0, 10);

    assertThat(join(spool.reschedule(id, T0.plusSeconds(300), 1, "421 busy"))).isTrue();

    SpoolEntry e = spool.find(id).orElseThrow();
    assertThat(e.state()).isEqualTo(SpoolState.DEFERRED);
    assertThat(e.due()).isEqualTo(T0.plusSeconds(300));
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.lastError()).isEqualTo("421 busy");
    assertThat(spool.takeDue(0, T0.plusSeconds(299), 10)).isEmpty();
    assertThat(spool.nextDue(0)).contains(T0.plusSeconds(300));
    assertThat(spool.takeDue(0, T0.plusSeconds(300), 10)).hasSize(1);
  }

  @Test
  void fail_keepsItWithTheReason_countsTheAttempt_andIsNeverDue() {
    open(1);
    QueueId id = append(spool, submission("x"));
    spool.takeDue(0, T0, 10);

    assertThat(join(spool.fail(id, "550 5.1.1 unknown user", T0.plusSeconds(5)))).isTrue();

    SpoolEntry e = spool.find(id).orElseThrow();
    assertThat(e.state()).isEqualTo(SpoolState.FAILED);
    assertThat(e.due()).isEqualTo(T0.plusSeconds(5));
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.lastError()).isEqualTo("550 5.1.1 unknown user");
    assertThat(spool.takeDue(0, T0.plusSeconds(3600), 10)).isEmpty();
    assertThat(spool.nextDue(0)).isEmpty();
    assertThat(spool.content(id)).isPresent();
    assertThat(spool.stats().count(SpoolState.FAILED)).isEqualTo(1);
  }

  @Test
  void retryNow_makesWaitingAndFailedMessagesDue_butLeavesActiveOnesAlone() {
    open(1);
    QueueId failed = append(spool, submission("failed"));
    QueueId deferred = append(spool, submission("deferred"));
    QueueId active = append(spool, submission("active"));
    spool.takeDue(0, T0, 10);
    join(spool.fail(failed, "550 rejected", T0));
    join(spool.reschedule(deferred, T0.plusSeconds(3600), 1, "451 later"));
    Instant now = T0.plusSeconds(10);

    assertThat(join(spool.retryNow(failed, now))).isTrue();
    assertThat(join(spool.retryNow(deferred, now))).isTrue();
    assertThat(join(spool.retryNow(active, now))).isFalse();

    SpoolEntry f = spool.find(failed).orElseThrow();
    assertThat(f.state()).isEqualTo(SpoolState.DEFERRED);
    assertThat(f.due()).isEqualTo(now);
    assertThat(f.attempts()).isEqualTo(1);
    assertThat(f.lastError()).isEqualTo("550 rejected");
    assertThat(spool.find(active).orElseThrow().state()).isEqualTo(SpoolState.ACTIVE);
    assertThat(spool.takeDue(0, now, 10))
        .extracting(SpooledMessage::id)
        .containsExactlyInAnyOrder(failed, deferred);
  }

  @Test
  void retryNow_ofANeverTriedMessage_keepsItQueued() {
    open(1);
    QueueId id = append(spool, submission("r@example.net", "x", T0.plusSeconds(100)));
    assertThat(join(spool.retryNow(id, T0))).isTrue();
    assertThat(spool.find(id).orElseThrow().state()).isEqualTo(SpoolState.QUEUED);
    assertThat(spool.takeDue(0, T0, 10)).extracting(SpooledMessage::id).containsExactly(id);
  }

  @Test
  void completeAndDelete_removeTheMessageInAnyState_once() {
    open(1);
    QueueId active = append(spool, submission("active"));
    spool.takeDue(0, T0, 10);
    QueueId queued = append(spool, submission("queued"));
    QueueId failed = append(spool, submission("failed"));
    join(spool.fail(failed, "550", T0));

    assertThat(join(spool.complete(active))).isTrue();
    assertThat(join(spool.delete(queued))).isTrue();
    assertThat(join(spool.delete(failed))).isTrue();
    assertThat(join(spool.complete(active))).isFalse();
    assertThat(join(spool.delete(queued))).isFalse();

    assertThat(spool.find(active)).isEmpty();
    assertThat(spool.content(queued)).isEmpty();
    assertThat(spool.takeDue(0, T0.plusSeconds(60), 10)).isEmpty();
    SpoolStats stats = spool.stats();
    assertThat(stats.total()).isZero();
    assertThat(stats.bytes()).isZero();
    assertThat(stats.oldestReceived()).isEmpty();
  }

  @Test
  void stats_oldestFollowsTheFirstMessageStillHeld() {
    open(4);
    List<QueueId> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(append(spool, submission("r@example.net", "m" + i, T0.plusSeconds(i))));
    }
    assertThat(spool.stats().oldestReceived()).contains(T0);
    join(spool.complete(ids.get(0)));
    join(spool.delete(ids.get(1)));
    assertThat(spool.stats().oldestReceived()).contains(T0.plusSeconds(2));
    join(spool.complete(ids.get(3))); // behind the oldest: changes nothing
    assertThat(spool.stats().oldestReceived()).contains(T0.plusSeconds(2));
    join(spool.complete(ids.get(2)));
    join(spool.complete(ids.get(4)));
    assertThat(spool.stats().oldestReceived()).isEmpty();
    append(spool, submission("r@example.net", "later", T0.plusSeconds(9)));
    assertThat(spool.stats().oldestReceived()).contains(T0.plusSeconds(9));
  }

  @Test
  void activeMessages_areDueAtOnceAfterReopen() {
    open(1);
    QueueId fresh = append(spool, submission("r@example.net", "fresh", T0));
    QueueId retried = append(spool, submission("r@example.net", "retried", T0));
    QueueId waiting = append(spool, submission("r@example.net", "waiting", T0.plusSeconds(3600)));
    spool.takeDue(0, T0, 10);
    join(spool.reschedule(retried, T0, 2, "451 later"));
    spool.takeDue(0, T0, 10); // retried is ACTIVE again, with two attempts behind it
    clock.advance(Duration.ofSeconds(30));

    reopen();

    Instant reopenedAt = T0.plusSeconds(30);
    SpoolEntry f = spool.find(fresh).orElseThrow();
    assertThat(f.state()).isEqualTo(SpoolState.QUEUED);
    assertThat(f.due()).isEqualTo(reopenedAt);
    SpoolEntry r = spool.find(retried).orElseThrow();
    assertThat(r.state()).isEqualTo(SpoolState.DEFERRED);
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.lastError()).isEqualTo("451 later");
    assertThat(spool.stats().count(SpoolState.ACTIVE)).isZero();
    assertThat(spool.takeDue(0, reopenedAt, 10))
        .extracting(SpooledMessage::id)
        .containsExactlyInAnyOrder(fresh, retried);
    assertThat(spool.find(waiting).orElseThrow().state()).isEqualTo(SpoolState.QUEUED);
  }

  @Test
  void list_filtersByStateDomainAndAge_andPagesAfterTheLastId() {
    open(4);
    List<QueueId> ids = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String domain = i % 2 == 0 ? "Example.NET" : "other.org";
      ids.add(append(spool, submission("u" + i + "@" + domain, "m" + i, T0.plusSeconds(i))));
    }
    join(spool.fail(ids.get(3), "550", T0));
    join(spool.fail(ids.get(4), "550", T0));

    List<QueueId> paged = new ArrayList<>();
    QueueId after = null;
    for (List<SpoolEntry> page; !(page = spool.list(SpoolFilter.ALL, after, 7)).isEmpty(); ) {
      assertThat(page.size()).isLessThanOrEqualTo(7);
      page.forEach(e -> paged.add(e.id()));
      after = page.get(page.size() - 1).id();
    }
    assertThat(paged).isEqualTo(ids);

    assertThat(spool.list(SpoolFilter.states(SpoolState.FAILED), null, 100))
        .extracting(SpoolEntry::id)
        .containsExactly(ids.get(3), ids.get(4));
    assertThat(spool.list(new SpoolFilter(java.util.Set.of(), "example.net", null), null, 100))
        .hasSize(13)
        .allSatisfy(e -> assertThat(e.envelope().recipients().get(0)).endsWith("@Example.NET"));
    assertThat(spool.list(new SpoolFilter(java.util.Set.of(), "", T0.plusSeconds(5)), null, 100))
        .extracting(SpoolEntry::id)
        .isEqualTo(ids.subList(0, 5));
    assertThat(spool.list(SpoolFilter.ALL, ids.get(23), 100))
        .extracting(SpoolEntry::id)
        .containsExactly(ids.get(24));
    assertThat(spool.list(SpoolFilter.ALL, null, 0)).isEmpty();
  }

  @Test
  void reopen_withAnotherBucketCount_failsNamingBothCounts() {
    open(16);
    append(spool, submission("x"));
    spool.close();

    assertThatThrownBy(
            () -> RocksSpool.open(RocksSpoolConfig.builder(dir).buckets(8).build(), clock))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("created with 16 buckets")
        .hasMessageContaining("asks for 8");

    open(16); // the failed attempt left the spool intact and unlocked
    assertThat(spool.stats().total()).isEqualTo(1);
  }

  @Test
  void openTwice_failsAsInUseWithTheDirectoryNamed() {
    open(4);
    assertThatThrownBy(() -> RocksSpool.open(RocksSpoolConfig.of(dir), clock))
        .isInstanceOf(SpoolInUseException.class)
        .hasMessage("the spool in " + dir + " is in use by another process");
    assertThat(spool.stats().total()).as("the first owner keeps it").isZero();
  }

  @Test
  void closedSpool_failsEveryCallWithSpoolIsClosed() {
    open(4);
    QueueId id = append(spool, submission("x"));
    spool.close();
    spool.close(); // idempotent

    assertThat(spool.append(submission("y")))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .withCauseInstanceOf(SpoolException.class)
        .withMessageContaining("spool is closed");
    assertThat(spool.complete(id)).isCompletedExceptionally();
    assertThat(spool.appendAll(List.of())).isCompletedExceptionally();
    assertThatThrownBy(() -> spool.takeDue(0, T0, 1))
        .isInstanceOf(SpoolException.class)
        .hasMessage("spool is closed");
    assertThatThrownBy(() -> spool.find(id)).hasMessage("spool is closed");
    assertThatThrownBy(() -> spool.content(id)).hasMessage("spool is closed");
    assertThatThrownBy(() -> spool.list(SpoolFilter.ALL, null, 1)).hasMessage("spool is closed");
    assertThatThrownBy(() -> spool.stats()).hasMessage("spool is closed");
    assertThatThrownBy(() -> spool.nextDue(0)).hasMessage("spool is closed");
  }

  @Test
  void close_completesEveryQueuedAppend() {
    open(4);
    List<CompletableFuture<QueueId>> futures = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      futures.add(spool.append(submission("m" + i)));
    }
    spool.close();

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    List<QueueId> ids = futures.stream().map(CompletableFuture::join).toList();
    open(4);
    assertThat(spool.stats().total()).isEqualTo(500);
    assertThat(ids).allSatisfy(id -> assertThat(spool.find(id)).isPresent());
  }

  @Test
  void concurrentAppenders_shareSyncs_andEveryIdIsDistinctAndDurable() throws Exception {
    open(16);
    int threads = 200;
    int perThread = 20;
    List<List<QueueId>> got = new ArrayList<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<QueueId> mine = new ArrayList<>();
      got.add(mine);
      int n = t;
      started.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      mine.add(append(spool, submission("t" + n + " m" + i)));
                    }
                  }));
    }
    for (Thread t : started) {
      t.join();
    }
    List<QueueId> all = got.stream().flatMap(List::stream).toList();
    int appends = threads * perThread;

    assertThat(all).hasSize(appends).doesNotHaveDuplicates();
    assertThat(spool.committed()).isEqualTo(appends);
    assertThat(spool.syncs())
        .as("syncs for %d appends from %d threads", appends, threads)
        .isLessThan(appends / 4);
    reopen();
    assertThat(spool.stats().count(SpoolState.QUEUED)).isEqualTo(appends);
    assertThat(all).allSatisfy(id -> assertThat(spool.find(id)).isPresent());
  }

  @Test
  void config_refusesBadValuesWithTheKeyNamed() {
    assertThatThrownBy(() -> RocksSpoolConfig.builder(dir).buckets(0).build())
        .hasMessage("spool buckets must be 1..65535, got 0");
    assertThatThrownBy(() -> RocksSpoolConfig.builder(dir).buckets(65536).build())
        .hasMessageContaining("spool buckets must be 1..65535");
    assertThatThrownBy(() -> RocksSpoolConfig.builder(dir).maxPendingOps(0).build())
        .hasMessageContaining("maxPendingOps must be >= 1");
    assertThatThrownBy(() -> RocksSpoolConfig.builder(dir).maxBatchOps(0).build())
        .hasMessageContaining("maxBatchOps must be >= 1");
    assertThatThrownBy(
            () ->
                RocksSpoolConfig.builder(dir)
                    .maxPendingBytes(dev.sluice.core.ByteSize.ofBytes(0))
                    .build())
        .hasMessageContaining("maxPendingBytes must be >= 1 byte");
    assertThatThrownBy(() -> RocksSpoolConfig.builder(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("spool directory");
    RocksSpoolConfig d = RocksSpoolConfig.of(dir);
    assertThat(d.buckets()).isEqualTo(16);
    assertThat(d.maxPendingOps()).isEqualTo(RocksSpoolConfig.DEFAULT_MAX_PENDING_OPS);
  }
}
