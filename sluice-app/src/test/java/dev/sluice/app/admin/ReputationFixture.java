package dev.sluice.app.admin;

import dev.sluice.core.Clock;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.store.FeedbackStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Reputation counters for the admin tests, written through the store's own API: the configuration
 * set {@code marketing} sent 100 recipients of whom 5 hard-bounced (exactly SES's 5% review
 * threshold), and mail with no set 900 more, of whom one complained, so all mail has 1,000 sends, 5
 * hard bounces (0.5%) and 1 complaint (exactly 0.1%).
 */
public final class ReputationFixture {
  private ReputationFixture() {}

  /** Records the sends and events above, now. */
  public static void fill(FeedbackStore store) throws IOException {
    Instant now = Instant.now();
    List<String> marketing = addresses("m", 100);
    store.recordDelivered("rep1", now, List.of("ses-rep-1"), marketing, "marketing");
    List<String> plain = addresses("p", 900);
    store.recordDelivered("rep2", now, List.of("ses-rep-2"), plain, "");
    store.record(
        event("b1", SesEvent.Type.BOUNCE, "ses-rep-1", "marketing", marketing.subList(0, 5)));
    store.record(event("c1", SesEvent.Type.COMPLAINT, "ses-rep-2", "", plain.subList(0, 1)));
  }

  /** A started admin server on a free loopback port over the fixture's spool and {@code store}. */
  public static AdminServer serve(AdminFixture fx, FeedbackStore store, String token)
      throws IOException {
    AdminSettings settings = AdminSettings.defaults().withBind("127.0.0.1", 0);
    AdminServer server =
        new AdminServer(
            token == null ? settings : settings.withToken(token),
            RelayView.of(fx.spool, () -> AdminFixture.status(fx.failed)).withFeedback(store),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Clock.system());
    server.start();
    return server;
  }

  private static List<String> addresses(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i + "@example.com").toList();
  }

  private static SesEvent event(
      String id, SesEvent.Type type, String sesId, String set, List<String> to) {
    boolean bounce = type == SesEvent.Type.BOUNCE;
    return new SesEvent(
        id,
        type,
        sesId,
        Instant.now(),
        to.stream().map(a -> new SesEvent.Recipient(a, bounce ? "5.1.1" : "", "")).toList(),
        bounce ? "Permanent" : "",
        bounce ? "General" : "",
        "fb-" + id,
        bounce ? "" : "abuse",
        set,
        Map.of(),
        "{}");
  }
}
