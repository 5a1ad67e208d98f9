package dev.sluice.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits until a condition holds, polling it with short pauses, and fails by name at a deadline.
 *
 * <p>Design note: tests never sleep a fixed time; they wait for what they need, as long as a loaded
 * machine may take, and no longer than it takes. The pause between polls starts at 1 ms and doubles
 * up to 20 ms, so a condition that is nearly true costs almost nothing and a slow one is not polled
 * in a busy loop. A condition that throws ends the wait at once: an exception is an answer, not a
 * "not yet" (a test that means "not yet" catches it and returns false). The failure names what was
 * awaited and the limit, and, when given, the state at the deadline.
 *
 * <p>Thread-safe: no state; each call polls on the calling thread.
 */
public final class Await {
  private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(1).toNanos();
  private static final long LONGEST_PAUSE_NANOS = Duration.ofMillis(20).toNanos();

  private Await() {}

  /** A condition to poll; it may throw, which ends the wait. */
  @FunctionalInterface
  public interface Condition {
    /** Whether the condition holds now. */
    boolean holds() throws Exception;
  }

  /** A probe for a value that appears in time; it may throw, which ends the wait. */
  @FunctionalInterface
  public interface Probe<T> {
    /** The value if it is there now, empty otherwise. */
    Optional<T> get() throws Exception;
  }

  /**
   * Waits until {@code condition} holds, failing with an error naming {@code what} at the limit.
   */
  public static void until(String what, Duration limit, Condition condition) {
    until(what, limit, condition, () -> "");
  }

  /**
   * Waits until {@code condition} holds; the failure at the limit names {@code what} and adds
   * {@code state}, read once at the deadline (what was seen instead).
   */
  public static void until(
      String what, Duration limit, Condition condition, Supplier<String> state) {
    value(
        what, limit, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty(), state);
  }

  /** Waits until {@code probe} returns a value and returns it, failing naming {@code what}. */
  public static <T> T value(String what, Duration limit, Probe<T> probe) {
    return value(what, limit, probe, () -> "");
  }

  /** Waits until {@code probe} returns a value and returns it; the failure adds {@code state}. */
  public static <T> T value(String what, Duration limit, Probe<T> probe, Supplier<String> state) {
    long start = System.nanoTime();
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      Optional<T> v = poll(what, probe);
      if (v.isPresent()) {
        return v.get();
      }
      long left = limit.toNanos() - (System.nanoTime() - start);
      if (left <= 0) {
        String seen = state.get();
        throw new AssertionError(
            "timed out after "
                + limit
                + " waiting for "
                + what
                + (seen.isEmpty() ? "" : "; " + seen));
      }
      pause(what, Math.min(pause, left));
      pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
    }
  }

  private static <T> Optional<T> poll(String what, Probe<T> probe) {
    try {
      return probe.get();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    } catch (Exception e) {
      throw new AssertionError("failed while waiting for " + what + ": " + e, e);
    }
  }

  private static void pause(String what, long nanos) {
    try {
      Thread.sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }
}
