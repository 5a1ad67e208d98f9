package dev.sluice.kafka;

/** Waiting for a thread that is sure to end. */
final class Threads {
  private Threads() {}

  /**
   * Waits until {@code thread} has ended, even if interrupted meanwhile; the interrupt is kept for
   * the caller to see.
   */
  static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
