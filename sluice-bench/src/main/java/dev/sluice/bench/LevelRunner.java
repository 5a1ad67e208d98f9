package dev.sluice.bench;

import dev.sluice.bench.report.LatencySummary;
import dev.sluice.bench.report.LevelResult;
import dev.sluice.core.Clock;
import dev.sluice.core.Outcome;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.Transport;
import dev.sluice.ses.SenderConfig;
import dev.sluice.ses.SesSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs one concurrency level in this process: {@code concurrency} virtual threads each send a
 * message and wait for its outcome, in a loop, through a fresh {@link SesSender} and transport (so
 * connections are counted per level). Every upstream call's round trip is recorded in an
 * HdrHistogram; calls during the warm-up are not.
 *
 * <p>Confined to the calling thread, apart from the workers it starts and joins.
 */
final class LevelRunner {
  /** The measured level, with the raw histogram for merging across processes. */
  record Measured(LevelResult result, Histogram histogram) {}

  private final BenchOptions options;
  private final Progress progress;

  LevelRunner(BenchOptions options, Progress progress) {
    this.options = options;
    this.progress = progress;
  }

  Measured run(int concurrency) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    LongAdder attempts = new LongAdder();
    LongAdder accepted = new LongAdder();
    LongAdder throttled = new LongAdder();
    LongAdder transientErrors = new LongAdder();
    LongAdder permanent = new LongAdder();
    LongAdder recipients = new LongAdder();
    AtomicBoolean measuring = new AtomicBoolean(options.warmup().isZero());
    SenderConfig.CallListener listener =
        (a, n, nanos) -> {
          if (!measuring.get()) {
            return;
          }
          attempts.increment();
          recorder.recordValue(Math.max(1, nanos));
          switch (a) {
            case CallResult.Accepted ok -> {
              accepted.increment();
              recipients.add(n);
            }
            case CallResult.Throttled t -> throttled.increment();
            case CallResult.Transient t -> transientErrors.increment();
            case CallResult.Permanent p -> permanent.increment();
          }
        };
    SenderConfig config =
        SenderConfig.builder()
            .maxInFlight(concurrency)
            .maxPending(concurrency)
            .rateOverride(options.maxSendRate())
            .retries(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMinutes(1))
            .listener(listener)
            .build();
    Transport transport = options.openTransport(concurrency);
    long connectionsBefore;
    MessageFactory messages =
        new MessageFactory(
            options.recipients(), options.recipientsPerMessage(), options.messageSize());
    AtomicLong issued = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    long[] window = new long[2];
    try (SesSender sender =
        SesSender.start(transport, config, Clock.system(), new SimpleMeterRegistry())) {
      connectionsBefore = Math.max(0, transport.connectionsOpened());
      List<Thread> workers = new ArrayList<>();
      for (int w = 0; w < concurrency; w++) {
        workers.add(
            Thread.ofVirtual()
                .name("bench-worker-" + w)
                .start(
                    () -> {
                      while (!stop.get()) {
                        long n = issued.getAndIncrement();
                        if (options.messages() >= 0 && n >= options.messages()) {
                          return;
                        }
                        Outcome o = sender.sendNow(messages.message(n));
                        if (o instanceof Outcome.Failed f && permanent.sum() == 1) {
                          progress.println("bench: first permanent failure: " + f.reason());
                        }
                      }
                    }));
      }
      if (!options.warmup().isZero()) {
        Thread.sleep(options.warmup().toMillis());
        recorder.getIntervalHistogram(); // discard the warm-up
        measuring.set(true);
      }
      window[0] = System.nanoTime();
      long issuedAtStart = issued.get();
      long end =
          options.messages() >= 0 ? Long.MAX_VALUE : window[0] + options.duration().toNanos();
      Histogram total = new Histogram(3);
      long lastPrint = window[0];
      while (System.nanoTime() < end && workers.stream().anyMatch(Thread::isAlive)) {
        Thread.sleep(100);
        long now = System.nanoTime();
        total.add(recorder.getIntervalHistogram());
        if (now - lastPrint >= 1_000_000_000L) {
          lastPrint = now;
          double secs = (now - window[0]) / 1e9;
          progress.update(
              String.format(
                  Locale.ROOT,
                  "bench: c=%d %.0fs %d ok (%.0f/s) p50 %.1f ms p99 %.1f ms throttled %d errors %d",
                  concurrency,
                  secs,
                  accepted.sum(),
                  accepted.sum() / Math.max(secs, 1e-9),
                  total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(50) / 1e6,
                  total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(99) / 1e6,
                  throttled.sum(),
                  transientErrors.sum() + permanent.sum()));
        }
      }
      window[1] = System.nanoTime();
      progress.end();
      stop.set(true);
      measuring.set(false);
      for (Thread t : workers) {
        t.join(Duration.ofSeconds(60));
      }
      total.add(recorder.getIntervalHistogram());
      double seconds = (window[1] - window[0]) / 1e9;
      long opened = Math.max(0, transport.connectionsOpened() - connectionsBefore);
      if (issued.get() == issuedAtStart && options.messages() < 0) {
        progress.println("bench: no message was issued during the level");
      }
      LevelResult r =
          new LevelResult(
              concurrency,
              1,
              attempts.sum(),
              accepted.sum(),
              throttled.sum(),
              transientErrors.sum(),
              permanent.sum(),
              seconds,
              accepted.sum() / seconds,
              recipients.sum() / seconds,
              LatencySummary.of(total),
              opened);
      return new Measured(r, total);
    }
  }
}
