package dev.sluice.feedback.intake;

import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.SesEventRecorder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A recorder that keeps events in memory, once per id, and can be told to fail (as a full disk
 * would) until told otherwise. Thread-safe.
 */
final class MemoryRecorder implements SesEventRecorder {
  private final Map<String, SesEvent> byId = new ConcurrentHashMap<>();
  private final List<SesEvent> calls = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  @Override
  public boolean record(SesEvent event) throws IOException {
    calls.add(event);
    if (failing) {
      throw new IOException("disk full");
    }
    return byId.putIfAbsent(event.id(), event) == null;
  }

  void failing(boolean failing) {
    this.failing = failing;
  }

  /** The events recorded, each once. */
  List<SesEvent> events() {
    return List.copyOf(byId.values());
  }

  /** Every call made, duplicates and failures included. */
  List<SesEvent> calls() {
    return List.copyOf(calls);
  }

  /** Waits, with a deadline and without fixed sleeps, until {@code condition} holds. */
  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
