package dev.sluice.bench.report;

/**
 * Escaping for text placed in HTML and inline SVG, in element content and quoted attributes alike.
 *
 * <p>Stateless and thread-safe.
 */
final class Markup {

  private Markup() {}

  /** Escapes {@code & < > " '} so {@code text} can never open a tag or close an attribute. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
