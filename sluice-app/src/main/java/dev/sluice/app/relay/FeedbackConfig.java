package dev.sluice.app.relay;

import dev.sluice.core.Durations;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Parsers;
import dev.sluice.core.config.Settings;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.store.FeedbackSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where the relay keeps the history of each message and the suppression list, and for how long: the
 * keys {@code relay.feedback.*}.
 *
 * @param dir the feedback store's directory, if given; else {@code feedback} inside the spool
 *     directory
 * @param store retention, lines per message, and which SES events suppress
 * @param sesSync how often the SES account's suppression list is read; empty for never
 * @param sesPush whether the relay's own suppressions are put on the SES account's list
 */
public record FeedbackConfig(
    Optional<Path> dir, FeedbackSettings store, Optional<Duration> sesSync, boolean sesPush) {

  /** Checks for nulls. */
  public FeedbackConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(sesSync, "sesSync");
  }

  /** {@code relay.feedback.dir}. */
  public static final ConfigKey<Path> DIR =
      new ConfigKey<>(
          "relay.feedback.dir",
          "",
          "Directory of the message history and suppression list (RocksDB; kept also when the spool"
              + " is Kafka); empty: 'feedback' inside relay.spool.dir.",
          s -> s.isBlank() ? null : Path.of(s));

  /** {@code relay.feedback.history-retention}. */
  public static final ConfigKey<Duration> RETENTION =
      new ConfigKey<>(
          "relay.feedback.history-retention",
          "7d",
          "How long the history of a message (and the ids of SES events seen) is kept after it was"
              + " written; suppressions are kept until removed.",
          FeedbackConfig::positive);

  /** {@code relay.feedback.max-history-lines}. */
  public static final ConfigKey<Integer> MAX_LINES =
      new ConfigKey<>(
          "relay.feedback.max-history-lines",
          "1000",
          "Most history lines kept per message (each SES event is one line per recipient); later"
              + " ones are dropped and counted.",
          Parsers::positiveInt);

  /** {@code relay.feedback.suppress-on}. */
  public static final ConfigKey<Set<Suppression.Reason>> SUPPRESS_ON =
      new ConfigKey<>(
          "relay.feedback.suppress-on",
          "bounce,complaint,ses",
          "SES events that put the recipient on the suppression list: bounce (permanent bounces),"
              + " complaint, ses (bounces for addresses on the SES account's suppression list);"
              + " none for none.",
          FeedbackConfig::reasons);

  /** {@code relay.feedback.ses-suppression-sync}. */
  public static final ConfigKey<Optional<Duration>> SES_SYNC =
      new ConfigKey<>(
          "relay.feedback.ses-suppression-sync",
          "5m",
          "How often the SES account's suppression list is read (ListSuppressedDestinations, only"
              + " what changed since the last read) onto the relay's, so the doors refuse what SES"
              + " would suppress; off: never. Needs the SES v2 API upstream.",
          FeedbackConfig::interval);

  /** {@code relay.feedback.ses-suppression-push}. */
  public static final ConfigKey<Boolean> SES_PUSH =
      new ConfigKey<>(
          "relay.feedback.ses-suppression-push",
          "false",
          "Also put the addresses the relay suppresses itself (bounces, complaints, the operator's)"
              + " on the SES account's suppression list (PutSuppressedDestination), at each read.",
          Parsers::bool);

  /** The keys, in documentation order. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(DIR, RETENTION, MAX_LINES, SUPPRESS_ON, SES_SYNC, SES_PUSH);

  /** Reads the keys. */
  static FeedbackConfig from(Settings s) {
    return new FeedbackConfig(
        Optional.ofNullable(s.get(DIR)),
        new FeedbackSettings(s.get(RETENTION), s.get(MAX_LINES), s.get(SUPPRESS_ON)),
        s.get(SES_SYNC),
        s.get(SES_PUSH));
  }

  /** The directory to open: the one configured, or {@code feedback} in the spool directory. */
  public Path dirUnder(Path spoolDir) {
    return dir.orElseGet(() -> spoolDir.resolve("feedback"));
  }

  private static Duration positive(String s) {
    Duration d = Durations.parse(s);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "expected a positive duration such as 7d, got '" + s + "'");
    }
    return d;
  }

  private static Optional<Duration> interval(String s) {
    if (s.strip().equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    return Optional.of(positive(s));
  }

  private static Set<Suppression.Reason> reasons(String s) {
    Set<Suppression.Reason> out = EnumSet.noneOf(Suppression.Reason.class);
    if (s.strip().equalsIgnoreCase("none")) {
      return out;
    }
    for (String part : Parsers.list(s)) {
      switch (part.strip().toLowerCase(Locale.ROOT)) {
        case "bounce" -> out.add(Suppression.Reason.BOUNCE);
        case "complaint" -> out.add(Suppression.Reason.COMPLAINT);
        case "ses" -> out.add(Suppression.Reason.SES);
        default ->
            throw new IllegalArgumentException(
                "expected bounce, complaint, ses (comma-separated) or none, got '" + part + "'");
      }
    }
    return out;
  }
}
