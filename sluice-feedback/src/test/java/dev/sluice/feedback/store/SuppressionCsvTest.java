package dev.sluice.feedback.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.core.ManualClock;
import dev.sluice.core.suppress.Suppression;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuppressionCsvTest {
  private static final Instant T0 = Instant.parse("2026-12-06T04:00:00Z");

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(T0.toEpochMilli());

  @Test
  void exportThenImport_randomEntries_sameList() throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String[] causes = {"", "plain", "with, comma", "with \"quote\"", "two\nlines"};
    try (FeedbackStore a = FeedbackStore.open(dir.resolve("a"), FeedbackSettings.DEFAULTS, clock);
        FeedbackStore b = FeedbackStore.open(dir.resolve("b"), FeedbackSettings.DEFAULTS, clock)) {
      for (int i = 0; i < 300; i++) {
        a.suppress(
            new Suppression(
                "user" + random.nextInt(100_000) + "@d" + random.nextInt(50) + ".example",
                Suppression.Reason.values()[random.nextInt(4)],
                T0.minusSeconds(random.nextInt(1_000_000)),
                causes[random.nextInt(causes.length)],
                "import"));
      }
      StringWriter out = new StringWriter();
      long n = SuppressionCsv.export(a, out);
      var result = SuppressionCsv.importFrom(b, new StringReader(out.toString()), T0, "import");
      assertEquals(List.of(), result.badLines(), "seed " + seed);
      assertEquals(n, result.added(), "seed " + seed);
      List<Suppression> all = a.suppressions("", null, "", 1000).items();
      assertEquals(all, b.suppressions("", null, "", 1000).items(), "seed " + seed);
    }
  }

  @Test
  void importFrom_badLines_reportedByNumberOthersImported() throws IOException {
    String csv =
        "address,reason,time,cause\n"
            + "good@example.com,BOUNCE,2026-12-01T00:00:00Z,from ESP\n"
            + "not an address,MANUAL,,\n"
            + "\n"
            + "other@example.com\n"
            + "x@example.com,SOMETIMES,,\n"
            + "y@example.com,complaint,yesterday,\n"
            + "GOOD@example.com,MANUAL,,\n"
            + "z@example.com,MANUAL,,\"unclosed\n";
    try (FeedbackStore store =
        FeedbackStore.open(dir.resolve("s"), FeedbackSettings.DEFAULTS, clock)) {
      var result = SuppressionCsv.importFrom(store, new StringReader(csv), T0, "import");
      assertEquals(2, result.added());
      assertEquals(1, result.alreadyListed());
      assertEquals(4, result.badLines().size(), result.badLines().toString());
      assertEquals(true, result.badLines().get(0).startsWith("line 3: "), result.badLines().get(0));
      assertEquals(
          "line 6: reason 'SOMETIMES' is not one of BOUNCE, COMPLAINT, MANUAL, SES",
          result.badLines().get(1));
      assertEquals(true, result.badLines().get(2).startsWith("line 7: time 'yesterday'"));
      assertEquals("line 9: a quoted field is not closed", result.badLines().get(3));
      Suppression other = store.find("other@example.com").orElseThrow();
      assertEquals(
          new Suppression("other@example.com", Suppression.Reason.MANUAL, T0, "", "import"), other);
      assertEquals(
          Instant.parse("2026-12-01T00:00:00Z"),
          store.find("good@example.com").orElseThrow().time());
    }
  }
}
