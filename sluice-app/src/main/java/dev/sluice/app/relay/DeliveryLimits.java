package dev.sluice.app.relay;

/**
 * The limits the relay's delivery runs within, each with its own name, all derived from {@code
 * --max-in-flight} (the upstream calls in flight).
 *
 * <p>Design: one number sets them because they must move together: the sender cannot make more
 * calls than it has connections for, and the scheduler takes a few messages per call slot so the
 * sender always has the next one at hand (a message waits for the send rate, or is split into
 * several calls) while a backlog still costs memory only for what is taken. Naming each keeps the
 * number from being multiplied in several places and lets the banner and the docs say what each one
 * is.
 *
 * @param messagesInFlight messages taken from the spool whose outcome is not recorded yet (the
 *     scheduler's slots, shared by all buckets; the sender holds no more unfinished than this)
 * @param callsInFlight upstream calls at once, those waiting for the send rate included
 * @param connections the most keep-alive connections pooled to the upstream
 */
public record DeliveryLimits(int messagesInFlight, int callsInFlight, int connections) {
  /** Messages taken per upstream call slot. */
  public static final int MESSAGES_PER_CALL = 4;

  /** Checks the values. */
  public DeliveryLimits {
    if (messagesInFlight < 1 || callsInFlight < 1 || connections < 1) {
      throw new IllegalArgumentException(
          "every delivery limit must be >= 1, got "
              + messagesInFlight
              + ", "
              + callsInFlight
              + ", "
              + connections);
    }
  }

  /**
   * The limits for {@code calls} upstream calls in flight ({@code --max-in-flight}): as many
   * connections, and {@value #MESSAGES_PER_CALL} times as many messages in flight.
   */
  public static DeliveryLimits forCallsInFlight(int calls) {
    return new DeliveryLimits(calls * MESSAGES_PER_CALL, calls, calls);
  }
}
