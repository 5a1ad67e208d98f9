package dev.sluice.simulator.template;

/**
 * A template that cannot be parsed: an unclosed block, an unknown helper, a partial that is not
 * defined. SES refuses such a template when it is stored, so the simulator does too.
 */
public final class TemplateSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what is wrong and where. */
  public TemplateSyntaxException(String message) {
    super(message, null, false, false);
  }
}
