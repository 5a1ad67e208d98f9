package dev.sluice.core.shape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class FairTurnsTest {
  private static final long SEED = 0x5151CE15L;

  @RepeatedTest(50)
  void next_everyClassWaiting_givesTokensInProportionToTheWeights(RepetitionInfo rep) {
    long seed = SEED + rep.getCurrentRepetition();
    Random r = new Random(seed);
    int k = 2 + r.nextInt(3);
    double[] w = new double[k];
    int[] maxTokens = new int[k];
    for (int i = 0; i < k; i++) {
      w[i] = 0.05 + r.nextDouble();
      maxTokens[i] = 1 + r.nextInt(50);
    }
    FairTurns turns = new FairTurns(w);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < 5; j++) {
        turns.join(i, 1 + r.nextInt(maxTokens[i]));
      }
    }
    long[] served = new long[k];
    for (int step = 0; step < 5_000; step++) {
      FairTurns.Ticket t = turns.next();
      served[t.cls()] += t.tokens();
      turns.join(t.cls(), 1 + r.nextInt(maxTokens[t.cls()])); // every class stays backlogged
      // The fairness bound of start-time fair queueing: normalised service differs by at most
      // one largest ticket of each class.
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          double gap = served[i] / w[i] - served[j] / w[j];
          assertThat(gap)
              .as("seed %d step %d classes %d,%d", seed, step, i, j)
              .isLessThanOrEqualTo(maxTokens[i] / w[i] + maxTokens[j] / w[j] + 1e-6);
        }
      }
    }
  }

  @RepeatedTest(50)
  void next_randomArrivals_isWorkConserving_andAnIdleClassGoesWithinItsSharesPacing(
      RepetitionInfo rep) {
    long seed = SEED * 31 + rep.getCurrentRepetition();
    Random r = new Random(seed);
    double wTx = 0.05 + 0.9 * r.nextDouble();
    double wBulk = 1 - wTx;
    FairTurns turns = new FairTurns(wTx, wBulk);
    int waiting = 0;
    for (int i = 0; i < 200; i++) {
      turns.join(1, 1);
      waiting++;
    }
    FairTurns.Ticket tx = null;
    int turnsSinceTx = 0;
    long txServed = 0;
    // A transactional caller of one token, arriving to an empty line, waits at most the turns
    // bulk's unit tickets take to cover one token at the transactional weight.
    int bound = (int) Math.ceil(wBulk / wTx) + 1;
    for (int step = 0; step < 20_000; step++) {
      if (tx == null && r.nextInt(4) == 0) {
        tx = turns.join(0, 1);
        waiting++;
        turnsSinceTx = 0;
      }
      if (r.nextInt(3) > 0) {
        turns.join(1, 1);
        waiting++;
      }
      FairTurns.Ticket t = turns.next();
      if (waiting == 0) {
        assertThat(t).as("seed %d step %d: nobody waits", seed, step).isNull();
        continue;
      }
      assertThat(t).as("seed %d step %d: a turn while %d wait", seed, step, waiting).isNotNull();
      waiting--;
      if (t == tx) {
        tx = null;
        txServed++;
      } else if (tx != null) {
        turnsSinceTx++;
        assertThat(turnsSinceTx)
            .as("seed %d step %d weights %.3f/%.3f", seed, step, wTx, wBulk)
            .isLessThanOrEqualTo(bound);
      }
    }
    assertThat(txServed).as("seed %d", seed).isPositive();
    while (waiting > 0) {
      assertThat(turns.next()).as("seed %d drains", seed).isNotNull();
      waiting--;
    }
    assertThat(turns.next()).isNull();
  }

  @Test
  void leave_aWaitingTicket_isNeverServed_andItsTokensNoLongerWait() {
    FairTurns turns = new FairTurns(1, 1);
    FairTurns.Ticket a = turns.enter(0, 3); // gets the turn at once
    FairTurns.Ticket b = turns.enter(1, 4);
    FairTurns.Ticket c = turns.enter(1, 5);

    turns.leave(b);

    assertThat(turns.waitingTokens(1)).isEqualTo(5);
    turns.pass(a);
    assertThat(turns.next()).isNull(); // c holds the turn now; nobody else waits
    assertThat(turns.grantedTokens(1)).isEqualTo(5);
    assertThat(c.tokens()).isEqualTo(5);
  }

  @Test
  void awaitTurn_threadsOfTwoClasses_takeTurnsInFairOrderOnTheManualClock() throws Exception {
    ManualClock clock = new ManualClock(0);
    FairTurns turns = new FairTurns(0.3, 0.7);
    ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
    FairTurns.Ticket first = turns.enter(1, 1); // holds the turn
    List<CompletableFuture<Void>> done = new ArrayList<>();
    List<FairTurns.Ticket> tickets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tickets.add(turns.enter(1, 1));
    }
    tickets.add(turns.enter(0, 1)); // joins behind six bulk callers
    for (FairTurns.Ticket t : tickets) {
      done.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  turns.awaitTurn(t, () -> false, 1_000_000_000L);
                  order.add(t.cls());
                  clock.sleep(5_000_000); // the token bucket's wait, on the manual clock
                  turns.pass(t);
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
              },
              r -> Thread.ofVirtual().start(r)));
    }
    turns.pass(first);
    CompletableFuture<Void> all = CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!all.isDone() && System.nanoTime() < deadline) {
      if (clock.sleepers() > 0) {
        clock.advance(java.time.Duration.ofMillis(5));
      } else {
        Thread.onSpinWait();
      }
    }
    all.get(1, java.util.concurrent.TimeUnit.SECONDS);

    // The transactional caller joined last but goes first once the turn is passed: its class was
    // idle, so it starts where the bulk line stands now.
    assertThat(new ArrayList<>(order)).hasSize(7).element(0).isEqualTo(0);
  }
}
