package dev.sluice.feedback.store;

import dev.sluice.core.Clock;
import dev.sluice.core.suppress.AccountSuppressionList;
import dev.sluice.core.suppress.AccountSuppressionList.AccountListException;
import dev.sluice.core.suppress.Suppression;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link FeedbackStore}'s suppression list in step with the SES account's own: at every run
 * it reads the addresses SES listed since the last run ({@code ListSuppressedDestinations} from the
 * newest update time seen, page by page) onto the local list, so the doors refuse them; and, when
 * pushing, puts the addresses the relay suppressed itself on the account's list ({@code
 * PutSuppressedDestination}).
 *
 * <p><b>Design.</b> The read is incremental by date: {@code StartDate} is the newest {@code
 * LastUpdateTime} of the last complete run, kept in the store ({@link FeedbackStore#state}) so a
 * restart does not read the whole list again; {@code EndDate} is the run's start, so addresses SES
 * adds while the pages are read (which would shift an offset-paged listing) wait for the next run.
 * The start date is inclusive: the few addresses updated at that very time are read again, and
 * adding an address already listed changes nothing (the first reason stays). The mark moves only
 * when a run has read every page: a run that fails part way (throttled, an error) logs a warning,
 * keeps what it read, and the next run starts again from the same date. The newest time seen is
 * kept rather than the run's start so that an address SES lists late with an earlier time (clocks
 * apart, SES's own lag) is still read. Removals from the account's list are not seen by a read by
 * date and are not copied; the operator removes an address from both.
 *
 * <p>What is pushed is queued durably by the store in the batch that suppresses the address ({@link
 * FeedbackStore#queueForSes}) and leaves the queue once SES took it, or refused the address itself
 * (logged); throttling and other errors leave it queued for the next run. SES takes only two
 * reasons: a complaint is pushed as {@code COMPLAINT}, anything else the relay suppressed (hard
 * bounces, the operator's additions) as {@code BOUNCE}.
 *
 * <p>Thread-safe: runs are serialised; the scheduled runs use one platform thread (RocksDB calls
 * stay off virtual threads).
 */
public final class AccountListSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccountListSync.class);

  /** The name of the mark: the newest update time read from the account's list. */
  static final String SINCE = "ses-account-list.since";

  /** The most addresses one page asks for (SES's maximum). */
  public static final int PAGE_SIZE = 1000;

  /** The most queued addresses read from the store at once while pushing. */
  private static final int PUSH_CHUNK = 100;

  private final FeedbackStore store;
  private final AccountSuppressionList list;
  private final Clock clock;
  private final int pageSize;
  private final boolean push;
  private volatile ScheduledExecutorService timer;

  /**
   * @param store the local list, and where the mark and the push queue live
   * @param list the SES account's list
   * @param pageSize addresses asked per page (1 to 1,000)
   * @param push whether to put the relay's own suppressions on the account's list; turns the
   *     store's queue on
   */
  public AccountListSync(
      FeedbackStore store, AccountSuppressionList list, Clock clock, int pageSize, boolean push) {
    this.store = Objects.requireNonNull(store, "store");
    this.list = Objects.requireNonNull(list, "list");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (pageSize < 1 || pageSize > PAGE_SIZE) {
      throw new IllegalArgumentException("pageSize must be 1 to " + PAGE_SIZE + ": " + pageSize);
    }
    this.pageSize = pageSize;
    this.push = push;
    store.queueForSes(push);
  }

  /**
   * What one run did.
   *
   * @param pages pages read
   * @param read addresses read from the account's list
   * @param added of those, addresses new to the local list
   * @param pushed addresses put on the account's list
   * @param refused queued addresses SES refused for good (dropped from the queue)
   * @param failure why the run stopped early, or empty when it finished
   */
  public record Run(int pages, int read, int added, int pushed, int refused, String failure) {
    /** Whether the run read every page and pushed every queued address. */
    public boolean complete() {
      return failure.isEmpty();
    }
  }

  /** Reads what SES listed since the last complete run, then pushes what is queued. */
  public synchronized Run runOnce() throws IOException {
    Instant since = store.state(SINCE).map(Instant::parse).orElse(null);
    Instant to = Instant.ofEpochMilli(clock.millis());
    Instant newest = since;
    int pages = 0;
    int read = 0;
    int added = 0;
    String token = null;
    try {
      do {
        AccountSuppressionList.Listing page = list.list(since, to, pageSize, token);
        pages++;
        List<Suppression> batch = new ArrayList<>(page.items().size());
        for (AccountSuppressionList.Listed l : page.items()) {
          batch.add(
              new Suppression(
                  l.address(),
                  l.reason(),
                  l.lastUpdate(),
                  "on the SES account's suppression list (" + l.reason() + ")",
                  FeedbackStore.FROM_SES_ACCOUNT));
          if (newest == null || l.lastUpdate().isAfter(newest)) {
            newest = l.lastUpdate();
          }
        }
        read += batch.size();
        added += store.suppressAll(batch);
        token = page.nextToken();
      } while (token != null);
    } catch (AccountListException e) {
      return new Run(pages, read, added, 0, 0, e.getMessage());
    }
    if (newest != null && !newest.equals(since)) {
      store.state(SINCE, newest.toString());
    }
    return push(new Run(pages, read, added, 0, 0, ""));
  }

  private Run push(Run pulled) throws IOException {
    if (!push) {
      return pulled;
    }
    int pushed = 0;
    int refused = 0;
    while (true) {
      List<Suppression> pending = store.pendingForSes(PUSH_CHUNK);
      for (Suppression s : pending) {
        Suppression.Reason reason =
            s.reason() == Suppression.Reason.COMPLAINT
                ? Suppression.Reason.COMPLAINT
                : Suppression.Reason.BOUNCE;
        try {
          list.put(s.address(), reason);
          pushed++;
        } catch (AccountListException e) {
          if (!e.aboutTheAddress()) {
            return new Run(
                pulled.pages(), pulled.read(), pulled.added(), pushed, refused, e.getMessage());
          }
          log.warn("SES refused {} for its suppression list: {}", s.address(), e.getMessage());
          refused++;
        }
        store.sentToSes(s.address());
      }
      if (pending.size() < PUSH_CHUNK) {
        return new Run(pulled.pages(), pulled.read(), pulled.added(), pushed, refused, "");
      }
    }
  }

  /**
   * Runs now, then every {@code interval} after each run ends, on a thread of its own, until {@link
   * #close}.
   */
  public synchronized void start(Duration interval) {
    if (timer != null) {
      throw new IllegalStateException("already started");
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ses-account-list");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> logged(interval), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void logged(Duration interval) {
    try {
      Run r = runOnce();
      if (!r.complete()) {
        log.warn(
            "the SES account's suppression list: {}; read {} addresses ({} new), pushed {};"
                + " trying again in {}",
            r.failure(),
            r.read(),
            r.added(),
            r.pushed(),
            dev.sluice.core.Durations.format(interval));
      } else if (r.added() > 0 || r.pushed() > 0 || r.refused() > 0) {
        log.info(
            "the SES account's suppression list: read {} addresses ({} new to the relay's list),"
                + " pushed {}{}",
            r.read(),
            r.added(),
            r.pushed(),
            r.refused() > 0 ? ", " + r.refused() + " refused by SES" : "");
      }
    } catch (IOException | RuntimeException e) {
      log.warn(
          "the SES account's suppression list could not be kept in step: {}; trying again in {}",
          e.toString(),
          dev.sluice.core.Durations.format(interval));
    }
  }

  /** Stops the scheduled runs, waiting for one in progress. */
  @Override
  public void close() {
    ScheduledExecutorService t = timer;
    if (t == null) {
      return;
    }
    t.shutdownNow();
    try {
      t.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
