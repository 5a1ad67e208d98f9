package dev.sluice.delivery;

import dev.sluice.core.Durations;
import dev.sluice.core.Outcome;
import dev.sluice.core.spool.SpoolEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * When a deferred message is tried again, and when it is given up on.
 *
 * <p>Design: a fixed schedule of delays indexed by the attempt count, the last one repeating, like
 * the retry tables of Postfix and KumoMTA rather than an unbounded exponential: an operator can
 * read off when the fifth try happens. Each delay is drawn with jitter below the scheduled value
 * (full jitter by default: uniformly between zero and the delay), so messages deferred together by
 * one upstream outage come back spread out instead of as a second wave. A delay is never shorter
 * than {@code minDelay} nor than the deferral's own {@link Outcome.Deferred#retryAfter()}.
 *
 * <p>A deferral of scope {@link Outcome.Scope#ACCOUNT} (the account's rate, its daily quota, a
 * paused account) says nothing about the message, so it does not use up an attempt: the message is
 * simply due again after {@code retryAfter}. Every message expires {@code expiry} after it was
 * received, whatever the scope, like Postfix's {@code maximal_queue_lifetime}: a deferral at or
 * after that moment fails it with the reason {@code expired after 1d: <last error>}, and a retry
 * that would fall after it is moved to it, so the last try happens when the message expires rather
 * than never.
 *
 * @param delays the delay after the first, second, ... counted attempt; the last one repeats
 * @param jitter how much of each delay is drawn at random: 0 for none, 1 for full jitter (a delay
 *     {@code d} becomes uniform in {@code [(1 - jitter) * d, d]})
 * @param minDelay the shortest delay of any retry
 * @param expiry how long after it was received a message is given up on
 */
public record RetryPolicy(
    List<Duration> delays, double jitter, Duration minDelay, Duration expiry) {

  /** The default schedule: {@code 1m,2m,5m,10m,20m,30m,1h}, then every hour. */
  public static final String DEFAULT_DELAYS = "1m,2m,5m,10m,20m,30m,1h";

  /** Copies the list and checks the values. */
  public RetryPolicy {
    delays = List.copyOf(delays);
    Objects.requireNonNull(minDelay, "minDelay");
    Objects.requireNonNull(expiry, "expiry");
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("retry delays: at least one delay is needed");
    }
    for (Duration d : delays) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("retry delays must be positive, got " + d);
      }
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("retry jitter must be 0..1, got " + jitter);
    }
    if (minDelay.isNegative()) {
      throw new IllegalArgumentException("retry minDelay must not be negative, got " + minDelay);
    }
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("retry expiry must be positive, got " + expiry);
    }
  }

  /** What to do with a message whose attempt ended in a deferral. */
  public sealed interface Decision {}

  /**
   * Try again.
   *
   * @param due when
   * @param attempts the attempt count to record (unchanged for an account deferral)
   */
  public record Retry(Instant due, int attempts) implements Decision {}

  /**
   * Give up: the message is too old.
   *
   * @param reason {@code expired after <expiry>: <last error>}
   */
  public record Expire(String reason) implements Decision {}

  /**
   * The defaults: {@value #DEFAULT_DELAYS} with full jitter, at least one second, expiry one day.
   */
  public static RetryPolicy defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decides what becomes of a message taken as {@code entry} whose attempt was deferred at {@code
   * now}.
   *
   * @param random draws the jitter
   */
  public Decision onDeferral(
      SpoolEntry entry, Outcome.Deferred deferral, Instant now, RandomGenerator random) {
    Instant expires = expiresAt(entry.received());
    if (!now.isBefore(expires)) {
      return new Expire("expired after " + Durations.format(expiry) + ": " + deferral.reason());
    }
    boolean account = deferral.scope() == Outcome.Scope.ACCOUNT;
    int attempts = account ? entry.attempts() : entry.attempts() + 1;
    Duration floor = max(minDelay, deferral.retryAfter());
    Duration wait = account ? floor : max(floor, delay(attempts, random));
    Instant due = now.plus(wait);
    // The last try happens at expiry, unless the deferral itself asked for later.
    Instant latest = max(expires, now.plus(floor));
    return new Retry(due.isAfter(latest) ? latest : due, attempts);
  }

  /**
   * The delay after the {@code attempt}-th counted attempt (from 1), drawn with jitter, before the
   * floors of {@link #onDeferral} apply.
   */
  public Duration delay(int attempt, RandomGenerator random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
    }
    Duration scheduled = delays.get(Math.min(attempt, delays.size()) - 1);
    if (jitter == 0) {
      return scheduled;
    }
    double factor = 1 - jitter * random.nextDouble(); // in (1 - jitter, 1]
    return Duration.ofNanos((long) (scheduled.toNanos() * factor));
  }

  /** When a message received at {@code received} expires. */
  public Instant expiresAt(Instant received) {
    return received.plus(expiry);
  }

  /**
   * Parses a schedule written as durations separated by commas, such as {@value #DEFAULT_DELAYS}.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static List<Duration> parseDelays(String text) {
    List<Duration> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      try {
        out.add(Durations.parse(part));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "expected retry delays such as " + DEFAULT_DELAYS + ", got '" + text + "'", e);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "RetryPolicy[delays="
        + delays.stream().map(Durations::format).collect(Collectors.joining(","))
        + " jitter="
        + jitter
        + " minDelay="
        + Durations.format(minDelay)
        + " expiry="
        + Durations.format(expiry)
        + "]";
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Builds a {@link RetryPolicy}; every setter is optional. Not thread-safe. */
  public static final class Builder {
    private List<Duration> delays = parseDelays(DEFAULT_DELAYS);
    private double jitter = 1.0;
    private Duration minDelay = Duration.ofSeconds(1);
    private Duration expiry = Duration.ofDays(1);

    private Builder() {}

    /** The schedule, e.g. {@code "1m,2m,5m,10m,20m,30m,1h"}. */
    public Builder delays(String schedule) {
      this.delays = parseDelays(schedule);
      return this;
    }

    /** The schedule as durations. */
    public Builder delays(Duration... schedule) {
      this.delays = List.of(schedule);
      return this;
    }

    /** The share of each delay drawn at random, 0 to 1 (default 1: full jitter). */
    public Builder jitter(double fraction) {
      this.jitter = fraction;
      return this;
    }

    /** The shortest delay of any retry (default 1 s). */
    public Builder minDelay(Duration d) {
      this.minDelay = d;
      return this;
    }

    /** How long after it was received a message is given up on (default 1 day). */
    public Builder expiry(Duration d) {
      this.expiry = d;
      return this;
    }

    /** The policy. */
    public RetryPolicy build() {
      return new RetryPolicy(delays, jitter, minDelay, expiry);
    }
  }
}
