package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {
  private final Topics topics =
      new Topics(
          "p",
          List.of(
              Duration.ofSeconds(30),
              Duration.ofMinutes(5),
              Duration.ofMinutes(30),
              Duration.ofHours(2)));

  @Test
  void names_followThePrefix() {
    assertThat(topics.messages()).isEqualTo("p.messages");
    assertThat(topics.failed()).isEqualTo("p.failed");
    assertThat(topics.deleted()).isEqualTo("p.deleted");
    assertThat(topics.tiers())
        .containsExactly("p.retry.30s", "p.retry.5m", "p.retry.30m", "p.retry.2h");
    assertThat(topics.consumed())
        .containsExactly("p.messages", "p.retry.30s", "p.retry.5m", "p.retry.30m", "p.retry.2h");
    assertThat(topics.all()).hasSize(7).contains("p.failed", "p.deleted");
    assertThat(topics.isTier("p.retry.5m")).isTrue();
    assertThat(topics.isTier("p.messages")).isFalse();
  }

  @Test
  void tierFor_picksTheLargestTierNotLongerThanTheDelay_andTheSmallestForShortOnes() {
    assertThat(topics.tierFor(-5_000)).isEqualTo("p.retry.30s");
    assertThat(topics.tierFor(0)).isEqualTo("p.retry.30s");
    assertThat(topics.tierFor(29_999)).isEqualTo("p.retry.30s");
    assertThat(topics.tierFor(30_000)).isEqualTo("p.retry.30s");
    assertThat(topics.tierFor(299_999)).isEqualTo("p.retry.30s");
    assertThat(topics.tierFor(300_000)).isEqualTo("p.retry.5m");
    assertThat(topics.tierFor(3_600_000)).isEqualTo("p.retry.30m");
    assertThat(topics.tierFor(86_400_000)).isEqualTo("p.retry.2h");
  }

  @Test
  void holdMillis_isTheNextTiersDelay_orTwiceTheLargest() {
    assertThat(topics.holdMillis("p.retry.30s")).isEqualTo(300_000);
    assertThat(topics.holdMillis("p.retry.30m")).isEqualTo(7_200_000);
    assertThat(topics.holdMillis("p.retry.2h")).isEqualTo(14_400_000);
  }
}
