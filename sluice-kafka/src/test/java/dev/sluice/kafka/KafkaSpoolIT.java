package dev.sluice.kafka;

import static dev.sluice.kafka.Waits.append;
import static dev.sluice.kafka.Waits.await;
import static dev.sluice.kafka.Waits.ids;
import static dev.sluice.kafka.Waits.join;
import static dev.sluice.kafka.Waits.submission;
import static dev.sluice.kafka.Waits.takeAll;
import static dev.sluice.kafka.Waits.takeOne;
import static dev.sluice.kafka.Waits.takeUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Clock;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KafkaSpool against a real broker in this JVM: every test has topics and a group of its own. */
class KafkaSpoolIT {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static EmbeddedKafka kafka;

  private final String prefix = "it" + SEQUENCE.incrementAndGet();
  private final List<KafkaSpool> opened = new ArrayList<>();

  @BeforeAll
  static void startKafka() {
    kafka = new EmbeddedKafka().start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @AfterEach
  void closeSpools() {
    opened.forEach(KafkaSpool::close);
  }

  private KafkaSpoolConfig.Builder config(int partitions) {
    return KafkaSpoolConfig.builder(kafka.bootstrapServers())
        .topicPrefix(prefix)
        .groupId(prefix + "-relay")
        .partitions(partitions)
        .replicationFactor(1)
        .retryTiers(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .commitInterval(Duration.ofMillis(200))
        .revokeGrace(Duration.ofSeconds(1))
        .clientProperty("heartbeat.interval.ms", "200");
  }

  private KafkaSpool open(KafkaSpoolConfig.Builder config) {
    return open(config, Clock.system());
  }

  private KafkaSpool open(KafkaSpoolConfig.Builder config, Clock clock) {
    KafkaSpool spool = KafkaSpool.open(config.build(), clock);
    opened.add(spool);
    return spool;
  }

  @Test
  void append_takeDue_complete_roundTrip() {
    List<Integer> arrivals = new CopyOnWriteArrayList<>();
    KafkaSpool spool =
        open(
            config(4)
                .listener(
                    new KafkaSpool.Listener() {
                      @Override
                      public void assigned(Set<Integer> owned, int partitions) {}

                      @Override
                      public void arrived(int bucket) {
                        arrivals.add(bucket);
                      }
                    }));
    Submission s = submission("hello", "a@example.net", "b@example.org");
    QueueId id = join(spool.append(s));
    int bucket = id.bucket(4);

    await("the listener hears of its arrival", () -> arrivals.contains(bucket));
    assertThat(spool.nextDue(bucket)).isPresent();
    List<SpooledMessage> taken = spool.takeDue(bucket, Instant.now(), 10);

    assertThat(taken).hasSize(1);
    SpoolEntry e = taken.get(0).entry();
    assertThat(e)
        .isEqualTo(
            new SpoolEntry(
                id,
                s.envelope(),
                s.content().length,
                s.received(),
                "test",
                SpoolState.ACTIVE,
                s.received(),
                0,
                ""));
    assertThat(taken.get(0).content()).isEqualTo(s.content());
    assertThat(spool.find(id)).contains(e);
    assertThat(spool.content(id)).hasValueSatisfying(c -> assertThat(c).isEqualTo(s.content()));
    assertThat(spool.stats().count(SpoolState.ACTIVE)).isEqualTo(1);
    assertThat(spool.nextDue(bucket)).isEmpty();

    assertThat(join(spool.complete(id))).isTrue();
    assertThat(join(spool.complete(id))).isFalse();
    assertThat(join(spool.reschedule(id, Instant.now(), 1, "x"))).isFalse();
    assertThat(join(spool.fail(id, "x", Instant.now()))).isFalse();
    await(
        "the completion is committed",
        () -> spool.stats().total() == 0 && spool.find(id).isEmpty());
    assertThat(spool.list(SpoolFilter.ALL, null, 10)).isEmpty();
  }

  @Test
  void appendAll_namesInOrder_andEachMessageLivesInThePartitionOfItsBucket() {
    KafkaSpool spool = open(config(3));
    List<Submission> batch = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      batch.add(submission("m" + i));
    }

    List<QueueId> named = join(spool.appendAll(batch));

    assertThat(named).hasSize(12).doesNotHaveDuplicates().isSorted();
    assertThat(join(spool.appendAll(List.of()))).isEmpty();
    Map<QueueId, Integer> takenFrom = new HashMap<>();
    await(
        "every message is taken",
        () -> {
          for (int b = 0; b < 3; b++) {
            for (SpooledMessage m : spool.takeDue(b, Instant.now(), 100)) {
              takenFrom.put(m.id(), b);
            }
          }
          return takenFrom.size() == 12;
        });
    named.forEach(id -> assertThat(takenFrom.get(id)).isEqualTo(id.bucket(3)));
    Map<String, Integer> partitionOf = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(Clients.reader(spool.config(), "test"))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        parts.add(new TopicPartition(prefix + ".messages", p));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      await(
          "the records are read back",
          () -> {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
              partitionOf.put(r.key(), r.partition());
            }
            return partitionOf.size() == 12;
          });
    }
    named.forEach(id -> assertThat(partitionOf.get(id.value())).isEqualTo(id.bucket(3)));
  }

  @Test
  void appendAll_withABucketRange_putsEveryMessageInAPartitionOfIt() {
    KafkaSpool spool = open(config(4));
    BucketRange range = new BucketRange(3, 3);
    List<Submission> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Submission s = submission("m" + i);
      batch.add(s.with(s.content(), range));
    }

    List<QueueId> named = join(spool.appendAll(batch));

    assertThat(named).hasSize(10).allSatisfy(id -> assertThat(id.bucket(4)).isEqualTo(3));
    List<QueueId> taken = new ArrayList<>();
    await(
        "every message is taken from partition 3",
        () -> {
          for (int b = 0; b < 4; b++) {
            for (SpooledMessage m : spool.takeDue(b, Instant.now(), 100)) {
              assertThat(b).isEqualTo(3);
              taken.add(m.id());
            }
          }
          return taken.size() == 10;
        });
    assertThat(taken).containsExactlyInAnyOrderElementsOf(named);
    Submission s = submission("beyond");
    assertThatThrownBy(() -> join(spool.append(s.with(s.content(), new BucketRange(4, 4)))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void appendAll_withAMessageLargerThanARecord_storesNothingAndSaysWhy() {
    KafkaSpool spool = open(config(1).maxRecordBytes(ByteSize.ofBytes(2048)));
    Submission big = submission("x".repeat(4096));

    assertThatThrownBy(() -> join(spool.appendAll(List.of(submission("small"), big))))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("larger than the Kafka spool takes")
        .hasMessageContaining("nothing of this batch was stored");
    QueueId marker = append(spool, "marker");
    assertThat(ids(takeUntil(spool, "the marker is taken", l -> !l.isEmpty())))
        .containsExactly(marker);
  }

  @Test
  void reschedule_waitsInItsRetryTier_untilDue() {
    ManualClock clock = new ManualClock(System.currentTimeMillis());
    KafkaSpool spool = open(config(2), clock);
    QueueId id = append(spool, "deferred");
    SpooledMessage first = takeOne(spool, id);
    Instant due = Instant.ofEpochMilli(clock.millis()).plusSeconds(2);

    assertThat(join(spool.reschedule(id, due, 1, "451 4.7.1 later"))).isTrue();

    await("the retry record is held back", () -> spool.heldPartitions() == 1);
    assertThat(takeAll(spool)).isEmpty();
    SpoolEntry waiting = spool.find(id).orElseThrow();
    assertThat(waiting.state()).isEqualTo(SpoolState.DEFERRED);
    assertThat(waiting.due()).isEqualTo(due);
    assertThat(waiting.attempts()).isEqualTo(1);
    assertThat(waiting.lastError()).isEqualTo("451 4.7.1 later");
    await(
        "the counts show it deferred",
        () -> {
          SpoolStats st = spool.stats();
          return st.count(SpoolState.DEFERRED) == 1 && st.total() == 1;
        });

    clock.advance(Duration.ofSeconds(2));
    SpooledMessage again = takeOne(spool, id);

    assertThat(again.entry())
        .isEqualTo(first.entry().with(SpoolState.ACTIVE, due, 1, "451 4.7.1 later"));
    assertThat(again.content()).isEqualTo(first.content());
    assertThat(join(spool.complete(id))).isTrue();
  }

  @Test
  void reschedule_longerThanEveryTier_movesOnThroughTheTiers_andComesBackWhenDue() {
    ManualClock clock = new ManualClock(System.currentTimeMillis());
    KafkaSpool spool = open(config(1), clock);
    QueueId id = append(spool, "long");
    takeOne(spool, id);
    Instant due = Instant.ofEpochMilli(clock.millis()).plusSeconds(10);
    assertThat(join(spool.reschedule(id, due, 1, "later"))).isTrue(); // tier 2s, held 4s at most

    await("the record is held", () -> spool.heldPartitions() == 1);
    clock.advance(Duration.ofSeconds(4));
    await("it moves on once", () -> spool.hops() == 1 && spool.heldPartitions() == 1);
    clock.advance(Duration.ofSeconds(4));
    await("it moves on again", () -> spool.hops() == 2 && spool.heldPartitions() == 1);
    assertThat(takeAll(spool)).isEmpty();
    clock.advance(Duration.ofSeconds(2));

    SpooledMessage m = takeOne(spool, id);
    assertThat(m.entry().due()).isEqualTo(due);
    assertThat(spool.hops()).isEqualTo(2);
  }

  @Test
  void reschedule_andFail_withNarrowedRecipients_keepOnlyThose() {
    KafkaSpool spool = open(config(2));
    QueueId id = join(spool.append(submission("split", "a@x.test", "b@x.test", "c@x.test")));
    takeOne(spool, id);

    assertThat(join(spool.reschedule(id, Instant.now(), 1, "451", List.of("b@x.test", "c@x.test"))))
        .isTrue();
    SpooledMessage again = takeOne(spool, id);
    assertThat(again.entry().envelope().recipients()).containsExactly("b@x.test", "c@x.test");

    assertThatThrownBy(
            () -> join(spool.reschedule(id, Instant.now(), 2, "451", List.of("a@x.test"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a@x.test");
    assertThat(join(spool.fail(id, "550 5.1.1", Instant.now(), List.of("c@x.test")))).isTrue();
    SpoolEntry failed = spool.find(id).orElseThrow();
    assertThat(failed.state()).isEqualTo(SpoolState.FAILED);
    assertThat(failed.envelope().recipients()).containsExactly("c@x.test");
    assertThat(failed.attempts()).isEqualTo(2);
  }

  @Test
  void fail_keepsItInTheFailedTopic_retryNowBringsItBack_deleteRemovesIt() {
    KafkaSpool spool = open(config(2));
    QueueId id = append(spool, "doomed");
    QueueId other = append(spool, "fine");
    takeOne(spool, id);
    Instant at = Instant.now();

    assertThat(join(spool.fail(id, "550 5.1.1 unknown user", at))).isTrue();

    SpoolEntry e = spool.find(id).orElseThrow();
    assertThat(e.state()).isEqualTo(SpoolState.FAILED);
    assertThat(e.due()).isEqualTo(at);
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.lastError()).isEqualTo("550 5.1.1 unknown user");
    assertThat(spool.content(id)).isPresent();
    assertThat(spool.list(SpoolFilter.states(SpoolState.FAILED), null, 10)).containsExactly(e);
    assertThat(spool.list(SpoolFilter.ALL, null, 10))
        .extracting(SpoolEntry::id)
        .containsExactly(id, other);
    assertThat(spool.list(SpoolFilter.ALL, id, 10))
        .extracting(SpoolEntry::id)
        .containsExactly(other);
    assertThat(spool.stats().count(SpoolState.FAILED)).isEqualTo(1);

    assertThat(join(spool.retryNow(id, Instant.now()))).isTrue();
    SpooledMessage retried = takeOne(spool, id);
    assertThat(retried.entry().attempts()).isEqualTo(1);
    assertThat(retried.entry().lastError()).isEqualTo("550 5.1.1 unknown user");
    assertThat(spool.stats().count(SpoolState.FAILED)).isZero();

    assertThat(join(spool.fail(id, "550 again", Instant.now()))).isTrue();
    assertThat(spool.find(id).orElseThrow().attempts()).isEqualTo(2);
    assertThat(join(spool.delete(id))).isTrue();
    await("it is gone", () -> spool.find(id).isEmpty());
    assertThat(spool.stats().count(SpoolState.FAILED)).isZero();
    assertThat(join(spool.delete(id))).isFalse();
    assertThat(join(spool.retryNow(id, Instant.now()))).isFalse();
    assertThat(spool.list(SpoolFilter.ALL, null, 10)).extracting(SpoolEntry::id).doesNotContain(id);
  }

  @Test
  void delete_ofAQueuedMessage_meansItIsNeverTaken() {
    KafkaSpool spool = open(config(2));
    QueueId doomed = append(spool, "doomed");
    assertThat(spool.find(doomed).orElseThrow().state()).isEqualTo(SpoolState.QUEUED);

    assertThat(join(spool.delete(doomed))).isTrue();

    assertThat(spool.find(doomed)).isEmpty();
    // Later messages of the same bucket come after it in its partition.
    List<QueueId> later = new ArrayList<>();
    while (later.stream().noneMatch(id -> id.bucket(2) == doomed.bucket(2))) {
      later.add(append(spool, "later"));
    }
    List<SpooledMessage> taken =
        takeUntil(spool, "every later message is taken", l -> ids(l).containsAll(later));
    assertThat(ids(taken)).doesNotContain(doomed).hasSameSizeAs(later);
    taken.forEach(m -> join(spool.complete(m.id())));
    await("nothing is left", () -> spool.stats().total() == 0);
  }

  @Test
  void deferredMessages_retryNowBringsOneForwardOnce_deleteRemovesAnother() {
    ManualClock clock = new ManualClock(System.currentTimeMillis());
    KafkaSpool spool = open(config(1), clock);
    QueueId forward = append(spool, "forward");
    QueueId doomed = append(spool, "doomed");
    takeUntil(spool, "both are taken", l -> l.size() == 2);
    Instant due = Instant.ofEpochMilli(clock.millis()).plusSeconds(60);
    assertThat(join(spool.reschedule(forward, due, 1, "451"))).isTrue();
    assertThat(join(spool.reschedule(doomed, due, 1, "451"))).isTrue();
    await("the retries are held", () -> spool.heldPartitions() == 1);

    assertThat(join(spool.retryNow(forward, Instant.ofEpochMilli(clock.millis())))).isTrue();
    assertThat(join(spool.delete(doomed))).isTrue();

    SpooledMessage m = takeOne(spool, forward);
    assertThat(m.entry().attempts()).isEqualTo(1);
    assertThat(m.entry().lastError()).isEqualTo("451");
    assertThat(join(spool.complete(forward))).isTrue();
    clock.advance(Duration.ofSeconds(61));
    List<SpooledMessage> late = new ArrayList<>();
    await(
        "the retry tier is read past both",
        () -> {
          late.addAll(takeAll(spool));
          return spool.stats().total() == 0;
        });
    assertThat(late).isEmpty();
  }

  @Test
  void abandonedSpool_itsSuccessorTakesWhatWasNotCommitted_andNothingThatWas() {
    KafkaSpool first = open(config(1));
    List<QueueId> done = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      done.add(append(first, "done" + i));
    }
    takeUntil(first, "the first batch is taken", l -> l.size() == 5);
    done.forEach(id -> assertThat(join(first.complete(id))).isTrue());
    await("the first batch is committed", () -> committed(0) == 5);
    List<QueueId> second = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      second.add(append(first, "second" + i));
    }
    List<SpooledMessage> taken = takeUntil(first, "the second batch is taken", l -> l.size() == 6);
    assertThat(ids(taken)).isEqualTo(second); // one partition: in order
    for (QueueId id : second.subList(0, 3)) {
      assertThat(join(first.complete(id))).isTrue();
    }

    first.abandon();

    KafkaSpool successor = open(config(1));
    QueueId marker = append(successor, "marker");
    List<QueueId> again =
        new ArrayList<>(
            ids(takeUntil(successor, "the marker is taken", l -> ids(l).contains(marker))));
    again.remove(marker);
    assertThat(again).containsAll(second.subList(3, 6)).doesNotContainAnyElementsOf(done);
    assertThat(second).containsAll(again);
    assertThatThrownBy(() -> first.append(submission("late")).get())
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("spool is closed");
  }

  @Test
  void twoNodes_splitTheBuckets_andTheSurvivorTakesThemAllWhenOneLeaves() {
    List<Set<Integer>> seenBySecond = new CopyOnWriteArrayList<>();
    List<Integer> partitionCounts = new CopyOnWriteArrayList<>();
    KafkaSpool a = open(config(4));
    await("the first node owns every bucket", () -> a.ownedBuckets().size() == 4);
    assertThat(a.ownedShare()).isEqualTo(1.0);
    KafkaSpool b =
        open(
            config(4)
                .listener(
                    new KafkaSpool.Listener() {
                      @Override
                      public void assigned(Set<Integer> owned, int partitions) {
                        seenBySecond.add(owned);
                        partitionCounts.add(partitions);
                      }

                      @Override
                      public void arrived(int bucket) {}
                    }));

    await(
        "the buckets are split",
        () -> {
          Set<Integer> x = a.ownedBuckets();
          Set<Integer> y = b.ownedBuckets();
          Set<Integer> union = new HashSet<>(x);
          union.addAll(y);
          return !x.isEmpty()
              && !y.isEmpty()
              && x.size() + y.size() == 4
              && union.size() == 4
              && seenBySecond.contains(y); // the listener hears right after ownedBuckets changes
        });
    assertThat(a.ownedShare() + b.ownedShare()).isEqualTo(1.0);
    assertThat(partitionCounts).containsOnly(4);
    List<QueueId> sent = join(appendMany(a, 16));
    Map<QueueId, KafkaSpool> takenBy = new HashMap<>();
    await(
        "every message is taken by one node",
        () -> {
          for (KafkaSpool s : List.of(a, b)) {
            for (SpooledMessage m : takeAll(s)) {
              assertThat(takenBy.put(m.id(), s)).isNull();
              join(s.complete(m.id()));
            }
          }
          return takenBy.size() == 16;
        });
    for (QueueId id : sent) {
      assertThat(takenBy.get(id).ownedBuckets()).contains(id.bucket(4));
    }

    b.close();

    await("the survivor owns every bucket", () -> a.ownedBuckets().size() == 4);
    QueueId after = append(a, "after");
    takeOne(a, after);
  }

  @Test
  void aNodeJoiningWhileAnotherHasABacklog_inFlightAndBuffered_everythingIsTakenAndCompleted() {
    List<Set<Integer>> heardByFirst = new CopyOnWriteArrayList<>();
    KafkaSpool a =
        open(
            config(4)
                .maxBufferedPerBucket(4)
                .listener(
                    new KafkaSpool.Listener() {
                      @Override
                      public void assigned(Set<Integer> owned, int partitions) {
                        heardByFirst.add(owned);
                      }

                      @Override
                      public void arrived(int bucket) {}
                    }));
    await("the first node owns every bucket", () -> a.ownedBuckets().size() == 4);
    List<QueueId> sent = join(appendMany(a, 60));
    // Some taken and held in flight, the buffers full again behind them, the rest in Kafka.
    List<SpooledMessage> held = takeUntil(a, "a backlog in flight", l -> l.size() >= 8);
    Set<Integer> behind = new HashSet<>();
    for (QueueId id : sent) {
      if (!ids(held).contains(id)) {
        behind.add(id.bucket(4));
      }
    }
    await(
        "the buffers fill again",
        () -> behind.stream().allMatch(bucket -> a.nextDue(bucket).isPresent()));

    KafkaSpool b = open(config(4));
    await(
        "the buckets are split",
        () -> a.ownedBuckets().size() == 2 && b.ownedBuckets().size() == 2);
    // Every partition is revoked when the rebalance starts; the node's share of the account must
    // not drop to nothing meanwhile: the listener hears assignments only.
    assertThat(heardByFirst).isNotEmpty().doesNotContain(Set.of());
    assertThat(heardByFirst.get(heardByFirst.size() - 1)).isEqualTo(a.ownedBuckets());

    Set<QueueId> completed = ConcurrentHashMap.newKeySet();
    for (SpooledMessage m : held) {
      join(a.complete(m.id())); // false for a bucket that moved: its new owner takes it again
      completed.add(m.id());
    }
    await(
        "every message is taken again and completed",
        () -> {
          for (KafkaSpool s : List.of(a, b)) {
            for (SpooledMessage m : takeAll(s)) {
              assertThat(join(s.complete(m.id()))).isTrue();
              completed.add(m.id());
            }
          }
          return completed.containsAll(sent);
        });
  }

  @Test
  void aBacklogLargerThanTheBuffers_isTakenOnce_andTheSuccessorTakesOnlyWhatWasNotFinished() {
    KafkaSpool first = open(config(4).maxBufferedPerBucket(8));
    await("the node owns every bucket", () -> first.ownedBuckets().size() == 4);
    List<QueueId> sent = join(appendMany(first, 400));
    // Taken as they come, the buffers pausing and resuming their partitions many times over;
    // every 20th stays unfinished, so most finished records lie above an unfinished one.
    Map<QueueId, Integer> timesTaken = new HashMap<>();
    List<QueueId> order = new ArrayList<>();
    await(
        "the whole backlog is taken",
        () -> {
          for (SpooledMessage m : takeAll(first)) {
            if (timesTaken.merge(m.id(), 1, Integer::sum) == 1) {
              order.add(m.id());
            }
          }
          return timesTaken.size() == sent.size();
        });
    assertThat(timesTaken.values()).allMatch(n -> n == 1);
    List<QueueId> unfinished = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      if (i % 20 == 0) {
        unfinished.add(order.get(i));
      } else {
        assertThat(join(first.complete(order.get(i)))).isTrue();
      }
    }
    first.close();

    KafkaSpool successor = open(config(4));
    QueueId marker = append(successor, "marker");
    List<QueueId> again =
        new ArrayList<>(
            ids(
                takeUntil(
                    successor,
                    "the unfinished messages and the marker are taken",
                    l -> ids(l).containsAll(unfinished) && ids(l).contains(marker))));
    // Nothing more comes: the first node's last commit named what it finished above each
    // partition's lowest unfinished message.
    again.addAll(ids(takeAll(successor)));
    again.remove(marker);
    assertThat(again).containsExactlyInAnyOrderElementsOf(unfinished);
  }

  /** The group's committed offset of one partition of the messages topic; -1 when none. */
  private long committed(int partition) {
    return kafka.committedOffset(prefix + "-relay", prefix + ".messages", partition);
  }

  private static CompletableFuture<List<QueueId>> appendMany(KafkaSpool spool, int n) {
    List<Submission> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(submission("m" + i));
    }
    return spool.appendAll(batch);
  }

  @Test
  void close_isIdempotent_andLaterCallsSaySoClearly() {
    KafkaSpool spool = open(config(1));
    spool.close();
    spool.close();
    assertThatThrownBy(() -> spool.append(submission("late")).get())
        .hasMessageContaining("spool is closed");
    assertThatThrownBy(() -> spool.takeDue(0, Instant.now(), 1))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("spool is closed");
    assertThatThrownBy(() -> spool.takeDue(1, Instant.now(), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
