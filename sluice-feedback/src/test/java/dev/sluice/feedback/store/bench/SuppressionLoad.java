package dev.sluice.feedback.store.bench;

import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.store.FeedbackStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Fills a store with a given number of suppressed addresses, and names present and absent ones. */
final class SuppressionLoad {
  private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
  private static final int BATCH = 10_000;

  private SuppressionLoad() {}

  /** The {@code i}th address loaded. */
  static String present(int i) {
    return "user." + i + "@d" + (i % 5000) + ".example";
  }

  /** An address never loaded, in the same domains. */
  static String absent(int i) {
    return "nobody." + i + "@d" + (i % 5000) + ".example";
  }

  /** Loads {@code n} addresses, {@value #BATCH} to a write. */
  static void load(FeedbackStore store, int n) throws IOException {
    List<Suppression> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < n; i++) {
      Suppression.Reason r = i % 10 == 0 ? Suppression.Reason.COMPLAINT : Suppression.Reason.BOUNCE;
      batch.add(new Suppression(present(i), r, T0.plusSeconds(i), "0100abc-" + i, "import"));
      if (batch.size() == BATCH) {
        store.suppressAll(batch);
        batch.clear();
      }
    }
    store.suppressAll(batch);
  }
}
