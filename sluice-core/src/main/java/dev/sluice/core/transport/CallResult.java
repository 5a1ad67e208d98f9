package dev.sluice.core.transport;

/**
 * The classified answer to one upstream call. Transports classify in exactly one place each (see
 * their error tables); everything above them acts on these four kinds only.
 */
public sealed interface CallResult {
  /**
   * The upstream accepted the call.
   *
   * @param upstreamId the upstream's message id
   */
  record Accepted(String upstreamId) implements CallResult {}

  /**
   * Refused for exceeding the account's rate or daily quota; retry, and slow down.
   *
   * @param kind which limit
   * @param text the upstream's words
   */
  record Throttled(ThrottleKind kind, String text) implements CallResult {}

  /**
   * A temporary failure: 5xx, a reset, a timeout. Retrying the same call may succeed.
   *
   * @param text what happened
   */
  record Transient(String text) implements CallResult {}

  /**
   * Refused for good: a rejected message, an unverified identity, an invalid parameter, a paused
   * account.
   *
   * @param text the upstream's words
   * @param accountWide whether the refusal is about the account (paused, suspended) rather than
   *     this message
   */
  record Permanent(String text, boolean accountWide) implements CallResult {}

  /** Which limit a throttle hit. */
  enum ThrottleKind {
    /** The per-second rate. */
    RATE,
    /** The rolling 24-hour quota. */
    DAILY
  }
}
