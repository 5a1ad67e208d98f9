package dev.sluice.bench.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * Finds the knee of a concurrency ramp: the level past which more concurrency stopped buying
 * throughput.
 *
 * <p><b>Definition.</b> Walk the levels in increasing concurrency. The first level is the knee to
 * begin with. A later level is a <em>gain</em> when its throughput (accepted calls per second) is
 * strictly greater than the current knee's and at least {@code (1 + minGain)} times it; each gain
 * becomes the new knee. The knee is the last gain: every level after it added concurrency (and with
 * it, queueing latency) without adding {@code minGain} more throughput than the knee already
 * delivered. The default {@code minGain} is {@value #DEFAULT_MIN_GAIN} (10%).
 *
 * <p>Consequences, each covered by a test: a curve that keeps growing by 10% or more per step has
 * its knee at the last level (the ramp never found the limit); a saturating curve has its knee at
 * the first level of the plateau; noise within {@code minGain} on a plateau does not move the knee;
 * a drop after the peak leaves the knee at the peak; equal throughputs are never gains, so a flat
 * curve (including all zeros) has its knee at the first level. An empty list has no knee and a
 * single level is its own knee.
 *
 * <p><b>Design note.</b> Gains are measured against the current knee rather than against the
 * previous level, so a slow creep of small steps (5% per doubling, say) is still noticed once it
 * adds up to {@code minGain}, while one noisy level can never raise the bar for the levels after it
 * without being a real gain itself. Latency is deliberately not part of the definition: the knee is
 * where throughput flattens, and the report shows the latency that buying the next levels cost.
 * Stateless and thread-safe.
 */
public final class Knee {

  /** The default smallest relative throughput gain that counts, 10%. */
  public static final double DEFAULT_MIN_GAIN = 0.10;

  private Knee() {}

  /** Returns the index in {@code levels} of the knee with a minimum gain of 10%. */
  public static OptionalInt find(List<LevelResult> levels) {
    return find(levels, DEFAULT_MIN_GAIN);
  }

  /**
   * Returns the index in {@code levels} of the knee, counting gains of at least {@code minGain}.
   */
  public static OptionalInt find(List<LevelResult> levels, double minGain) {
    Objects.requireNonNull(levels, "levels");
    if (!(minGain >= 0) || Double.isInfinite(minGain)) {
      throw new IllegalArgumentException("minGain must be finite and >= 0, was " + minGain);
    }
    if (levels.isEmpty()) {
      return OptionalInt.empty();
    }
    // Stable sort by concurrency: a ramp already in order keeps it, an unordered list is walked
    // as if it were one, and the answer is always an index into the caller's list.
    int[] order =
        IntStream.range(0, levels.size())
            .boxed()
            .sorted(Comparator.comparingInt(i -> levels.get(i).concurrency()))
            .mapToInt(Integer::intValue)
            .toArray();
    int knee = order[0];
    double kneeThroughput = levels.get(knee).throughputPerSecond();
    for (int k = 1; k < order.length; k++) {
      double throughput = levels.get(order[k]).throughputPerSecond();
      if (throughput > kneeThroughput && throughput >= (1 + minGain) * kneeThroughput) {
        knee = order[k];
        kneeThroughput = throughput;
      }
    }
    return OptionalInt.of(knee);
  }

  /**
   * Returns one sentence naming the knee and what the next level bought and cost, for {@link
   * BenchRun#kneeNote()}; empty when there are no levels.
   */
  public static String describe(List<LevelResult> levels) {
    OptionalInt found = find(levels);
    if (found.isEmpty()) {
      return "";
    }
    LevelResult knee = levels.get(found.getAsInt());
    String head =
        String.format(
            Locale.ROOT,
            "knee at concurrency %d: %s calls/s, p99 %s ms",
            knee.concurrency(),
            NumberText.rate(knee.throughputPerSecond()),
            NumberText.millis(knee.latency().p99Millis()));
    LevelResult next = null;
    for (LevelResult level : levels) {
      if (level.concurrency() > knee.concurrency()
          && (next == null || level.concurrency() < next.concurrency())) {
        next = level;
      }
    }
    if (next == null) {
      return head
          + (levels.size() == 1
              ? "; only one level was measured"
              : "; the ramp ended while throughput was still growing");
    }
    String gain =
        knee.throughputPerSecond() > 0
            ? " ("
                + NumberText.signedPercent(next.throughputPerSecond(), knee.throughputPerSecond())
                + ")"
            : "";
    return head
        + String.format(
            Locale.ROOT,
            "; concurrency %d gave %s calls/s%s at p99 %s ms",
            next.concurrency(),
            NumberText.rate(next.throughputPerSecond()),
            gain,
            NumberText.millis(next.latency().p99Millis()));
  }
}
