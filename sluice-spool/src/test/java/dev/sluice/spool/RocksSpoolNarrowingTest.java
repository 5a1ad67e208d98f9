package dev.sluice.spool;

import static dev.sluice.spool.Messages.T0;
import static dev.sluice.spool.Messages.append;
import static dev.sluice.spool.Messages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Narrowing the envelope of a partly delivered message: a retry or a failure keeps only the
 * recipients that did not get it.
 */
class RocksSpoolNarrowingTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(T0.toEpochMilli());
  private RocksSpool spool;

  @AfterEach
  void closeSpool() {
    if (spool != null) {
      spool.close();
    }
  }

  private RocksSpool open() {
    spool = RocksSpool.open(RocksSpoolConfig.builder(dir).buckets(1).build(), clock);
    return spool;
  }

  private static List<String> recipients(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("r" + i + "@example.net");
    }
    return out;
  }

  private QueueId appendTo(List<String> recipients) {
    return append(
        spool,
        new Submission(
            new Envelope("app@example.com", recipients),
            "Subject: many\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII),
            T0,
            "test"));
  }

  @Test
  void reschedule_withRemainingRecipients_retriesOnlyThem_andSurvivesReopen() {
    open();
    List<String> all = recipients(60);
    QueueId id = appendTo(all);
    spool.takeDue(0, T0, 1);
    List<String> remaining = all.subList(50, 60);

    assertThat(join(spool.reschedule(id, T0.plusSeconds(60), 0, "quota", remaining))).isTrue();

    SpoolEntry e = spool.find(id).orElseThrow();
    assertThat(e.envelope()).isEqualTo(new Envelope("app@example.com", remaining));
    assertThat(e.state()).isEqualTo(SpoolState.DEFERRED);
    assertThat(e.attempts()).isZero();
    assertThat(e.size()).isEqualTo(spool.content(id).orElseThrow().length);
    spool.close();
    open();
    List<SpooledMessage> again = spool.takeDue(0, T0.plusSeconds(60), 1);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).entry().envelope().recipients()).isEqualTo(remaining);
  }

  @Test
  void reschedule_withoutRecipients_keepsTheEnvelope() {
    open();
    List<String> all = recipients(3);
    QueueId id = appendTo(all);
    spool.takeDue(0, T0, 1);

    join(spool.reschedule(id, T0.plusSeconds(1), 1, "451 later"));

    assertThat(spool.find(id).orElseThrow().envelope().recipients()).isEqualTo(all);
  }

  @Test
  void fail_withRemainingRecipients_keepsOnlyThoseForAnOperatorRetry() {
    open();
    List<String> all = recipients(60);
    QueueId id = appendTo(all);
    spool.takeDue(0, T0, 1);
    List<String> remaining = all.subList(50, 60);

    assertThat(join(spool.fail(id, "MessageRejected", T0.plusSeconds(2), remaining))).isTrue();

    SpoolEntry e = spool.find(id).orElseThrow();
    assertThat(e.state()).isEqualTo(SpoolState.FAILED);
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.envelope().recipients()).isEqualTo(remaining);
    join(spool.retryNow(id, T0.plusSeconds(3)));
    assertThat(spool.takeDue(0, T0.plusSeconds(3), 1).get(0).entry().envelope().recipients())
        .isEqualTo(remaining);
  }

  @Test
  void narrowing_toAStranger_isRefusedAndChangesNothing() {
    open();
    List<String> all = recipients(2);
    QueueId id = appendTo(all);
    spool.takeDue(0, T0, 1);
    SpoolEntry before = spool.find(id).orElseThrow();

    CompletableFuture<Boolean> f =
        spool.reschedule(id, T0, 1, "x", List.of("r0@example.net", "intruder@example.org"));
    CompletableFuture<Boolean> g =
        spool.fail(id, "x", T0, List.of("r0@example.net", "r1@example.net", "r1@example.net"));

    assertThatThrownBy(f::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(g::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(spool.find(id)).contains(before);
    assertThat(spool.stats().count(SpoolState.ACTIVE)).isEqualTo(1);
  }

  @Test
  void narrowing_toNobody_isRefusedAtOnce() {
    open();
    QueueId id = appendTo(recipients(2));
    assertThatThrownBy(() -> spool.reschedule(id, T0, 1, "x", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> spool.fail(id, "x", T0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownId_narrowedChangesCompleteFalse() {
    open();
    QueueId unknown = new QueueId("UNKNOWN1");
    assertThat(join(spool.reschedule(unknown, T0, 1, "x", List.of("a@example.net")))).isFalse();
    assertThat(join(spool.fail(unknown, "x", T0, List.of("a@example.net")))).isFalse();
  }
}
