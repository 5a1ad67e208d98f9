package dev.sluice.core.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.spool.BucketRange;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.QueueIdGenerator;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class TrafficClassesTest {
  @Test
  void parse_theDefaults_namesSharesAndDefaultClass() {
    TrafficClasses c = TrafficClasses.parse("transactional:30%, Bulk:70%", "bulk");

    assertThat(c.names()).containsExactly("transactional", "bulk");
    assertThat(c.get(0).share()).isEqualTo(0.3);
    assertThat(c.defaultIndex()).isEqualTo(1);
    assertThat(c.indexOf("BULK")).isEqualTo(1);
    assertThat(c.indexOf("other")).isEqualTo(-1);
    assertThat(c.buckets(0, 16)).isEqualTo(new BucketRange(0, 4));
    assertThat(c.buckets(1, 16)).isEqualTo(new BucketRange(5, 15));
    assertThat(c).hasToString("transactional:30.0%,bulk:70.0%");
  }

  @Test
  void parse_badLists_sayWhatIsWrong() {
    assertThatThrownBy(() -> TrafficClasses.parse("a:60%,b:50%", "a"))
        .hasMessageContaining("more than 100%");
    assertThatThrownBy(() -> TrafficClasses.parse("a:60%,a:10%", "a"))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> TrafficClasses.parse("a:60%", "b"))
        .hasMessageContaining("default class 'b'");
    assertThatThrownBy(() -> TrafficClasses.parse("a", "a")).hasMessageContaining("NAME:SHARE");
    assertThatThrownBy(() -> TrafficClasses.parse("a:0%", "a")).hasMessageContaining("above 0%");
    assertThatThrownBy(() -> TrafficClasses.parse("a:x%", "a")).hasMessageContaining("30%");
    assertThatThrownBy(() -> TrafficClasses.parse("a b:10%", "a b"))
        .hasMessageContaining("class name");
    assertThatThrownBy(() -> TrafficClasses.parse("a:50%,b:50%", "a").buckets(0, 1))
        .hasMessageContaining("at least as many spool buckets");
  }

  @RepeatedTest(100)
  void buckets_randomClassesAndSpools_splitEveryBucketOnceInShareOrder(RepetitionInfo rep) {
    long seed = 4242L + rep.getCurrentRepetition();
    Random r = new Random(seed);
    int k = 1 + r.nextInt(4);
    StringBuilder spec = new StringBuilder();
    for (int i = 0; i < k; i++) {
      spec.append(i == 0 ? "" : ",").append("c").append(i).append(':');
      spec.append(1 + r.nextInt(100 / k)).append('%');
    }
    TrafficClasses c = TrafficClasses.parse(spec.toString(), "c0");
    int buckets = k + r.nextInt(64);

    int next = 0;
    for (int i = 0; i < k; i++) {
      BucketRange range = c.buckets(i, buckets);
      assertThat(range.first()).as("seed %d class %d", seed, i).isEqualTo(next);
      assertThat(range.last()).as("seed %d class %d", seed, i).isGreaterThanOrEqualTo(next);
      for (int b = range.first(); b <= range.last(); b++) {
        assertThat(c.classOfBucket(b, buckets)).as("seed %d bucket %d", seed, b).isEqualTo(i);
      }
      next = range.last() + 1;
    }
    assertThat(next).as("seed %d", seed).isEqualTo(buckets);
  }

  @Test
  void queueIdGenerator_nextInARange_makesIdsOfThoseBucketsOnly_stillInOrder() {
    QueueIdGenerator ids = new QueueIdGenerator(7);
    BucketRange range = new BucketRange(3, 3);
    QueueId last = null;
    for (int i = 0; i < 200; i++) {
      QueueId id = ids.next(1_000 + i / 10, range, 16);
      assertThat(id.bucket(16)).isEqualTo(3);
      if (last != null) {
        assertThat(id).isGreaterThan(last);
      }
      last = id;
    }
    assertThatThrownBy(() -> ids.next(2_000, new BucketRange(16, 20), 16))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
