package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.transport.AccountGate;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.Transport;
import dev.sluice.testkit.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole engine of {@link SesSender} (recipient splitting, the call with its retries, the
 * shaper, the daily quota and its refresh) on a {@link ManualClock}: every wait is a sleep on the
 * clock, and the test advances the clock to the next wake once every message is either finished or
 * asleep, so the times of the calls are exact and no real time passes. The upstream is a scripted
 * transport here; {@code SesSenderIT} runs the same paths against the simulator through the AWS
 * SDK.
 */
class SesSenderEngineTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final long MS = 1_000_000L;

  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private SesSender sender;

  @AfterEach
  void close() {
    if (sender != null) {
      sender.close(Duration.ofSeconds(5));
    }
  }

  /** Answers each call by a script and records when it was made and for whom. */
  final class ScriptedTransport implements Transport {
    final List<Long> callNanos = new CopyOnWriteArrayList<>();
    final List<Envelope> calls = new CopyOnWriteArrayList<>();
    volatile Function<Envelope, CallResult> answer =
        e -> new CallResult.Accepted("id-" + calls.size());
    volatile AccountQuota quota;

    ScriptedTransport(AccountQuota quota) {
      this.quota = quota;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public int maxRecipients() {
      return 50;
    }

    @Override
    public long maxMessageSize() {
      return 1000;
    }

    @Override
    public synchronized CallResult send(Envelope envelope, byte[] content) {
      callNanos.add(clock.nanos());
      calls.add(envelope);
      return answer.apply(envelope);
    }

    @Override
    public Optional<AccountQuota> quota() {
      return Optional.ofNullable(quota);
    }

    @Override
    public long connectionsOpened() {
      return 0;
    }

    @Override
    public void close() {}
  }

  private SesSender start(ScriptedTransport t, SenderConfig c, long seed) {
    sender = SesSender.start(t, c, clock, new SimpleMeterRegistry(), new Random(seed));
    return sender;
  }

  private static OutboundMessage message(int i, List<String> to) {
    return new OutboundMessage(
        "m" + i,
        new Envelope("sender@example.com", to),
        ("Subject: " + i + "\r\n\r\nHello\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static OutboundMessage message(int i, String... to) {
    return message(i, List.of(to));
  }

  /**
   * Runs the sends to completion: waits until each unfinished message sleeps on the clock (the
   * quota refresher always does), then advances the clock to the earliest wake, and again.
   */
  private List<Outcome> drive(List<CompletableFuture<Outcome>> sends) {
    while (true) {
      Await.until(
          "every unfinished message asleep on the clock",
          LIMIT,
          () -> unfinished(sends) + 1 == clock.sleepers(),
          () -> unfinished(sends) + " unfinished, " + clock.sleepers() + " asleep");
      if (unfinished(sends) == 0) {
        return sends.stream().map(CompletableFuture::join).toList();
      }
      clock.advance(Duration.ofNanos(clock.nextWakeNanos() - clock.nanos()));
    }
  }

  private static long unfinished(List<CompletableFuture<Outcome>> sends) {
    return sends.stream().filter(f -> !f.isDone()).count();
  }

  private List<Outcome> sendAll(List<OutboundMessage> messages) {
    List<CompletableFuture<Outcome>> sends = new ArrayList<>();
    for (OutboundMessage m : messages) {
      sends.add(sender.send(m));
    }
    return drive(sends);
  }

  @Test
  void send_tenMessagesAtMaxSendRate10_callsSpacedExactlyByTheRate() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(10, -1, 0));
    start(t, SenderConfig.defaults(), 1);

    List<Outcome> outcomes =
        sendAll(
            IntStream.range(0, 10).mapToObj(i -> message(i, "r" + i + "@example.net")).toList());

    assertThat(outcomes).allMatch(o -> o instanceof Outcome.Delivered);
    // The token bucket holds 0.2 s of rate (2 recipients) and starts empty when MaxSendRate is
    // first read: one call every 100 ms from the first.
    assertThat(t.callNanos.stream().sorted().toList())
        .containsExactlyElementsOf(
            LongStream.rangeClosed(1, 10).map(i -> i * 100 * MS).boxed().toList());
  }

  @Test
  void send_120Recipients_threeCallsChargedTheirRecipientsAndOneRefusedAlone() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(100, -1, 0));
    t.answer =
        e ->
            e.recipients().contains("bad@example.net")
                ? new CallResult.Permanent("Invalid email address bad@example.net.", false)
                : new CallResult.Accepted("id-" + t.calls.size());
    start(t, SenderConfig.defaults(), 1);
    List<String> to = new ArrayList<>();
    for (int i = 0; i < 119; i++) {
      to.add("r" + i + "@example.net");
    }
    to.add(60, "bad@example.net");

    Outcome o = sendAll(List.of(message(1, to))).get(0);

    // 50, 50 and 20 recipients; the second call names the bad address and is made again without it.
    // A token bucket of 20 at 100/s, empty at start: the first call waits until it is full (0.2 s),
    // the second for the 30 the first overdrew and until it is full again (0.5 s), its retry for
    // the 50 charged before it (0.5 s), the third for the 49 (0.49 s).
    assertThat(t.calls).extracting(e -> e.recipients().size()).containsExactly(50, 50, 49, 20);
    assertThat(t.callNanos).containsExactly(200 * MS, 700 * MS, 1200 * MS, 1690 * MS);
    assertThat(o).isInstanceOf(Outcome.Failed.class);
    Outcome.Failed f = (Outcome.Failed) o;
    assertThat(f.reason()).isEqualTo("Invalid email address bad@example.net.");
    assertThat(f.delivered()).hasSize(119).doesNotContain("bad@example.net");
  }

  @Test
  void send_rateThrottle_cutsTheRateAndRetriesWithoutGivingUp() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(10, -1, 0));
    t.answer =
        e ->
            t.calls.size() == 3
                ? new CallResult.Throttled(
                    CallResult.ThrottleKind.RATE, "Maximum sending rate exceeded.")
                : new CallResult.Accepted("id-" + t.calls.size());
    start(t, SenderConfig.defaults(), 1);

    List<Outcome> outcomes =
        sendAll(IntStream.range(0, 4).mapToObj(i -> message(i, "r" + i + "@example.net")).toList());

    assertThat(outcomes).allMatch(o -> o instanceof Outcome.Delivered);
    assertThat(t.calls).hasSize(5);
    assertThat(sender.throttles()).isEqualTo(1);
    // Cut by 0.7 at once, then climbing a tenth as fast (0.05/s) as it does without throttles.
    assertThat(sender.currentRate()).isCloseTo(7.0, within(0.05));
  }

  @Test
  void send_transientFailures_backsOffOnTheClockThenDeferredAfterMaxAttempts() {
    long seed = new Random().nextLong();
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(-1, -1, 0));
    t.answer = e -> new CallResult.Transient("503 Service Unavailable");
    start(t, SenderConfig.defaults(), seed);

    Outcome o = sendAll(List.of(message(1, "a@example.net"))).get(0);

    assertThat(o).as("seed %d", seed).isInstanceOf(Outcome.Deferred.class);
    Outcome.Deferred d = (Outcome.Deferred) o;
    assertThat(d.scope()).isEqualTo(Outcome.Scope.UPSTREAM);
    // Five tries, four backoffs between them, each drawn below 100 ms, 200, 400, 800 ms.
    assertThat(t.calls).as("seed %d", seed).hasSize(5);
    for (int i = 1; i < 5; i++) {
      long gap = t.callNanos.get(i) - t.callNanos.get(i - 1);
      assertThat(gap).as("seed %d, backoff %d", seed, i).isBetween(0L, (100L << (i - 1)) * MS);
    }
  }

  @Test
  void send_dailyQuotaUsedUp_pausesUntilARefreshShowsRoom() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(-1, 3, 0));
    start(t, SenderConfig.defaults(), 1);

    List<Outcome> first =
        sendAll(IntStream.range(0, 3).mapToObj(i -> message(i, "r" + i + "@example.net")).toList());
    assertThat(first).allMatch(o -> o instanceof Outcome.Delivered);
    assertThat(sender.dailyPaused()).isTrue();
    assertThat(sender.gate().closure().map(AccountGate.Closure::reason))
        .contains(AccountGate.Reason.DAILY_QUOTA);

    Outcome refused = sendAll(List.of(message(3, "r3@example.net"))).get(0);
    assertThat(refused).isInstanceOf(Outcome.Deferred.class);
    assertThat(((Outcome.Deferred) refused).scope()).isEqualTo(Outcome.Scope.ACCOUNT);
    assertThat(t.calls).hasSize(3);

    // The window rolls on; the next reading shows room again. While paused the account is read
    // every 10 s, from the first 10 s after start, not only once the minute's wait is over.
    t.quota = new AccountQuota(-1, 3, 1);
    clock.advance(Duration.ofNanos(clock.nextWakeNanos() - clock.nanos()));
    Await.until("the quota read again", LIMIT, () -> !sender.dailyPaused());
    assertThat(clock.nanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
    // The gate opens with the reading, not when the closure would have ended by itself.
    assertThat(sender.gate().closure()).isEmpty();

    assertThat(sendAll(List.of(message(4, "r4@example.net"))).get(0))
        .isInstanceOf(Outcome.Delivered.class);
  }

  @Test
  void send_rateBookedTooFarAhead_defersWithoutACall() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(1, -1, 0));
    start(t, SenderConfig.builder().maxShapeWait(Duration.ofSeconds(3)).build(), 1);

    List<Outcome> outcomes =
        sendAll(IntStream.range(0, 6).mapToObj(i -> message(i, "r" + i + "@example.net")).toList());

    // An empty token bucket of one token, refilled at one a second: waits of 1, 2 and 3 s are
    // taken,
    // those of 4, 5 and 6 s are not.
    assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Delivered)).hasSize(3);
    assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Deferred))
        .hasSize(3)
        .allMatch(o -> ((Outcome.Deferred) o).reason().startsWith("waiting for the send rate"));
    assertThat(t.calls).hasSize(3);
    assertThat(sender.rateDeferrals()).isEqualTo(3);
  }

  @Test
  void send_accountPausedByTheUpstream_closesTheGateAndMakesNoCallUntilItOpens() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(-1, -1, 0));
    t.answer =
        e ->
            t.calls.size() == 1
                ? new CallResult.Permanent("Account sending paused.", true)
                : new CallResult.Accepted("id-" + t.calls.size());
    start(t, SenderConfig.builder().accountRetry(Duration.ofMinutes(5)).build(), 1);

    Outcome first = sendAll(List.of(message(1, "a@example.net"))).get(0);
    Outcome second = sendAll(List.of(message(2, "b@example.net"))).get(0);

    assertThat(List.of(first, second))
        .allSatisfy(
            o ->
                assertThat(o)
                    .isInstanceOfSatisfying(
                        Outcome.Deferred.class,
                        d -> {
                          assertThat(d.scope()).isEqualTo(Outcome.Scope.ACCOUNT);
                          assertThat(d.reason()).isEqualTo("Account sending paused.");
                          assertThat(d.retryAfter()).isEqualTo(Duration.ofMinutes(5));
                        }));
    assertThat(t.calls).as("no call while the account is paused").hasSize(1);
    assertThat(sender.gate().opensAt()).isEqualTo(clock.millis() + 300_000);

    clock.advance(Duration.ofMinutes(5));
    assertThat(sendAll(List.of(message(3, "c@example.net"))).get(0))
        .isInstanceOf(Outcome.Delivered.class);
    assertThat(t.calls).hasSize(2);
  }

  @Test
  void refreshQuota_sendingDisabledThenEnabled_closesTheGateAndOpensItWithinTenSeconds() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(-1, -1, 0, false));
    start(t, SenderConfig.defaults(), 1);
    assertThat(sender.gate().closure(AccountGate.Reason.ACCOUNT_PAUSED)).isPresent();
    Outcome refused = sendAll(List.of(message(1, "a@example.net"))).get(0);
    assertThat(refused).isInstanceOf(Outcome.Deferred.class);
    assertThat(((Outcome.Deferred) refused).scope()).isEqualTo(Outcome.Scope.ACCOUNT);
    assertThat(t.calls).as("no call while the account reads as paused").isEmpty();

    t.quota = new AccountQuota(-1, -1, 0, true);
    Await.until("the refresher asleep", LIMIT, () -> clock.sleepers() == 1);
    clock.advance(Duration.ofNanos(clock.nextWakeNanos() - clock.nanos()));
    Await.until(
        "the account read again",
        LIMIT,
        () -> sender.gate().closure(AccountGate.Reason.ACCOUNT_PAUSED).isEmpty());
    assertThat(clock.nanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(sendAll(List.of(message(2, "b@example.net"))).get(0))
        .isInstanceOf(Outcome.Delivered.class);
  }

  @Test
  void refreshQuota_enabledAfterAPauseOfAnotherKind_keepsTheGateClosed() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(-1, -1, 0));
    t.answer = e -> new CallResult.Permanent("Account suspended.", true);
    start(t, SenderConfig.builder().accountRetry(Duration.ofMinutes(5)).build(), 1);
    sendAll(List.of(message(1, "a@example.net")));
    sender.refreshQuota();
    assertThat(sender.gate().closure(AccountGate.Reason.ACCOUNT_PAUSED)).isPresent();
  }

  @Test
  void send_rateBookedTooFarAhead_closesTheGateUntilHalfTheWaitIsWorkedOff() {
    ScriptedTransport t = new ScriptedTransport(new AccountQuota(1, -1, 0));
    start(t, SenderConfig.builder().maxShapeWait(Duration.ofSeconds(2)).build(), 1);
    List<CompletableFuture<Outcome>> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sends.add(sender.send(message(i, "r" + i + "@example.net")));
    }
    Await.until("the third deferred", LIMIT, () -> sends.get(2).isDone());

    // Waits of 1 and 2 s are taken; the third would wait 3 s: back when 3 - 2/2 = 2 s are left.
    assertThat(sender.gate().closure())
        .hasValueSatisfying(
            c -> {
              assertThat(c.reason()).isEqualTo(AccountGate.Reason.RATE_BOOKED_AHEAD);
              assertThat(c.untilMillis()).isEqualTo(clock.millis() + 2_000);
            });
    drive(sends);
  }

  @Test
  void send_dailyThrottleWithoutAQuotaApi_triesAgainAfterAQuotaRefresh() {
    // An SMTP upstream has no call that reads the quota: no reading will ever say it has room.
    ScriptedTransport t = new ScriptedTransport(null);
    t.answer =
        e ->
            t.calls.size() == 1
                ? new CallResult.Throttled(
                    CallResult.ThrottleKind.DAILY,
                    "454 Throttling failure: Daily message quota exceeded.")
                : new CallResult.Accepted("id-" + t.calls.size());
    start(t, SenderConfig.defaults(), 1);

    Outcome first = sendAll(List.of(message(1, "a@example.net"))).get(0);
    assertThat(first).isInstanceOf(Outcome.Deferred.class);
    assertThat(sender.dailyPaused()).isTrue();

    clock.advance(SenderConfig.defaults().quotaRefresh());
    assertThat(sender.dailyPaused()).isFalse();
    assertThat(sendAll(List.of(message(2, "b@example.net"))).get(0))
        .isInstanceOf(Outcome.Delivered.class);
  }
}
