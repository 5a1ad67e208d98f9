package dev.sluice.simulator.template;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An email template's three parts, parsed: what a send renders.
 *
 * <p>Immutable and thread-safe.
 */
public final class CompiledContent {
  private final TemplateContent source;
  private final CompiledTemplate subject;
  private final CompiledTemplate text;
  private final CompiledTemplate html;

  private CompiledContent(
      TemplateContent source,
      CompiledTemplate subject,
      CompiledTemplate text,
      CompiledTemplate html) {
    this.source = source;
    this.subject = subject;
    this.text = text;
    this.html = html;
  }

  /**
   * Parses each part; a syntax error names the part it is in.
   *
   * @param simple whether only plain substitutions are allowed (inline templates)
   */
  public static CompiledContent compile(TemplateContent c, boolean simple)
      throws TemplateSyntaxException {
    return new CompiledContent(
        c,
        part("Subject", c.subject(), simple),
        part("Text", c.text(), simple),
        part("Html", c.html(), simple));
  }

  private static CompiledTemplate part(String name, String source, boolean simple)
      throws TemplateSyntaxException {
    if (source == null) {
      return null;
    }
    try {
      return simple ? CompiledTemplate.parseSimple(source) : CompiledTemplate.parse(source);
    } catch (TemplateSyntaxException e) {
      throw new TemplateSyntaxException(name + ": " + e.getMessage());
    }
  }

  /** The source it was compiled from. */
  public TemplateContent source() {
    return source;
  }

  /**
   * Renders the parts in order (subject, text, HTML): the first one the data cannot fill fails the
   * whole.
   *
   * @param limit the most characters the three parts may have together
   */
  public RenderedContent render(JsonNode data, long limit) throws RenderingException {
    String s = subject == null ? "" : subject.render(data, limit);
    String t = text == null ? null : text.render(data, limit - s.length());
    String h =
        html == null ? null : html.render(data, limit - s.length() - (t == null ? 0 : t.length()));
    return new RenderedContent(s, t, h);
  }
}
