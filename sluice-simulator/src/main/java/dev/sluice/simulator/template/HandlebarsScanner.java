package dev.sluice.simulator.template;

import java.util.ArrayList;
import java.util.List;

/**
 * The first two passes of {@link HandlebarsParser}: cuts Handlebars source into text and tags, then
 * applies {@code ~} (strip all whitespace on that side) and Handlebars' standalone rule (a block,
 * else, comment or partial tag alone on its line takes its line with it, and a standalone partial
 * remembers its indentation). A backslash before two opening braces makes them literal text; two
 * backslashes there print one backslash before a real tag.
 *
 * <p>Confined to one parse.
 */
final class HandlebarsScanner {
  /** What a piece of the source is. */
  enum Kind {
    TEXT,
    COMMENT,
    OUTPUT,
    OPEN,
    OPEN_INVERSE,
    OPEN_INLINE,
    CLOSE,
    ELSE,
    PARTIAL
  }

  /** A piece of the source; text tokens are edited by the whitespace pass. */
  static final class Token {
    final Kind kind;
    final String original;
    String text;
    final int line;
    boolean stripLeft;
    boolean stripRight;
    String indent = "";

    Token(Kind kind, String text, int line) {
      this.kind = kind;
      this.original = text;
      this.text = text;
      this.line = line;
    }

    boolean standaloneCapable() {
      return kind != Kind.TEXT && kind != Kind.OUTPUT;
    }
  }

  private final String source;
  private final boolean simple;

  private HandlebarsScanner(String source, boolean simple) {
    this.source = source;
    this.simple = simple;
  }

  /**
   * The source's tokens, whitespace rules applied.
   *
   * @param simple whether only plain substitutions and comments are allowed
   */
  static List<Token> tokens(String source, boolean simple) throws TemplateSyntaxException {
    List<Token> tokens = new HandlebarsScanner(source, simple).scan();
    whitespace(tokens);
    return tokens;
  }

  // ---- scanning

  private List<Token> scan() throws TemplateSyntaxException {
    List<Token> out = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    int line = 1;
    int n = source.length();
    while (i < n) {
      int open = source.indexOf("{{", i);
      if (open < 0) {
        text.append(source, i, n);
        break;
      }
      if (open > i && source.charAt(open - 1) == '\\') {
        if (open - 1 > i && source.charAt(open - 2) == '\\') {
          text.append(source, i, open - 1); // "\\{{" is a backslash, then a real tag
        } else {
          text.append(source, i, open - 1).append("{{"); // "\{{" is a literal "{{"
          line += newlines(i, open + 2);
          i = open + 2;
          continue;
        }
      } else {
        text.append(source, i, open);
      }
      line += newlines(i, open);
      if (!text.isEmpty()) {
        out.add(new Token(Kind.TEXT, text.toString(), line));
        text.setLength(0);
      }
      int end = tag(open, line, out);
      line += newlines(open, end);
      i = end;
    }
    if (!text.isEmpty()) {
      out.add(new Token(Kind.TEXT, text.toString(), line));
    }
    return out;
  }

  private int newlines(int from, int to) {
    int c = 0;
    for (int k = from; k < to; k++) {
      if (source.charAt(k) == '\n') {
        c++;
      }
    }
    return c;
  }

  /** Reads the tag starting at {@code open}, adds its token, returns the index after it. */
  private int tag(int open, int line, List<Token> out) throws TemplateSyntaxException {
    int p = open + 2;
    boolean stripLeft = p < source.length() && source.charAt(p) == '~';
    if (stripLeft) {
      p++;
    }
    Token t;
    int end;
    if (source.startsWith("{", p)) {
      int close = source.indexOf('}', p + 1);
      while (close >= 0 && !closesTriple(close)) {
        close = source.indexOf('}', close + 1);
      }
      if (close < 0) {
        throw unclosed(line);
      }
      boolean stripRight = source.charAt(close + 1) == '~';
      end = close + (stripRight ? 4 : 3);
      t = new Token(Kind.OUTPUT, source.substring(p + 1, close).strip(), line);
      t.stripRight = stripRight;
    } else if (source.startsWith("!--", p)) {
      int close = source.indexOf("--", p + 3);
      while (close >= 0
          && !source.startsWith("}}", close + 2)
          && !source.startsWith("~}}", close + 2)) {
        close = source.indexOf("--", close + 1);
      }
      if (close < 0) {
        throw unclosed(line);
      }
      t = new Token(Kind.COMMENT, "", line);
      t.stripRight = source.charAt(close + 2) == '~';
      end = close + (t.stripRight ? 5 : 4);
    } else {
      int close = source.indexOf("}}", p);
      if (close < 0) {
        throw unclosed(line);
      }
      end = close + 2;
      String body = source.substring(p, close);
      boolean stripRight = body.endsWith("~");
      if (stripRight) {
        body = body.substring(0, body.length() - 1);
      }
      t = classify(body.strip(), line);
      t.stripRight = stripRight;
    }
    t.stripLeft = stripLeft;
    if (simple && t.kind != Kind.COMMENT && t.kind != Kind.OUTPUT) {
      throw new TemplateSyntaxException(
          "Inline template content supports only simple substitutions such as {{name}} and"
              + " {{contact.firstName}}; line "
              + line
              + " has {{"
              + source.substring(open + 2, end - 2).strip()
              + "}}. Store the template with CreateEmailTemplate to use helpers and partials.");
    }
    out.add(t);
    return end;
  }

