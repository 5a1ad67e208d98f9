package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.testkit.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the simulator's SNS spends CPU on, bounded: signatures paced by {@code sns-max-rate} on the
 * injected clock, one per message however many subscriptions it goes to, and no message written for
 * a subscription whose queue is full. Real endpoints on loopback; a manual clock stands still so
 * that exactly the tokens of the bucket's burst are there to take.
 */
class SnsCpuBoundsIT {
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Simulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private SnsSubscriptionInfo info(String arn) {
    return sim.sns().subscriptions().stream()
        .filter(s -> s.subscriptionArn().equals(arn))
        .findFirst()
        .orElseThrow();
  }

  private double signingWaiting() {
    return sim.registry().get("simulator.sns.signing.waiting").gauge().value();
  }

  @Test
  void maxRate_clockStandingStill_sendsOnlyTheBurstAndTheRestWaitTheirTurn() throws Exception {
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    try (SnsReceiver rx = SnsReceiver.ok()) {
      // 5 signatures a second, a second's worth of burst; 8 workers, so 7 messages can wait.
      sim =
          Simulator.start(
              SimulatorConfig.onFreePorts("sns-auto-confirm=true", "sns-max-rate=5/s"), clock);
      String arn = sim.sns().subscribe(TOPIC, rx.url());
      for (int i = 0; i < 12; i++) {
        assertThat(sim.sns().publish(TOPIC, null, "event " + i)).isEqualTo(1);
      }
      Await.until(
          "the burst delivered, 7 waiting to sign",
          WAIT,
          () -> info(arn).delivered() == 5 && signingWaiting() == 7);
      // With the clock still, the waiting 7 can never be signed: what arrived is the burst.
      assertThat(rx.attempts()).isEqualTo(5);
      assertThat(info(arn).waiting()).isEqualTo(7);

      clock.advance(Duration.ofSeconds(1));
      Await.until(
          "a second's tokens used, 2 waiting",
          WAIT,
          () -> info(arn).delivered() == 10 && signingWaiting() == 2);
      assertThat(rx.attempts()).isEqualTo(10);

      clock.advance(Duration.ofSeconds(1));
      Await.until("all delivered", WAIT, () -> info(arn).delivered() == 12);
      assertThat(rx.attempts()).isEqualTo(12);
      assertThat(info(arn).dropped()).isZero();
    }
  }

  @Test
  void maxRate_oneMessageToTwoSubscriptions_isSignedOnceOnOneTurn() throws Exception {
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    try (SnsReceiver a = SnsReceiver.ok();
        SnsReceiver b = SnsReceiver.ok()) {
      // One token in the bucket.
      sim =
          Simulator.start(
              SimulatorConfig.onFreePorts("sns-auto-confirm=true", "sns-max-rate=1/s"), clock);
      String arnA = sim.sns().subscribe(TOPIC, a.url());
      String arnB = sim.sns().subscribe(TOPIC, b.url());
      assertThat(sim.sns().publish(TOPIC, null, "first")).isEqualTo(2);
      Await.until(
          "the first message at both endpoints",
          WAIT,
          () -> info(arnA).delivered() == 1 && info(arnB).delivered() == 1);
      assertThat(a.all().get(0).json().get("Signature").asText())
          .isEqualTo(b.all().get(0).json().get("Signature").asText());

      assertThat(sim.sns().publish(TOPIC, null, "second")).isEqualTo(2);
      // One delivery waits for the token; the other waits for that delivery's signature.
      Await.until("the second waiting to sign", WAIT, () -> signingWaiting() == 1);
      assertThat(a.attempts() + b.attempts()).isEqualTo(2);
      clock.advance(Duration.ofSeconds(1));
      Await.until(
          "the second message at both endpoints",
          WAIT,
          () -> info(arnA).delivered() == 2 && info(arnB).delivered() == 2);
      assertThat(a.all().get(1).json().get("Message").asText()).isEqualTo("second");
      assertThat(b.all().get(1).json().get("Message").asText()).isEqualTo("second");
    }
  }

  @Test
  void publish_queueFull_onlyTheMessageBeingSentIsWrittenAndTheDroppedAreCounted()
      throws Exception {
    try (SnsReceiver hung = SnsReceiver.hung()) {
      // One worker for the subscription (half of 2 POST slots), two messages may wait.
      sim =
          Simulator.start(
              SimulatorConfig.onFreePorts(
                  "sns-auto-confirm=true",
                  "sns-max-in-flight=2",
                  "sns-queue-limit=2",
                  "sns-request-timeout=10m"));
      String arn = sim.sns().subscribe(TOPIC, hung.url());
      AtomicInteger written = new AtomicInteger();
      assertThat(sim.sns().publish(TOPIC, null, () -> "held " + written.incrementAndGet()))
          .isEqualTo(1);
      Await.until("the endpoint holding the first", WAIT, () -> hung.attempts() == 1);
      int queued = 0;
      for (int i = 0; i < 10; i++) {
        queued += sim.sns().publish(TOPIC, null, () -> "event " + written.incrementAndGet());
      }
      Predicate<SnsSubscriptionInfo> capped = s -> s.waiting() == 3 && s.dropped() == 8;
      assertThat(info(arn)).matches(capped, "1 sending, 2 waiting, 8 dropped");
      assertThat(queued).isEqualTo(2);
      // Written: only the one being sent. The two waiting are written when their turn comes, and
      // the 8 dropped never are.
      assertThat(written.get()).isEqualTo(1);
      assertThat(sim.registry().get("simulator.sns.dropped").tag("topic", TOPIC).counter().count())
          .isEqualTo(8.0);

      // Unsubscribed, the waiting two are dropped unsent: still never written.
      sim.sns().unsubscribe(arn);
      assertThat(sim.registry().get("simulator.sns.dropped").tag("topic", TOPIC).counter().count())
          .isEqualTo(10.0);
      assertThat(written.get()).isEqualTo(1);
    }
  }
}
