package dev.sluice.feedback.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the bounce and complaint rates over the last 24 hours and 7 days, overall and per
 * configuration set: publishes them as gauges and logs a warning when one reaches an SES threshold.
 *
 * <p><b>Design.</b> {@link #check} reads the store's hourly counters (a short range scan per set
 * and window), sets the gauges to what it read, and compares each rate's {@link Reputation.Level}
 * with the one it saw last time: a rise (ok to review, review to pause) is logged once as a warning
 * and counted ({@link #warnings}); a fall back below the review threshold is logged as information,
 * so the next rise warns again. The relay calls it every minute; before its first call nothing is
 * known, so a rate already above a threshold at start warns then.
 *
 * <p>Thread-safe: {@link #check} is serialised; {@link #readings} only reads the store.
 */
public final class ReputationWatch {
  private static final Logger log = LoggerFactory.getLogger(ReputationWatch.class);

  /** The windows shown, by label. */
  public static final SequencedMap<String, Duration> WINDOWS = windows();

  private static SequencedMap<String, Duration> windows() {
    SequencedMap<String, Duration> w = new LinkedHashMap<>();
    w.put("24h", Duration.ofHours(24));
    w.put("7d", Duration.ofDays(7));
    return Collections.unmodifiableSequencedMap(w);
  }

  /**
   * One window's reputation for one configuration set.
   *
   * @param configurationSet the set, or empty for all mail
   * @param window the window's label, {@code 24h} or {@code 7d}
   * @param reputation the counts over that window
   */
  public record Reading(String configurationSet, String window, Reputation reputation) {}

  private final FeedbackStore store;
  private final AtomicLong warnings = new AtomicLong();
  private final Map<String, Reputation.Level> last = new HashMap<>();
  private final List<MultiGauge> gauges = new ArrayList<>();

  /**
   * A watch over the store's counters, with its gauges in {@code registry} (none when null).
   *
   * <p>Gauges: {@code sluice_reputation_bounce_rate}, {@code sluice_reputation_complaint_rate}
   * (absent while the window has no sends), {@code sluice_reputation_sends}, {@code
   * sluice_reputation_hard_bounces} and {@code sluice_reputation_complaints}, each tagged {@code
   * window} and {@code configuration_set} (empty for all mail).
   */
  public ReputationWatch(FeedbackStore store, MeterRegistry registry) {
    this.store = store;
    if (registry != null) {
      for (String name :
          List.of("bounce_rate", "complaint_rate", "sends", "hard_bounces", "complaints")) {
        gauges.add(
            MultiGauge.builder("sluice.reputation." + name)
                .description(description(name))
                .register(registry));
      }
    }
  }

  private static String description(String name) {
    return switch (name) {
      case "bounce_rate" -> "Hard bounces per send in the window (SES reviews at 0.05)";
      case "complaint_rate" -> "Complaints per send in the window (SES reviews at 0.001)";
      case "sends" -> "Recipients SES accepted in the window";
      case "hard_bounces" -> "Permanent bounces in the window";
      default -> "Complaints in the window";
    };
  }

  /** The readings now: all mail first, then each configuration set, each over 24 h then 7 days. */
  public static List<Reading> readings(FeedbackStore store) {
    List<String> sets = new ArrayList<>();
    sets.add("");
    sets.addAll(store.configurationSets());
    List<Reading> out = new ArrayList<>();
    for (String set : sets) {
      for (var w : WINDOWS.entrySet()) {
        out.add(new Reading(set, w.getKey(), store.reputation(set, w.getValue())));
      }
    }
    return out;
  }

  /** Reads the rates, updates the gauges, and warns of thresholds newly reached. */
  public synchronized List<Reading> check() {
    List<Reading> readings = readings(store);
    if (!gauges.isEmpty()) {
      List<List<MultiGauge.Row<?>>> rows = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        rows.add(new ArrayList<>());
      }
      for (Reading r : readings) {
        Tags tags = Tags.of("window", r.window(), "configuration_set", r.configurationSet());
        Reputation rep = r.reputation();
        rep.bounceRate().ifPresent(v -> rows.get(0).add(MultiGauge.Row.of(tags, v)));
        rep.complaintRate().ifPresent(v -> rows.get(1).add(MultiGauge.Row.of(tags, v)));
        rows.get(2).add(MultiGauge.Row.of(tags, rep.sends()));
        rows.get(3).add(MultiGauge.Row.of(tags, rep.hardBounces()));
        rows.get(4).add(MultiGauge.Row.of(tags, rep.complaints()));
      }
      for (int i = 0; i < 5; i++) {
        gauges.get(i).register(rows.get(i), true);
      }
    }
    for (Reading r : readings) {
      Reputation rep = r.reputation();
      compare(r, "bounce", rep.bounceLevel(), rep.bounceRate().orElse(0), rep.hardBounces());
      compare(
          r, "complaint", rep.complaintLevel(), rep.complaintRate().orElse(0), rep.complaints());
    }
    return readings;
  }

  private void compare(Reading r, String what, Reputation.Level now, double rate, long count) {
    String key = what + '\0' + r.window() + '\0' + r.configurationSet();
    Reputation.Level before = last.getOrDefault(key, Reputation.Level.OK);
    last.put(key, now);
    String scope =
        r.configurationSet().isEmpty() ? "all mail" : "configuration set " + r.configurationSet();
    if (now.compareTo(before) > 0) {
      warnings.incrementAndGet();
      log.warn(
          "{} rate over the last {} for {} is {} ({} of {} sends): at or above SES's {} threshold"
              + " of {}",
          what,
          r.window(),
          scope,
          percent(rate),
          count,
          r.reputation().sends(),
          now == Reputation.Level.PAUSE ? "pause" : "review",
          percent(threshold(what, now)));
    } else if (now == Reputation.Level.OK && before != Reputation.Level.OK) {
      log.info(
          "{} rate over the last {} for {} is back below SES's review threshold: {} ({} of {}"
              + " sends)",
          what,
          r.window(),
          scope,
          percent(rate),
          count,
          r.reputation().sends());
    }
  }

  private static double threshold(String what, Reputation.Level level) {
    boolean pause = level == Reputation.Level.PAUSE;
    return what.equals("bounce")
        ? (pause ? Reputation.BOUNCE_PAUSE : Reputation.BOUNCE_REVIEW)
        : (pause ? Reputation.COMPLAINT_PAUSE : Reputation.COMPLAINT_REVIEW);
  }

  private static String percent(double rate) {
    return String.format(Locale.ROOT, "%.3f%%", rate * 100);
  }

  /** Warnings logged so far: each a rate newly at or above a threshold. */
  public long warnings() {
    return warnings.get();
  }
}