  private boolean closesTriple(int close) {
    return source.startsWith("}}}", close) || source.startsWith("}~}}", close);
  }

  private static TemplateSyntaxException unclosed(int line) {
    return new TemplateSyntaxException("Parse error on line " + line + ": '{{' is never closed.");
  }

  private static Token classify(String body, int line) {
    if (body.startsWith("!")) {
      return new Token(Kind.COMMENT, "", line);
    }
    if (body.startsWith("#*")) {
      return new Token(Kind.OPEN_INLINE, body.substring(2).strip(), line);
    }
    if (body.startsWith("#")) {
      return new Token(Kind.OPEN, body.substring(1).strip(), line);
    }
    if (body.startsWith("/")) {
      return new Token(Kind.CLOSE, body.substring(1).strip(), line);
    }
    if (body.startsWith("^")) {
      String rest = body.substring(1).strip();
      return rest.isEmpty()
          ? new Token(Kind.ELSE, "", line)
          : new Token(Kind.OPEN_INVERSE, rest, line);
    }
    if (body.startsWith(">")) {
      return new Token(Kind.PARTIAL, body.substring(1).strip(), line);
    }
    if (body.startsWith("&")) {
      return new Token(Kind.OUTPUT, body.substring(1).strip(), line);
    }
    if (body.equals("else") || body.startsWith("else ") || body.startsWith("else\t")) {
      return new Token(Kind.ELSE, body.substring(4).strip(), line);
    }
    return new Token(Kind.OUTPUT, body, line);
  }

  // ---- whitespace: "~" and standalone lines

  /**
   * Applies {@code ~} (strip all whitespace on that side) and the standalone rule. As in
   * Handlebars, whether a tag stands alone is judged on the source text around it, before either
   * kind of stripping.
   */
  private static void whitespace(List<Token> tokens) {
    boolean[] standalone = new boolean[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      standalone[i] =
          t.standaloneCapable()
              && startsLine(i > 0 ? tokens.get(i - 1) : null, i == 1)
              && endsLine(i + 1 < tokens.size() ? tokens.get(i + 1) : null, i + 2 == tokens.size());
    }
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      Token prev = i > 0 && tokens.get(i - 1).kind == Kind.TEXT ? tokens.get(i - 1) : null;
      Token next =
          i + 1 < tokens.size() && tokens.get(i + 1).kind == Kind.TEXT ? tokens.get(i + 1) : null;
      if (t.stripLeft && prev != null) {
        prev.text = prev.text.stripTrailing();
      }
      if (t.stripRight && next != null) {
        next.text = next.text.stripLeading();
      }
      if (!standalone[i]) {
        continue;
      }
      if (prev != null) {
        String o = prev.original;
        t.indent = o.substring(trailingBlanks(o));
        prev.text = prev.text.substring(0, trailingBlanks(prev.text));
      }
      if (next != null) {
        next.text = afterLineEnd(next.text);
      }
    }
  }

  /** Where the spaces and tabs that end {@code s} begin. */
  private static int trailingBlanks(String s) {
    int k = s.length();
    while (k > 0 && (s.charAt(k - 1) == ' ' || s.charAt(k - 1) == '\t')) {
      k--;
    }
    return k;
  }

  /** Whether only spaces and tabs stand between the start of the tag's line and the tag. */
  private static boolean startsLine(Token prev, boolean prevIsFirst) {
    if (prev == null) {
      return true;
    }
    if (prev.kind != Kind.TEXT) {
      return false;
    }
    int k = trailingBlanks(prev.original);
    return k == 0 ? prevIsFirst : prev.original.charAt(k - 1) == '\n';
  }

  /** Whether only spaces and tabs follow the tag up to the end of its line or of the template. */
  private static boolean endsLine(Token next, boolean nextIsLast) {
    if (next == null) {
      return true;
    }
    if (next.kind != Kind.TEXT) {
      return false;
    }
    String s = next.original;
    int k = 0;
    while (k < s.length() && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
      k++;
    }
    if (k == s.length()) {
      return nextIsLast;
    }
    return s.charAt(k) == '\n' || (s.charAt(k) == '\r' && s.startsWith("\n", k + 1));
  }

  private static String afterLineEnd(String s) {
    int k = 0;
    while (k < s.length() && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
      k++;
    }
    if (s.startsWith("\r\n", k)) {
      return s.substring(k + 2);
    }
    if (s.startsWith("\n", k)) {
      return s.substring(k + 1);
    }
    return s.substring(k);
  }
}
