package dev.sluice.kafka;

import java.time.Instant;

/** Instants as epoch milliseconds, saturating instead of overflowing at the far ends. */
final class Millis {
  private Millis() {}

  static long of(Instant t) {
    try {
      return t.toEpochMilli();
    } catch (ArithmeticException e) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
