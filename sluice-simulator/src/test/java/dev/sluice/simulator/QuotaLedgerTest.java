package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuotaLedgerTest {
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);

  @Test
  void admit_steadyOverload_admitsRateTimesWindowPlusBurst() {
    QuotaLedger l = new QuotaLedger(10, -1, 1, clock);
    int admitted = 0;
    // 1000 single-recipient calls per second for 10 simulated seconds.
    for (int i = 0; i < 10_000; i++) {
      if (l.admit(1, 1) == QuotaLedger.Decision.ADMIT) {
        admitted++;
      }
      clock.advance(Duration.ofMillis(1));
    }
    // 10/s for 10 s plus a bucket of 10.
    assertThat(admitted).isBetween(109, 111);
  }

  @Test
  void admit_multiRecipientCall_isAdmittedThenChargedIntoDebt() {
    QuotaLedger l = new QuotaLedger(1, -1, 1, clock);
    assertThat(l.admit(5, 5)).isEqualTo(QuotaLedger.Decision.ADMIT);
    assertThat(l.tokens()).isEqualTo(-4.0);
    clock.advance(Duration.ofMillis(4000));
    assertThat(l.admit(1, 1)).isEqualTo(QuotaLedger.Decision.RATE_EXCEEDED);
    clock.advance(Duration.ofMillis(1));
    assertThat(l.admit(1, 1)).isEqualTo(QuotaLedger.Decision.ADMIT);
  }

  @Test
  void admit_refusedCall_isNotCharged() {
    QuotaLedger l = new QuotaLedger(1, 10, 1, clock);
    l.admit(1, 1);
    assertThat(l.admit(1, 1)).isEqualTo(QuotaLedger.Decision.RATE_EXCEEDED);
    assertThat(l.sentLast24Hours()).isEqualTo(1);
  }

  @Test
  void admit_dailyQuotaSpent_refusesUntilWindowRolls() {
    QuotaLedger l = new QuotaLedger(-1, 100, 1, clock);
    for (int i = 0; i < 10; i++) {
      assertThat(l.admit(10, 10)).isEqualTo(QuotaLedger.Decision.ADMIT);
      clock.advance(Duration.ofHours(1));
    }
    assertThat(l.sentLast24Hours()).isEqualTo(100);
    assertThat(l.admit(1, 1)).isEqualTo(QuotaLedger.Decision.DAILY_EXCEEDED);
    // The first 10 were sent 24 h ago minus 10 h: 14 more hours free them.
    clock.advance(Duration.ofHours(14).plusMinutes(1));
    assertThat(l.sentLast24Hours()).isEqualTo(90);
    assertThat(l.admit(1, 1)).isEqualTo(QuotaLedger.Decision.ADMIT);
  }

  @Test
  void admit_dailyQuota_passesWhileAnyRemainsThenChargesAll() {
    QuotaLedger l = new QuotaLedger(-1, 10, 1, clock);
    assertThat(l.admit(9, 9)).isEqualTo(QuotaLedger.Decision.ADMIT);
    assertThat(l.admit(5, 5)).isEqualTo(QuotaLedger.Decision.ADMIT);
    assertThat(l.sentLast24Hours()).isEqualTo(14);
    assertThat(l.admit(1, 1)).isEqualTo(QuotaLedger.Decision.DAILY_EXCEEDED);
  }

  @Test
  void admit_simulatorRecipients_countTowardRateButNotDaily() {
    QuotaLedger l = new QuotaLedger(2, 1, 1, clock);
    assertThat(l.admit(2, 0)).isEqualTo(QuotaLedger.Decision.ADMIT);
    assertThat(l.sentLast24Hours()).isZero();
    assertThat(l.admit(1, 0)).isEqualTo(QuotaLedger.Decision.RATE_EXCEEDED);
  }

  @Test
  void admit_unlimited_neverRefuses() {
    QuotaLedger l = new QuotaLedger(-1, -1, 1, clock);
    for (int i = 0; i < 100_000; i++) {
      assertThat(l.admit(50, 50)).isEqualTo(QuotaLedger.Decision.ADMIT);
    }
    assertThat(l.sentLast24Hours()).isEqualTo(5_000_000);
  }

  @Test
  void configure_lowerRate_capsBalanceAndAppliesAtOnce() {
    QuotaLedger l = new QuotaLedger(100, -1, 1, clock);
    l.configure(2, -1, 1);
    assertThat(l.tokens()).isEqualTo(2.0);
    int admitted = 0;
    for (int i = 0; i < 1000; i++) {
      if (l.admit(1, 1) == QuotaLedger.Decision.ADMIT) {
        admitted++;
      }
      clock.advance(Duration.ofMillis(10));
    }
    assertThat(admitted).isBetween(21, 23);
  }

  @Test
  void reset_forgetsUsage() {
    QuotaLedger l = new QuotaLedger(1, 5, 1, clock);
    l.admit(5, 5);
    l.reset();
    assertThat(l.sentLast24Hours()).isZero();
    assertThat(l.admit(1, 1)).isEqualTo(QuotaLedger.Decision.ADMIT);
  }
}
