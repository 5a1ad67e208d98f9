package dev.sluice.simulator.template;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One part of an email template (subject, text or HTML) parsed once and rendered many times. SES's
 * templates are Handlebars; see {@link HandlebarsParser} for the syntax taken and {@link
 * HandlebarsRenderer} for how data fills it in.
 *
 * <p>Immutable and thread-safe: renders share nothing.
 */
public final class CompiledTemplate {
  private final Node.Program program;

  private CompiledTemplate(Node.Program program) {
    this.program = program;
  }

  /** Parses a stored template's part: the whole syntax. */
  public static CompiledTemplate parse(String source) throws TemplateSyntaxException {
    return new CompiledTemplate(HandlebarsParser.parse(source, false));
  }

  /**
   * Parses an inline template's part (content given with the send): SES takes only plain
   * substitutions there.
   */
  public static CompiledTemplate parseSimple(String source) throws TemplateSyntaxException {
    return new CompiledTemplate(HandlebarsParser.parse(source, true));
  }

  /**
   * Renders the part.
   *
   * @param data the template data, usually a JSON object
   * @param limit the most characters the result may have
   */
  public String render(JsonNode data, long limit) throws RenderingException {
    return HandlebarsRenderer.render(program, data, limit);
  }
}
