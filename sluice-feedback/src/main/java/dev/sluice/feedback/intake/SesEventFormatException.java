package dev.sluice.feedback.intake;

/** SES's JSON could not be read as an event: not JSON, or without what every event has. */
public final class SesEventFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception saying what is wrong, in words fit for a log line. */
  public SesEventFormatException(String message) {
    super(message);
  }
}
