package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.traffic.TrafficClasses;
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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Traffic classes sharing one sender's rate, on a {@link ManualClock}: a backlog of bulk messages
 * waits for the rate, transactional messages arrive behind it, and the order of the calls shows who
 * got the rate. Only the turn's holder sleeps on the clock (the others wait for their turn), so the
 * test advances the clock whenever the holder and the quota refresher are both asleep.
 */
class SesSenderClassesTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private SesSender sender;

  @AfterEach
  void close() {
    if (sender != null) {
      sender.close(Duration.ofSeconds(5));
    }
  }

  /** Accepts every call and records whose it was. */
  static class RecordingTransport implements Transport {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recording";
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
    public CallResult send(Envelope envelope, byte[] content) {
      calls.add(envelope.recipients().get(0));
      return new CallResult.Accepted("id-" + calls.size());
    }

    @Override
    public Optional<AccountQuota> quota() {
      return Optional.of(new AccountQuota(100, 1_000_000, 0));
    }

    @Override
    public long connectionsOpened() {
      return 0;
    }

    @Override
    public void close() {}
  }

  private static OutboundMessage message(String cls, int i) {
    return new OutboundMessage(
        cls + i,
        new Envelope("sender@example.com", List.of(cls + i + "@example.net")),
        "Subject: x\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII),
        cls);
  }

  /** Advances the clock, wake by wake, until {@code done}. */
  private void driveUntil(BooleanSupplier done) {
    while (!done.getAsBoolean()) {
      Await.until(
          "the turn's holder asleep on the clock, or done",
          LIMIT,
          () -> done.getAsBoolean() || clock.sleepers() >= 2,
          () -> clock.sleepers() + " asleep");
      if (done.getAsBoolean()) {
        return;
      }
      clock.advance(Duration.ofNanos(clock.nextWakeNanos() - clock.nanos()));
    }
  }

  @RepeatedTest(10)
  void send_transactionalBehindABulkBacklog_goesAtItsShareAndBulkTakesTheRest(RepetitionInfo rep) {
    long seed = 7_000L + rep.getCurrentRepetition();
    Random r = new Random(seed);
    int share = 10 + r.nextInt(50); // transactional's share, percent
    int bulkBacklog = 100 + r.nextInt(100);
    int tx = 1 + r.nextInt(10);
    int before = 5 + r.nextInt(40); // bulk calls made before transactional arrives
    TrafficClasses classes =
        TrafficClasses.parse("transactional:" + share + "%,bulk:" + (100 - share) + "%", "bulk");
    RecordingTransport t = new RecordingTransport();
    sender =
        SesSender.start(
            t,
            SenderConfig.builder().burst(Duration.ofMillis(10)).classes(classes).build(),
            clock,
            new SimpleMeterRegistry(),
            new Random(seed));
    List<CompletableFuture<Outcome>> sends = new ArrayList<>();
    for (int i = 0; i < bulkBacklog; i++) {
      sends.add(sender.send(message("bulk", i)));
    }
    driveUntil(() -> t.calls.size() >= before);
    int injectedAt = t.calls.size();
    for (int i = 0; i < tx; i++) {
      sends.add(sender.send(message("transactional", i)));
    }
    Await.until(
        "the transactional messages wait in their line",
        LIMIT,
        () -> sender.waitingRecipients(0) + countOf(t.calls, "transactional") >= tx - 1);
    driveUntil(() -> sends.stream().allMatch(CompletableFuture::isDone));

    assertThat(sends).allSatisfy(f -> assertThat(f.join()).isInstanceOf(Outcome.Delivered.class));
    List<String> after = t.calls.subList(injectedAt, t.calls.size());
    int lastTx = 0;
    for (int i = 0; i < after.size(); i++) {
      if (after.get(i).startsWith("transactional")) {
        lastTx = i + 1;
      }
    }
    // Transactional goes at its share's pacing however long the bulk line: tx calls take at most
    // 1 / share of the calls after it arrived, plus one turn in flight when it did and one for
    // rounding each way.
    int bound = (int) Math.ceil(tx * 100.0 / share) + 3;
    assertThat(lastTx)
        .as("seed %d share %d%% tx %d backlog %d: %s", seed, share, tx, bulkBacklog, after)
        .isLessThanOrEqualTo(bound);
    assertThat(sender.grantedRecipients(0)).as("seed %d", seed).isEqualTo(tx);
    assertThat(sender.grantedRecipients(1)).as("seed %d", seed).isEqualTo(bulkBacklog);
  }

  @org.junit.jupiter.api.Test
  void send_aCallLargerThanTheClassesShareCanPayInTheLongestWait_goesOnceTheBucketIsFull() {
    // 1/s, bulk's share 70%: 50 recipients are 71 s of bulk's pace, past the 30-s longest wait;
    // the line ahead of the call is empty, so it goes as a call larger than the bucket does.
    TrafficClasses classes = TrafficClasses.parse("transactional:30%,bulk:70%", "bulk");
    RecordingTransport t =
        new RecordingTransport() {
          @Override
          public Optional<AccountQuota> quota() {
            return Optional.of(new AccountQuota(1, 1_000_000, 0));
          }
        };
    sender =
        SesSender.start(
            t,
            SenderConfig.builder().classes(classes).build(),
            clock,
            new SimpleMeterRegistry(),
            new Random(1));
    List<String> to = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      to.add("r" + i + "@example.net");
    }
    CompletableFuture<Outcome> f =
        sender.send(
            new OutboundMessage(
                "big",
                new Envelope("sender@example.com", to),
                "Subject: x\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII),
                "bulk"));

    driveUntil(f::isDone);

    assertThat(f.join()).isInstanceOf(Outcome.Delivered.class);
    assertThat(t.calls).hasSize(1);
  }

  private static long countOf(List<String> calls, String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).count();
  }
}
