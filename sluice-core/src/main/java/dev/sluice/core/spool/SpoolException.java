package dev.sluice.core.spool;

/**
 * The spool could not do what was asked (storage failed, spool closed). Whatever the call was about
 * is unchanged: an append that fails with this was not accepted.
 */
public class SpoolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public SpoolException(String message) {
    super(message);
  }

  /** With a message and cause. */
  public SpoolException(String message, Throwable cause) {
    super(message, cause);
  }
}
