package dev.sluice.app.admin;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A spool with messages in every state, and a delivery status to show beside it: the input the
 * admin server's tests, the status page's test and the command-line tests read.
 */
public final class AdminFixture {
  /** A failure reason with markup in it, which every view must show as text. */
  public static final String HOSTILE_REASON = "554 Message rejected: <script>alert('x')</script>";

  /** The spool, open; close it after the test. */
  public final RocksSpool spool;

  /** The six messages' ids, oldest first. */
  public final List<QueueId> ids = new ArrayList<>();

  /** The message deferred for an hour. */
  public final QueueId deferred;

  /** The failed message. */
  public final QueueId failed;

  /** The message being delivered. */
  public final QueueId active;

  /**
   * Six messages, oldest first: the first three are taken for delivery, then the first deferred an
   * hour, the second failed and the third left active; the last three wait queued. Recipients
   * alternate between even.example and odd.example.
   */
  public AdminFixture(Path dir) throws Exception {
    spool = RocksSpool.open(RocksSpoolConfig.builder(dir.resolve("spool")).buckets(1).build());
    Instant t = Instant.now().minus(Duration.ofMinutes(5));
    for (int i = 0; i < 6; i++) {
      String to = (i % 2 == 0 ? "a" + i + "@even.example" : "b" + i + "@odd.example");
      ids.add(
          spool
              .append(
                  new Submission(
                      new Envelope("app@example.com", List.of(to)),
                      ("From: app@example.com\r\nSubject: message "
                              + i
                              + "\r\n\r\nbody "
                              + i
                              + "\r\n")
                          .getBytes(StandardCharsets.US_ASCII),
                      t.plusSeconds(i),
                      "test " + i))
              .get());
    }
    List<SpooledMessage> taken = spool.takeDue(0, Instant.now(), 3);
    if (!taken.stream().map(SpooledMessage::id).toList().equals(ids.subList(0, 3))) {
      throw new IllegalStateException("expected the three oldest to be taken, got " + taken);
    }
    deferred = ids.get(0);
    failed = ids.get(1);
    active = ids.get(2);
    spool.reschedule(deferred, Instant.now().plus(Duration.ofHours(1)), 1, "451 try later").get();
    spool.fail(failed, "554 Message rejected", Instant.now()).get();
  }

  /** The {@code k}th of the three queued messages, 0 to 2. */
  public QueueId queued(int k) {
    return ids.get(3 + k);
  }

  /**
   * A status as a relay sending near its limit would report it: the account said 1,218 sent when
   * read 40 seconds ago, and the relay has sent 16 since.
   */
  public static DeliveryStatus status(QueueId failedId) {
    long end = Instant.now().getEpochSecond();
    int n = RelayMetrics.HISTORY_SECONDS;
    double[] sent = new double[n];
    double[] limit = new double[n];
    double[] throttles = new double[n];
    Arrays.fill(limit, Double.NaN);
    for (int k = n - 120; k < n; k++) {
      sent[k] = 10 + (k % 5);
      limit[k] = 14;
    }
    throttles[n - 30] = 2;
    return new DeliveryStatus(
        "the test upstream",
        true,
        12.4,
        13.5,
        14,
        Optional.of(
            new QuotaReading(
                new AccountQuota(14, 50_000, 1_218),
                Instant.ofEpochMilli(System.currentTimeMillis()).minusSeconds(40),
                16)),
        false,
        7,
        12.4,
        9,
        2,
        new DeliveryStatus.Totals(101, 90, 5, 1),
        List.of(
            new RecentFailures.Failure(failedId, Instant.now(), true, HOSTILE_REASON),
            new RecentFailures.Failure(
                failedId, Instant.now().minusSeconds(60), false, "451 try later")),
        new DeliveryStatus.History(
            new RateWindow.Series(end, sent),
            new RateWindow.Series(end, limit),
            new RateWindow.Series(end, throttles)),
        List.of(
            new RouteStatus(
                "default",
                "the test upstream",
                "us-east-1",
                12.4,
                13.5,
                14,
                Optional.of(
                    new QuotaReading(
                        new AccountQuota(14, 50_000, 1_218),
                        Instant.ofEpochMilli(System.currentTimeMillis()).minusSeconds(40),
                        16)),
                7,
                "ok",
                "eu",
                "default"),
            new RouteStatus(
                "eu",
                "the eu upstream",
                "eu-west-1",
                0,
                100,
                100,
                Optional.empty(),
                0,
                "ACCOUNT_PAUSED: Sending is paused for this account. (290 s left)",
                "default",
                "default")),
        new DeliveryStatus.Traffic(
            List.of(
                new DeliveryStatus.ClassLine("transactional", 0.3, 3.5, 2, 38, 0, 1_500),
                new DeliveryStatus.ClassLine("bulk", 0.7, 8.9, 5, 90, 4_200, 98_765)),
            List.of(
                new DeliveryStatus.TenantLine(
                    "user:app", "1h", 1_000, 1_000, Instant.parse("2026-12-06T17:00:00Z"), 250),
                new DeliveryStatus.TenantLine(
                    "user:app", "1d", 20_000, 1_000, Instant.parse("2026-12-07T00:00:00Z"), 0))));
  }
}
