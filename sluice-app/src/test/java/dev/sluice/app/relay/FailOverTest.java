package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import dev.sluice.core.transport.AccountGate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailOverTest {
  private final ManualClock clock = new ManualClock(1_000_000);
  private final AccountGate a = new AccountGate(clock);
  private final AccountGate b = new AccountGate(clock);
  private final AccountGate c = new AccountGate(clock);
  private final Map<String, String> next = Map.of("a", "b", "b", "a");
  private final FailOver failOver =
      new FailOver(Map.of("a", a, "b", b, "c", c), r -> Optional.ofNullable(next.get(r)), clock);

  @Test
  void pick_healthyRoute_sendsThroughIt() {
    assertThat(failOver.pick("a")).isEqualTo(new FailOver.Send("a", "a"));
  }

  @Test
  void pick_pausedRoute_sendsThroughItsFailOverUntilItsGateOpens() {
    a.close(AccountGate.Reason.ACCOUNT_PAUSED, Duration.ofMinutes(5), "Sending paused");
    assertThat(failOver.pick("a")).isEqualTo(new FailOver.Send("b", "a"));
    assertThat(failOver.sendsVia("a")).isEqualTo("b");
    clock.advance(Duration.ofMinutes(5));
    assertThat(failOver.pick("a")).isEqualTo(new FailOver.Send("a", "a"));
  }

  @Test
  void pick_dailyQuotaSpentThenRoomRead_takesItsMailBack() {
    a.close(AccountGate.Reason.DAILY_QUOTA, Duration.ofMinutes(1), "Daily message quota exceeded.");
    assertThat(failOver.sendsVia("a")).isEqualTo("b");
    a.open(AccountGate.Reason.DAILY_QUOTA);
    assertThat(failOver.sendsVia("a")).isEqualTo("a");
  }

  @Test
  void pick_rateBookedAhead_staysOnItsRoute() {
    a.close(AccountGate.Reason.RATE_BOOKED_AHEAD, Duration.ofSeconds(20), "booked");
    assertThat(failOver.pick("a")).isEqualTo(new FailOver.Send("a", "a"));
    assertThat(failOver.unhealthy("a")).isFalse();
  }

  @Test
  void pick_routeAndFailOverBothClosed_waitsUntilTheFirstOpens() {
    a.close(AccountGate.Reason.ACCOUNT_PAUSED, Duration.ofMinutes(5), "Sending paused");
    b.close(AccountGate.Reason.THROTTLED, Duration.ofSeconds(1), "Maximum sending rate exceeded.");
    FailOver.Pick p = failOver.pick("a");
    assertThat(p).isInstanceOf(FailOver.Wait.class);
    FailOver.Wait w = (FailOver.Wait) p;
    assertThat(w.after()).isEqualTo(Duration.ofSeconds(1));
    assertThat(w.why()).contains("route a cannot send").contains("nor can its fail-over b");
    clock.advance(Duration.ofSeconds(1));
    assertThat(failOver.pick("a")).isEqualTo(new FailOver.Send("b", "a"));
  }

  @Test
  void pick_routeWithoutFailOverClosed_waitsForItself() {
    c.close(AccountGate.Reason.DAILY_QUOTA, Duration.ofSeconds(30), "spent");
    assertThat(failOver.pick("c"))
        .isEqualTo(
            new FailOver.Wait(
                Duration.ofSeconds(30), "route c cannot send (DAILY_QUOTA: spent, 30 s left)"));
  }
}
