package dev.sluice.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodingTest {
  private static final QueueId ID = new QueueId("00T47VKKST4HJJG0000");

  @Test
  void entry_roundTripsEveryField() {
    SpoolEntry e =
        new SpoolEntry(
            ID,
            new Envelope("", List.of("a@example.net", "ü@exämple.org")),
            123_456_789_012L,
            Instant.parse("1969-07-20T20:17:40.123456789Z"),
            "smtp [::1] user=ünïcode",
            SpoolState.DEFERRED,
            Instant.MAX,
            7,
            "451 4.7.1 try later\r\nsecond line");
    assertThat(EntryCodec.decode(ID, EntryCodec.encode(e))).isEqualTo(e);
  }

  @Test
  void entry_fromAnUnknownFormatOrDamaged_failsNamingTheId() {
    assertThatThrownBy(() -> EntryCodec.decode(ID, new byte[] {9, 1}))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining(ID.value())
        .hasMessageContaining("format 9");
    byte[] cut = EntryCodec.encode(entry(SpoolState.QUEUED));
    assertThatThrownBy(() -> EntryCodec.decode(ID, Arrays.copyOf(cut, cut.length - 3)))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("damaged");
  }

  @Test
  void dueKeys_sortByBucketThenTimeThenId_acrossTheEpochAndTheEnds() {
    Instant[] times = {
      Instant.MIN,
      Instant.parse("1900-01-01T00:00:00Z"),
      Instant.EPOCH.minusMillis(1),
      Instant.EPOCH,
      Instant.parse("2026-11-28T00:00:00.0005Z"),
      Instant.MAX
    };
    byte[] previous = null;
    for (int bucket = 0; bucket < 3; bucket++) {
      for (Instant t : times) {
        for (String id : new String[] {"A", "AB", "B"}) {
          byte[] key = Keys.due(bucket, t, new QueueId(id));
          if (previous != null) {
            assertThat(Arrays.compareUnsigned(previous, key)).isNegative();
          }
          assertThat(Keys.dueId(key)).isEqualTo(new QueueId(id));
          assertThat(Keys.dueMillis(key)).isEqualTo(Keys.millis(t));
          assertThat(Arrays.compareUnsigned(key, Keys.dueFrom(bucket, Keys.millis(t))))
              .isNotNegative();
          assertThat(Arrays.compareUnsigned(key, Keys.dueAfter(bucket, Keys.millis(t))))
              .isNegative();
          assertThat(Arrays.compareUnsigned(key, Keys.bucketEnd(bucket))).isNegative();
          previous = key;
        }
      }
    }
  }

  private static SpoolEntry entry(SpoolState state) {
    return new SpoolEntry(
        ID,
        new Envelope("s@example.com", List.of("r@example.net")),
        10,
        Instant.EPOCH,
        "",
        state,
        Instant.EPOCH,
        0,
        "");
  }
}
