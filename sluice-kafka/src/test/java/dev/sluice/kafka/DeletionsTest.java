package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolException;
import org.junit.jupiter.api.Test;

class DeletionsTest {
  private static final QueueId ID = new QueueId("ABC");
  private final Deletions deletions = new Deletions(1_000);

  @Test
  void codec_roundTripsBothKinds_andRefusesUnknownFormats() {
    assertThat(Deletions.decode(ID, Deletions.encode(null))).isNull();
    Deletions.At at = new Deletions.At("p.retry.30s", 7, 123_456_789_012L);
    assertThat(Deletions.decode(ID, Deletions.encode(at))).isEqualTo(at);
    assertThatThrownBy(() -> Deletions.decode(ID, new byte[] {2, 1}))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("format 2");
    assertThatThrownBy(() -> Deletions.decode(ID, new byte[] {1, 2, 0}))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("damaged");
  }

  @Test
  void skips_everyRecordOrOnlyTheNamedOne() {
    QueueId other = new QueueId("DEF");
    deletions.add(ID, new Deletions.At("t", 1, 5), 0);
    assertThat(deletions.skips(ID, "t", 1, 5)).isTrue();
    assertThat(deletions.skips(ID, "t", 1, 6)).isFalse();
    assertThat(deletions.deletedAll(ID)).isFalse();
    deletions.add(ID, null, 0);
    assertThat(deletions.skips(ID, "u", 0, 0)).isTrue();
    assertThat(deletions.deletedAll(ID)).isTrue();
    assertThat(deletions.skips(other, "t", 1, 5)).isFalse();
  }

  @Test
  void prune_forgetsDeletionsPastTheirRetention() {
    deletions.add(ID, null, 0);
    deletions.add(new QueueId("DEF"), null, 5_000);
    deletions.prune(2_000);
    assertThat(deletions.deletedAll(ID)).isFalse();
    assertThat(deletions.size()).isEqualTo(1);
  }
}
