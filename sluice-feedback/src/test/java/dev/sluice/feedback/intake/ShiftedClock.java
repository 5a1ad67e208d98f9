package dev.sluice.feedback.intake;

import dev.sluice.core.Clock;

/** The system's time moved by an offset a test sets, as if the machine's clock were off. */
final class ShiftedClock implements Clock {
  private volatile long offsetMillis;

  void shift(long millis) {
    offsetMillis = millis;
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis;
  }

  @Override
  public long nanos() {
    return System.nanoTime();
  }
}
