package dev.sluice.ses;

import dev.sluice.core.Envelope;
import dev.sluice.core.transport.AccountGate;
import dev.sluice.core.transport.AccountQuota;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's rolling 24-hour quota as one sender spends it: what the last reading left, and what
 * this sender has sent since; it closes the {@link AccountGate} for {@link
 * AccountGate.Reason#DAILY_QUOTA} when the quota is spent and opens it when a reading shows room.
 *
 * <p>Design: the quota is read every {@code quotaRefresh}, not per send, so between readings the
 * sender counts its own accepted recipients (mailbox-simulator addresses do not count, as SES does
 * not count them) and pauses once they reach its share of what the reading left. A daily throttle
 * from the upstream pauses it too. A reading whose window has room again resumes it; a reading that
 * shows it still spent keeps the gate closed for another {@code quotaRefresh}. When several nodes
 * send for one account, each counts against its own share, so together they keep to the quota
 * without talking to each other.
 *
 * <p>Thread-safe.
 */
final class DailyQuota {
  private static final Logger LOG = LoggerFactory.getLogger(DailyQuota.class);
  private static final String SIMULATOR_DOMAIN = "@simulator.amazonses.com";

  private static final String SPENT = "Daily message quota exceeded.";

  private final AccountGate gate;
  private final Duration quotaRefresh;
  private final AtomicLong sentSinceReading = new AtomicLong();
  private volatile AccountQuota reading;

  /** Pauses through {@code gate}, each time for {@code quotaRefresh} unless a reading ends it. */
  DailyQuota(AccountGate gate, Duration quotaRefresh) {
    this.gate = gate;
    this.quotaRefresh = quotaRefresh;
  }

  /** Takes a fresh reading: the count since the last one starts over, and the pause follows it. */
  void read(AccountQuota fresh) {
    reading = fresh;
    sentSinceReading.set(0);
    if (fresh.dailySpent()) {
      gate.close(AccountGate.Reason.DAILY_QUOTA, quotaRefresh, SPENT);
    } else if (paused()) {
      LOG.info("daily quota has room again; resuming");
      gate.open(AccountGate.Reason.DAILY_QUOTA);
    }
  }

  /**
   * Counts the recipients of an accepted call and pauses when this sender's {@code share} of what
   * the last reading left is used up.
   */
  void accepted(Envelope call, double share) {
    sentSinceReading.addAndGet(counted(call));
    AccountQuota q = reading;
    // A share of 0 (a node holding no partitions, finishing what it had taken) is no share of the
    // quota to spend: pausing would defer the account for a quota refresh although it has room.
    if (q != null
        && share > 0
        && q.max24HourSend() >= 0
        && sentSinceReading.get() >= share * (q.max24HourSend() - q.sentLast24Hours())) {
      if (!paused()) {
        LOG.warn("daily sending quota reached ({}); pausing", (long) q.max24HourSend());
      }
      gate.close(AccountGate.Reason.DAILY_QUOTA, quotaRefresh, SPENT);
    }
  }

  /** The upstream refused a call for the daily quota: pause until a reading shows room. */
  void throttled(String text) {
    gate.close(AccountGate.Reason.DAILY_QUOTA, quotaRefresh, text);
    LOG.warn("daily sending quota spent; pausing until the rolling window has room");
  }

  /** Whether sending waits for the rolling window to have room. */
  boolean paused() {
    return gate.isClosed(AccountGate.Reason.DAILY_QUOTA);
  }

  /** Recipients accepted since the last reading that count toward the quota. */
  long sentSinceReading() {
    return sentSinceReading.get();
  }

  private static int counted(Envelope call) {
    int n = 0;
    for (String r : call.recipients()) {
      if (!r.toLowerCase(Locale.ROOT).endsWith(SIMULATOR_DOMAIN)) {
        n++;
      }
    }
    return n;
  }
}
