package dev.sluice.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import dev.sluice.core.transport.AccountGate.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AccountGateTest {
  private static final long T0 = 1_700_000_000_000L;
  private final ManualClock clock = new ManualClock(T0);
  private final AccountGate gate = new AccountGate(clock);

  @Test
  void new_gate_isOpen() {
    assertThat(gate.closure()).isEmpty();
    assertThat(gate.opensAt()).isLessThanOrEqualTo(T0);
  }

  @Test
  void close_forADuration_opensByItselfWhenItEnds() {
    gate.close(Reason.ACCOUNT_PAUSED, Duration.ofMinutes(5), "Account sending paused.");

    assertThat(gate.isClosed(Reason.ACCOUNT_PAUSED)).isTrue();
    assertThat(gate.opensAt()).isEqualTo(T0 + 300_000);
    assertThat(gate.closure())
        .contains(
            new AccountGate.Closure(
                Reason.ACCOUNT_PAUSED, T0 + 300_000, "Account sending paused."));
    clock.advance(Duration.ofMinutes(5));
    assertThat(gate.closure()).isEmpty();
    assertThat(gate.isClosed(Reason.ACCOUNT_PAUSED)).isFalse();
  }

  @Test
  void open_oneReason_leavesTheOthersClosed() {
    gate.close(Reason.DAILY_QUOTA, Duration.ofMinutes(1), "Daily message quota exceeded.");
    gate.close(Reason.RATE_BOOKED_AHEAD, Duration.ofSeconds(20), "waiting for the send rate");

    gate.open(Reason.DAILY_QUOTA);

    assertThat(gate.isClosed(Reason.DAILY_QUOTA)).isFalse();
    assertThat(gate.closure().map(AccountGate.Closure::reason)).contains(Reason.RATE_BOOKED_AHEAD);
    assertThat(gate.opensAt()).isEqualTo(T0 + 20_000);
  }

  @Test
  void close_again_keepsTheLaterEnd() {
    gate.close(Reason.THROTTLED, Duration.ofSeconds(10), "first");
    gate.close(Reason.THROTTLED, Duration.ofSeconds(1), "second");

    assertThat(gate.closure(Reason.THROTTLED).map(AccountGate.Closure::text)).contains("first");
    clock.advance(Duration.ofSeconds(5));
    gate.close(Reason.THROTTLED, Duration.ofSeconds(30), "third");
    assertThat(gate.opensAt()).isEqualTo(T0 + 35_000);
  }

  @Test
  void closure_severalReasons_isTheOneThatEndsLast() {
    gate.close(Reason.DAILY_QUOTA, Duration.ofMinutes(1), "daily");
    gate.close(Reason.DEFERRED, Duration.ofMinutes(2), "deferred");
    gate.close(Reason.THROTTLED, Duration.ofSeconds(1), "throttled");

    assertThat(gate.closure().map(AccountGate.Closure::reason)).contains(Reason.DEFERRED);
    assertThat(gate.opensAt()).isEqualTo(T0 + 120_000);
  }

  @Test
  void close_forNoTime_leavesTheGateOpen() {
    gate.close(Reason.DEFERRED, Duration.ZERO, "sender is closing");
    gate.close(Reason.DEFERRED, Duration.ofSeconds(-1), "negative");

    assertThat(gate.closure()).isEmpty();
  }
}
