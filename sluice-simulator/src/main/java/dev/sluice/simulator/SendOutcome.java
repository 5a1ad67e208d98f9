package dev.sluice.simulator;

/** What the simulator's core decided about one send. */
public sealed interface SendOutcome {
  /**
   * The send was accepted.
   *
   * @param messageId the SES-format message id
   */
  record Accepted(String messageId) implements SendOutcome {}

  /**
   * The send was refused.
   *
   * @param error which refusal
   * @param message the human text SES would give
   */
  record Rejected(SesError error, String message) implements SendOutcome {}
}
