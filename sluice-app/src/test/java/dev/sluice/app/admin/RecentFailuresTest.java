package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spool.QueueId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentFailuresTest {
  private static RecentFailures.Failure failure(int i) {
    return new RecentFailures.Failure(
        new QueueId("Q" + i), Instant.ofEpochSecond(1_790_000_000L + i), i % 2 == 0, "reason " + i);
  }

  @Test
  void newestFirst_beforeFull_listsWhatWasAdded() {
    RecentFailures r = new RecentFailures(4);
    assertThat(r.newestFirst()).isEmpty();
    r.add(failure(1));
    r.add(failure(2));

    assertThat(r.newestFirst()).extracting(f -> f.id().value()).containsExactly("Q2", "Q1");
  }

  @Test
  void add_pastCapacity_keepsOnlyTheNewest() {
    RecentFailures r = new RecentFailures(3);
    for (int i = 1; i <= 10; i++) {
      r.add(failure(i));
    }

    assertThat(r.newestFirst()).extracting(f -> f.id().value()).containsExactly("Q10", "Q9", "Q8");
    assertThat(r.total()).isEqualTo(10);
  }

  @Test
  void failure_withALongReason_isCutToTheLimit() {
    RecentFailures.Failure f =
        new RecentFailures.Failure(
            new QueueId("Q1"), Instant.EPOCH, true, "x".repeat(RecentFailures.MAX_REASON * 3));

    assertThat(f.reason()).hasSize(RecentFailures.MAX_REASON).endsWith("…");
  }
}
