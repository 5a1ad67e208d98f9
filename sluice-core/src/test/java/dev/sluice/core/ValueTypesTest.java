package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
  @Test
  void durationParse_everyUnit_givesExactNanos() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse(" 20 ms ")).isEqualTo(Duration.ofMillis(20));
    assertThat(Durations.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
  }

  @Test
  void durationParse_garbage_namesTheExpectedForm() {
    for (String bad : new String[] {"", "ms", "10", "10 parsecs", "-5s", "1e3s"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected a duration");
    }
  }

  @Test
  void durationFormat_roundTripsRandomValues() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int i = 0; i < 1000; i++) {
      Duration d =
          Duration.ofNanos((r.nextLong() & Long.MAX_VALUE) % 1_000_000_000_000_000L / 1000 * 1000);
      assertThat(Durations.parse(Durations.format(d))).as("seed %d value %s", seed, d).isEqualTo(d);
    }
  }

  @Test
  void rateParse_unitsAndBareNumbers_givePerSecond() {
    assertThat(Rate.parse("14/s").perSecond()).isEqualTo(14.0);
    assertThat(Rate.parse("600/m").perSecond()).isEqualTo(10.0);
    assertThat(Rate.parse("3600/h").perSecond()).isEqualTo(1.0);
    assertThat(Rate.parse("86400/d").perSecond()).isEqualTo(1.0);
    assertThat(Rate.parse("0.5").perSecond()).isEqualTo(0.5);
    assertThat(Rate.parse("500/s")).hasToString("500/s");
  }

  @Test
  void rateParse_garbage_namesTheExpectedForm() {
    assertThatThrownBy(() -> Rate.parse("fast")).hasMessageContaining("expected a rate");
    assertThatThrownBy(() -> Rate.parse("-1/s")).hasMessageContaining("expected a rate");
    assertThatThrownBy(() -> Rate.parse("10/y")).hasMessageContaining("expected a rate");
  }

  @Test
  void byteSizeParse_binaryUnits_andPrintsShortest() {
    assertThat(ByteSize.parse("40MB").bytes()).isEqualTo(40L * 1024 * 1024);
    assertThat(ByteSize.parse("64kb").bytes()).isEqualTo(65536);
    assertThat(ByteSize.parse("1G").bytes()).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("512").bytes()).isEqualTo(512);
    assertThat(ByteSize.parse("40MB")).hasToString("40MB");
    assertThat(ByteSize.ofBytes(1000)).hasToString("1000");
    assertThatThrownBy(() -> ByteSize.parse("lots")).hasMessageContaining("expected a size");
    assertThatThrownBy(() -> ByteSize.parse("99999999999GB"))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void manualClock_advance_movesBothClocksAndRefusesToGoBack() {
    ManualClock c = new ManualClock(1_000_000L);
    c.advance(Duration.ofMillis(1500));
    assertThat(c.millis()).isEqualTo(1_001_500L);
    assertThat(c.nanos()).isEqualTo(1_500_000_000L);
    assertThatThrownBy(() -> c.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
