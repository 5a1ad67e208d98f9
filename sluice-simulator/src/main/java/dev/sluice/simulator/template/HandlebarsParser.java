package dev.sluice.simulator.template;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.simulator.template.Node.Block;
import dev.sluice.simulator.template.Node.Expr;
import dev.sluice.simulator.template.Node.Literal;
import dev.sluice.simulator.template.Node.Lookup;
import dev.sluice.simulator.template.Node.Output;
import dev.sluice.simulator.template.Node.Partial;
import dev.sluice.simulator.template.Node.Path;
import dev.sluice.simulator.template.Node.Program;
import dev.sluice.simulator.template.Node.Text;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns Handlebars source into a {@link Program}: the subset SES documents (substitutions, nested
 * paths, {@code if}/{@code unless}/{@code each}/{@code with} with {@code else} and {@code else if},
 * inline partials) plus what Handlebars gives with it (comments, {@code ~} whitespace control,
 * standalone lines, {@code \{{} escapes, sections, {@code lookup}, {@code log}).
 *
 * <p>Design: three passes over the source. The scanner cuts it into text and tags; a whitespace
 * pass applies {@code ~} and Handlebars' standalone rule (a block, else, comment or partial tag
 * alone on its line takes its line with it); a stack turns the tags into a tree. The tree is then
 * checked for partials that no enclosing level defines, so every syntax problem is found when the
 * template is stored, as SES does ({@code InvalidTemplate} in v1), not when a message is rendered.
 * Sub-expressions, partial blocks, decorators other than {@code inline} and helpers other than the
 * built-in ones are refused with a message saying so.
 *
 * <p>Stateless; one instance per parse.
 */
final class HandlebarsParser {
  /** Blocks nested deeper than this are refused, which bounds the renderer's recursion. */
  static final int MAX_NESTING = 64;

  private static final Set<String> BLOCK_HELPERS = Set.of("if", "unless", "each", "with");
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(?:\\.[0-9]+)?");

  private enum Kind {
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
  private static final class Token {
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

  private HandlebarsParser(String source, boolean simple) {
    this.source = source;
    this.simple = simple;
  }

  /**
   * Parses a template.
   *
   * @param simple whether only plain substitutions are allowed (SES's inline templates)
   */
  static Program parse(String source, boolean simple) throws TemplateSyntaxException {
    HandlebarsParser p = new HandlebarsParser(source, simple);
    List<Token> tokens = p.scan();
    whitespace(tokens);
    Program program = p.build(tokens);
    checkPartials(program, new ArrayDeque<>());
    return program;
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

  // ---- tree

  /** A level being filled: a program's nodes and inline partials. */
  private static final class Level {
    final List<Node> nodes = new ArrayList<>();
    final Map<String, Program> partials = new LinkedHashMap<>();

    Program program() {
      return nodes.isEmpty() && partials.isEmpty()
          ? Program.EMPTY
          : new Program(List.copyOf(nodes), Map.copyOf(partials));
    }
  }

  /** An open block waiting for its close tag. */
  private static final class Open {
    final String closeName;
    final String helper;
    final Expr param;
    final Map<String, Expr> hash;
    final List<String> blockParams;
    final String partialName;
    final boolean chained;
    final int line;
    final Level body = new Level();
    Level inverse;

    Open(
        String closeName,
        String helper,
        Expr param,
        Map<String, Expr> hash,
        List<String> blockParams,
        String partialName,
        boolean chained,
        int line) {
      this.closeName = closeName;
      this.helper = helper;
      this.param = param;
      this.hash = hash;
      this.blockParams = blockParams;
      this.partialName = partialName;
      this.chained = chained;
      this.line = line;
    }

    Level current() {
      return inverse != null ? inverse : body;
    }

    Block block() {
      return new Block(
          helper,
          param,
          hash,
          blockParams,
          body.program(),
          inverse == null ? Program.EMPTY : inverse.program());
    }
  }

  private Program build(List<Token> tokens) throws TemplateSyntaxException {
    Level root = new Level();
    Deque<Open> stack = new ArrayDeque<>();
    for (Token t : tokens) {
      Level target = stack.isEmpty() ? root : stack.peek().current();
      switch (t.kind) {
        case TEXT -> {
          if (!t.text.isEmpty()) {
            target.nodes.add(new Text(t.text));
          }
        }
        case COMMENT -> {}
        case OUTPUT -> output(t, target);
        case PARTIAL -> target.nodes.add(partial(t));
        case OPEN, OPEN_INVERSE -> push(stack, open(t, false, t.kind == Kind.OPEN_INVERSE, null));
        case OPEN_INLINE -> push(stack, inline(t));
        case ELSE -> {
          Open top = stack.peek();
          if (top == null || top.partialName != null) {
            throw new TemplateSyntaxException(
                "Parse error on line " + t.line + ": {{else}} outside a block.");
          }
          if (top.inverse != null) {
            throw new TemplateSyntaxException(
                "Parse error on line "
                    + t.line
                    + ": a second {{else}} in {{#"
                    + top.closeName
                    + "}} (line "
                    + top.line
                    + ").");
          }
          top.inverse = new Level();
          if (!t.text.isEmpty()) {
            push(stack, open(t, true, false, top.closeName));
          }
        }
        case CLOSE -> close(t, stack, root);
      }
    }
    if (!stack.isEmpty()) {
      Open o = stack.peek();
      throw new TemplateSyntaxException(
          "Parse error: {{#" + o.closeName + "}} on line " + o.line + " is never closed.");
    }
    return root.program();
  }

  private static void push(Deque<Open> stack, Open o) throws TemplateSyntaxException {
    if (stack.size() >= MAX_NESTING) {
      throw new TemplateSyntaxException(
          "Blocks are nested more than " + MAX_NESTING + " deep on line " + o.line + ".");
    }
    stack.push(o);
  }

  private static void close(Token t, Deque<Open> stack, Level root) throws TemplateSyntaxException {
    Open o = stack.poll();
    while (o != null && o.chained) {
      Open parent = stack.peek();
      parent.current().nodes.add(o.block());
      o = stack.poll();
    }
    if (o == null) {
      throw new TemplateSyntaxException(
          "Parse error on line " + t.line + ": {{/" + t.text + "}} closes no block.");
    }
    if (!o.closeName.equals(t.text)) {
      throw new TemplateSyntaxException(
          "Parse error on line "
              + t.line
              + ": {{/"
              + t.text
              + "}} doesn't match {{#"
              + o.closeName
              + "}} on line "
              + o.line
              + ".");
    }
    Level target = stack.isEmpty() ? root : stack.peek().current();
    if (o.partialName != null) {
      target.partials.put(o.partialName, o.body.program());
    } else {
      target.nodes.add(o.block());
    }
  }

  private Open open(Token t, boolean chained, boolean inverted, String closeName)
      throws TemplateSyntaxException {
    Call c = call(t.text, t.line);
    if (c.helper == null) {
      throw new TemplateSyntaxException(
          "Parse error on line " + t.line + ": a block needs a helper or a path.");
    }
    if (BLOCK_HELPERS.contains(c.helper) && !inverted) {
      if (c.params.size() != 1) {
        throw new TemplateSyntaxException(
            "Parse error on line " + t.line + ": #" + c.helper + " requires exactly one argument.");
      }
      if (!c.blockParams.isEmpty() && !c.helper.equals("each") && !c.helper.equals("with")) {
        throw new TemplateSyntaxException(
            "Parse error on line " + t.line + ": #" + c.helper + " takes no block parameters.");
      }
      return new Open(
          closeName == null ? c.helper : closeName,
          c.helper,
          c.params.get(0),
          c.hash,
          c.blockParams,
          null,
          chained,
          t.line);
    }
    if (!c.params.isEmpty() || !c.hash.isEmpty() || !c.blockParams.isEmpty()) {
      throw missingHelper(c.helper, t.line);
    }
    Expr section = path(c.helper, t.line);
    return new Open(
        closeName == null ? c.helper : closeName,
        inverted ? "inverted" : "section",
        section,
        Map.of(),
        List.of(),
        null,
        chained,
        t.line);
  }

  private Open inline(Token t) throws TemplateSyntaxException {
    Call c = call(t.text, t.line);
    if (!"inline".equals(c.helper)) {
      throw new TemplateSyntaxException(
          "Parse error on line "
              + t.line
              + ": the decorator {{#*"
              + t.text
              + "}} is not supported; only {{#*inline \"name\"}} is.");
    }
    if (c.params.size() != 1
        || !(c.params.get(0) instanceof Literal l)
        || !l.value().isTextual()
        || l.value().asText().isEmpty()) {
      throw new TemplateSyntaxException(
          "Parse error on line " + t.line + ": {{#*inline}} needs a quoted partial name.");
    }
    return new Open(
        "inline", "inline", null, Map.of(), List.of(), l.value().asText(), false, t.line);
  }

  private void output(Token t, Level target) throws TemplateSyntaxException {
    Call c = call(t.text, t.line);
    if (c.helper == null) {
      throw new TemplateSyntaxException("Parse error on line " + t.line + ": an empty {{}}.");
    }
    if (!c.blockParams.isEmpty()) {
      throw new TemplateSyntaxException(
          "Parse error on line " + t.line + ": block parameters outside a block.");
    }
    if (c.params.isEmpty() && c.hash.isEmpty()) {
      Expr e = c.literalHead != null ? c.literalHead : path(c.helper, t.line);
      if (simple && (!(e instanceof Path p) || p.data() || p.up() > 0)) {
        throw new TemplateSyntaxException(
            "Inline template content supports only simple substitutions such as {{name}} and"
                + " {{contact.firstName}}; line "
                + t.line
                + " has {{"
                + t.text
                + "}}.");
      }
      target.nodes.add(new Output(e, t.line));
      return;
    }
    if (simple) {
      throw new TemplateSyntaxException(
          "Inline template content supports only simple substitutions such as {{name}}; line "
              + t.line
              + " calls a helper: {{"
              + t.text
              + "}}.");
    }
    switch (c.helper) {
      case "log" -> {} // Handlebars logs to the console; nothing reaches the message
      case "lookup" -> {
        if (c.params.size() != 2) {
          throw new TemplateSyntaxException(
              "Parse error on line " + t.line + ": lookup takes an object and a key.");
        }
        target.nodes.add(new Output(new Lookup(t.text, c.params.get(0), c.params.get(1)), t.line));
      }
      default -> throw missingHelper(c.helper, t.line);
    }
  }

  private Partial partial(Token t) throws TemplateSyntaxException {
    Call c = call(t.text, t.line);
    if (c.helper == null) {
      throw new TemplateSyntaxException("Parse error on line " + t.line + ": {{>}} needs a name.");
    }
    if (c.params.size() > 1 || !c.hash.isEmpty() || !c.blockParams.isEmpty()) {
      throw new TemplateSyntaxException(
          "Parse error on line "
              + t.line
              + ": a partial takes at most one context argument; hash arguments are not"
              + " supported.");
    }
    String name =
        c.literalHead != null && c.literalHead.value().isTextual()
            ? c.literalHead.value().asText()
            : c.helper;
    return new Partial(name, c.params.isEmpty() ? null : c.params.get(0), t.indent);
  }

  private static TemplateSyntaxException missingHelper(String name, int line) {
    return new TemplateSyntaxException(
        "Parse error on line "
            + line
            + ": Missing helper: \""
            + name
            + "\". SES templates take the built-in helpers if, unless, each, with, lookup and"
            + " log.");
  }

  // ---- expressions

  /** A tag's contents: the first word, positional and named arguments, block parameters. */
  private record Call(
      String helper,
      Literal literalHead,
      List<Expr> params,
      Map<String, Expr> hash,
      List<String> blockParams) {}

  private Call call(String text, int line) throws TemplateSyntaxException {
    List<String> words = words(text, line);
    List<String> blockParams = new ArrayList<>();
    int asAt = words.indexOf("as");
    if (asAt >= 0 && asAt + 1 < words.size() && words.get(asAt + 1).startsWith("|")) {
      String joined = String.join(" ", words.subList(asAt + 1, words.size())).strip();
      if (!joined.endsWith("|") || joined.length() < 3) {
        throw new TemplateSyntaxException(
            "Parse error on line " + line + ": block parameters are written as |name index|.");
      }
      for (String bp : joined.substring(1, joined.length() - 1).strip().split("\\s+")) {
        blockParams.add(bp);
      }
      words = words.subList(0, asAt);
    }
    if (words.isEmpty()) {
      return new Call(null, null, List.of(), Map.of(), List.copyOf(blockParams));
    }
    String head = words.get(0);
    Literal literalHead = head.startsWith("\"") || head.startsWith("'") ? literal(head) : null;
    List<Expr> params = new ArrayList<>();
    Map<String, Expr> hash = new LinkedHashMap<>();
    for (String w : words.subList(1, words.size())) {
      int eq = hashEquals(w);
      if (eq > 0) {
        hash.put(w.substring(0, eq), expr(w.substring(eq + 1), line));
      } else if (!hash.isEmpty()) {
        throw new TemplateSyntaxException(
            "Parse error on line " + line + ": positional arguments must come before key=value.");
      } else {
        params.add(expr(w, line));
      }
    }
    return new Call(
        head, literalHead, List.copyOf(params), Map.copyOf(hash), List.copyOf(blockParams));
  }

  /** Splits a tag's contents on whitespace outside quotes and {@code [..]} segments. */
  private static List<String> words(String text, int line) throws TemplateSyntaxException {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    boolean bracket = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quote != 0) {
        cur.append(ch);
        if (ch == '\\' && i + 1 < text.length()) {
          cur.append(text.charAt(++i));
        } else if (ch == quote) {
          quote = 0;
        }
      } else if (bracket) {
        cur.append(ch);
        bracket = ch != ']';
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
        cur.append(ch);
      } else if (ch == '[') {
        bracket = true;
        cur.append(ch);
      } else if (ch == '(' || ch == ')') {
        throw new TemplateSyntaxException(
            "Parse error on line " + line + ": sub-expressions ( … ) are not supported.");
      } else if (Character.isWhitespace(ch)) {
        if (!cur.isEmpty()) {
          out.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        cur.append(ch);
      }
    }
    if (quote != 0 || bracket) {
      throw new TemplateSyntaxException(
          "Parse error on line " + line + ": an unclosed " + (bracket ? "[" : "quote") + ".");
    }
    if (!cur.isEmpty()) {
      out.add(cur.toString());
    }
    return out;
  }

  private static int hashEquals(String w) {
    if (w.startsWith("\"") || w.startsWith("'") || w.startsWith("[")) {
      return -1;
    }
    return w.indexOf('=');
  }

  private Expr expr(String w, int line) throws TemplateSyntaxException {
    Literal l = literal(w);
    return l != null ? l : path(w, line);
  }

  private static Literal literal(String w) {
    if ((w.startsWith("\"") && w.endsWith("\"") || w.startsWith("'") && w.endsWith("'"))
        && w.length() >= 2) {
      String body = w.substring(1, w.length() - 1);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < body.length(); i++) {
        char ch = body.charAt(i);
        if (ch == '\\' && i + 1 < body.length()) {
          ch = body.charAt(++i);
        }
        sb.append(ch);
      }
      return new Literal(w, TextNode.valueOf(sb.toString()));
    }
    return switch (w) {
      case "true" -> new Literal(w, BooleanNode.TRUE);
      case "false" -> new Literal(w, BooleanNode.FALSE);
      case "null" -> new Literal(w, NullNode.getInstance());
      case "undefined" -> new Literal(w, MissingNode.getInstance());
      default -> {
        if (!NUMBER.matcher(w).matches()) {
          yield null;
        }
        yield w.indexOf('.') < 0 && w.length() < 18
            ? new Literal(w, LongNode.valueOf(Long.parseLong(w)))
            : new Literal(w, DecimalNode.valueOf(new BigDecimal(w)));
      }
    };
  }

  /** Parses {@code a.b}, {@code a/b}, {@code this}, {@code ./a}, {@code ../a}, {@code @index}. */
  private static Path path(String w, int line) throws TemplateSyntaxException {
    String rest = w;
    boolean data = rest.startsWith("@");
    if (data) {
      rest = rest.substring(1);
    }
    int up = 0;
    boolean scoped = false;
    while (rest.startsWith("../") || rest.equals("..")) {
      up++;
      scoped = true;
      rest = rest.length() > 2 ? rest.substring(3) : "";
    }
    if (!data) {
      if (rest.equals("this") || rest.equals(".")) {
        scoped = true;
        rest = "";
      } else if (rest.startsWith("this.") || rest.startsWith("this/") || rest.startsWith("./")) {
        scoped = true;
        rest = rest.substring(rest.startsWith("./") ? 2 : 5);
      }
    }
    List<String> segments = new ArrayList<>();
    int i = 0;
    while (i < rest.length()) {
      String seg;
      if (rest.charAt(i) == '[') {
        int close = rest.indexOf(']', i);
        seg = rest.substring(i + 1, close);
        i = close + 1;
      } else {
        int j = i;
        while (j < rest.length() && rest.charAt(j) != '.' && rest.charAt(j) != '/') {
          j++;
        }
        seg = rest.substring(i, j);
        i = j;
        if (seg.isEmpty() || seg.equals("..") || seg.equals("this") || !identifier(seg)) {
          throw new TemplateSyntaxException(
              "Parse error on line " + line + ": invalid path '" + w + "'.");
        }
      }
      segments.add(seg);
      if (i < rest.length()) {
        char sep = rest.charAt(i);
        if (sep != '.' && sep != '/') {
          throw new TemplateSyntaxException(
              "Parse error on line " + line + ": invalid path '" + w + "'.");
        }
        i++;
        if (i == rest.length()) {
          throw new TemplateSyntaxException(
              "Parse error on line " + line + ": invalid path '" + w + "'.");
        }
      }
    }
    if (data && segments.isEmpty()) {
      throw new TemplateSyntaxException(
          "Parse error on line " + line + ": invalid data variable '" + w + "'.");
    }
    return new Path(w, up, scoped, data, List.copyOf(segments));
  }

  /** Handlebars' ID: anything but whitespace and {@code !"#%&'()*+,./;<=>@[\]^`{|}~}. */
  private static boolean identifier(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isWhitespace(ch) || "!\"#%&'()*+,./;<=>@[\\]^`{|}~".indexOf(ch) >= 0) {
        return false;
      }
    }
    return true;
  }

  // ---- partials

  private static void checkPartials(Program p, Deque<Map<String, Program>> scopes)
      throws TemplateSyntaxException {
    scopes.push(p.partials());
    for (Program def : p.partials().values()) {
      checkPartials(def, scopes);
    }
    for (Node n : p.nodes()) {
      if (n instanceof Partial call && scopes.stream().noneMatch(s -> s.containsKey(call.name()))) {
        throw new TemplateSyntaxException(
            "The partial "
                + call.name()
                + " could not be found: define it with {{#*inline \""
                + call.name()
                + "\"}}…{{/inline}}.");
      }
      if (n instanceof Block b) {
        checkPartials(b.body(), scopes);
        checkPartials(b.inverse(), scopes);
      }
    }
    scopes.pop();
  }
}
