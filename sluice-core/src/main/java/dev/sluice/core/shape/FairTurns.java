package dev.sluice.core.shape;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whose turn it is to take tokens next, among callers of several weighted classes: each class gets
 * at least its weight's share of the turns' tokens while it has callers waiting, and the turns a
 * class leaves unused go to the others (work-conserving weighted sharing).
 *
 * <p>Design: start-time fair queueing. A caller joining class {@code c} with {@code n} tokens gets
 * the start tag {@code max(V, F_c)}, where {@code F_c} is the finish tag of the class's previous
 * caller, and its own finish tag is the start plus {@code n / weight_c}; turns go in order of start
 * tag (ties to the class listed first), and {@code V} is the start tag of the last turn given. A
 * class that was idle starts at {@code V}, so its next caller goes within one turn however long the
 * other classes' lines are; classes that all wait share turns' tokens in proportion to their
 * weights. One turn at a time: the holder takes its tokens from the token bucket and passes the
 * turn on once they are due, so the choice of who goes next is made when a turn frees up, not when
 * a caller arrives; a bucket of reservations booked ahead in arrival order (what a single {@link
 * TokenBucket} does) would put a new transactional caller behind every bulk caller already booked.
 * Rejected: a token bucket per class at its share (not work-conserving), strict priority (starves
 * the lower class).
 *
 * <p>The order ({@link #join}, {@link #next}, {@link #leave}) is pure and needs no clock; {@link
 * #awaitTurn} and {@link #pass} add the hand-over between threads: a caller waits on its own
 * semaphore, so passing a turn wakes exactly one thread.
 *
 * <p>Thread-safe: every method locks this object for a few steps; {@link #awaitTurn} waits without
 * it.
 */
public final class FairTurns {
  /** One caller's place: its class, its tokens and its start tag. Confined to its caller. */
  public static final class Ticket {
    private final int cls;
    private final int tokens;
    private final double start;
    private final Semaphore turn = new Semaphore(0);

    private Ticket(int cls, int tokens, double start) {
      this.cls = cls;
      this.tokens = tokens;
      this.start = start;
    }

    /** The class the caller is in. */
    public int cls() {
      return cls;
    }

    /** The tokens the caller takes. */
    public int tokens() {
      return tokens;
    }
  }

  private final double[] weights;
  private final List<ArrayDeque<Ticket>> lines;
  private final double[] lastFinish;
  private final long[] waitingTokens;
  private final long[] grantedTokens;
  private double virtualNow;
  private Ticket holder;

  /**
   * Turns among {@code weights.length} classes with these weights (any positive numbers; only their
   * ratios count).
   */
  public FairTurns(double... weights) {
    if (weights.length == 0) {
      throw new IllegalArgumentException("at least one class");
    }
    for (double w : weights) {
      if (!(w > 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weights must be positive, got " + w);
      }
    }
    this.weights = weights.clone();
    this.lines = new ArrayList<>(weights.length);
    for (int i = 0; i < weights.length; i++) {
      lines.add(new ArrayDeque<>());
    }
    this.lastFinish = new double[weights.length];
    this.waitingTokens = new long[weights.length];
    this.grantedTokens = new long[weights.length];
  }

  /** How many classes there are. */
  public int classes() {
    return weights.length;
  }

  /**
   * Puts a caller of class {@code cls} taking {@code tokens} in its class's line and, if no turn is
   * held, hands it to the first in order; the caller then waits in {@link #awaitTurn}.
   */
  public synchronized Ticket enter(int cls, int tokens) {
    Ticket t = join(cls, tokens);
    if (holder == null) {
      handOn();
    }
    return t;
  }

  /**
   * Puts a caller of class {@code cls} taking {@code tokens} in its class's line, handing no turn:
   * the pure order, taken out with {@link #next}.
   */
  public synchronized Ticket join(int cls, int tokens) {
    if (cls < 0 || cls >= weights.length) {
      throw new IllegalArgumentException("class " + cls + " is not one of 0.." + weights.length);
    }
    double start = Math.max(virtualNow, lastFinish[cls]);
    Ticket t = new Ticket(cls, tokens, start);
    lastFinish[cls] = start + tokens / weights[cls];
    lines.get(cls).addLast(t);
    waitingTokens[cls] += tokens;
    return t;
  }

  /**
   * Takes the next caller in order out of the lines without handing it a turn; null when none
   * waits. For the pure order (tests, simulations); callers that wait use {@link #enter} and {@link
   * #awaitTurn}.
   */
  public synchronized Ticket next() {
    int best = -1;
    for (int i = 0; i < lines.size(); i++) {
      Ticket head = lines.get(i).peekFirst();
      if (head != null && (best < 0 || head.start < lines.get(best).peekFirst().start)) {
        best = i;
      }
    }
    if (best < 0) {
      return null;
    }
    Ticket t = lines.get(best).pollFirst();
    waitingTokens[best] -= t.tokens;
    grantedTokens[best] += t.tokens;
    virtualNow = t.start;
    return t;
  }

  /**
   * Waits until {@code t} holds the turn; false (and {@code t} leaves its line) when {@code
   * stopping} turns true first, looked at every {@code recheckNanos} of real time.
   */
  public boolean awaitTurn(Ticket t, BooleanSupplier stopping, long recheckNanos)
      throws InterruptedException {
    while (!t.turn.tryAcquire(recheckNanos, TimeUnit.NANOSECONDS)) {
      if (stopping.getAsBoolean()) {
        leave(t);
        return false;
      }
    }
    return true;
  }

  /** Passes the turn {@code t} holds to the next caller in order. */
  public synchronized void pass(Ticket t) {
    if (holder == t) {
      holder = null;
      handOn();
    }
  }

  /**
   * Takes {@code t} out: out of its line if it waits, or passes the turn on if it holds it. A
   * ticket that left keeps the finish tag it was given, so its class pays for the place it took.
   */
  public synchronized void leave(Ticket t) {
    if (holder == t) {
      pass(t);
    } else if (lines.get(t.cls).remove(t)) {
      waitingTokens[t.cls] -= t.tokens;
    }
  }

  /** Tokens of callers waiting in the line of {@code cls}. */
  public synchronized long waitingTokens(int cls) {
    return waitingTokens[cls];
  }

  /** Tokens of all turns given to class {@code cls} so far. */
  public synchronized long grantedTokens(int cls) {
    return grantedTokens[cls];
  }

  private void handOn() {
    Ticket t = next();
    if (t != null) {
      holder = t;
      t.turn.release();
    }
  }
}
