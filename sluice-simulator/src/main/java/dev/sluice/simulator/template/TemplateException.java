package dev.sluice.simulator.template;

/**
 * A template operation the account refuses: each API turns the {@link Kind} into its own wire error
 * (v2 {@code NotFoundException}, v1 {@code TemplateDoesNotExist}, …).
 */
public final class TemplateException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the operation was refused. */
  public enum Kind {
    /** A template of that name exists already. */
    ALREADY_EXISTS,
    /** No template of that name exists. */
    NOT_FOUND,
    /** The account holds as many templates, or template bytes, as it may. */
    LIMIT_EXCEEDED,
    /** The name or the content is not acceptable (size, missing parts). */
    INVALID,
    /** The content is not valid Handlebars, or calls a partial it does not define. */
    SYNTAX
  }

  private final Kind kind;

  /** Creates the exception. */
  public TemplateException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  /** Why the operation was refused. */
  public Kind kind() {
    return kind;
  }
}
