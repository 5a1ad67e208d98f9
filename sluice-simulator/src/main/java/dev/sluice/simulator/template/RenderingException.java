package dev.sluice.simulator.template;

/**
 * Template data that cannot render a template: a referenced attribute missing from the data, or a
 * result too large. SES accepts a send whose template fails so and reports a RenderingFailure event
 * later; TestRenderEmailTemplate answers it at once.
 */
public final class RenderingException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the message SES's RenderingFailure event would carry. */
  public RenderingException(String message) {
    super(message, null, false, false);
  }
}
