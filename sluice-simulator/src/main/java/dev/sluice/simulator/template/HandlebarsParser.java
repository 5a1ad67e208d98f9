package dev.sluice.simulator.template;

import dev.sluice.simulator.template.HandlebarsExpressions.Call;
import dev.sluice.simulator.template.HandlebarsScanner.Kind;
import dev.sluice.simulator.template.HandlebarsScanner.Token;
import dev.sluice.simulator.template.Node.Block;
import dev.sluice.simulator.template.Node.Expr;
import dev.sluice.simulator.template.Node.Literal;
import dev.sluice.simulator.template.Node.Lookup;
import dev.sluice.simulator.template.Node.Output;
import dev.sluice.simulator.template.Node.Partial;
import dev.sluice.simulator.template.Node.Path;
import dev.sluice.simulator.template.Node.Program;
import dev.sluice.simulator.template.Node.Text;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Handlebars source into a {@link Program}: the subset SES documents (substitutions, nested
 * paths, {@code if}/{@code unless}/{@code each}/{@code with} with {@code else} and {@code else if},
 * inline partials) plus what Handlebars gives with it (comments, {@code ~} whitespace control,
 * standalone lines, backslash escapes, sections, {@code lookup}, {@code log}).
 *
 * <p>Design: three passes over the source. {@link HandlebarsScanner} cuts it into text and tags and
 * applies {@code ~} and Handlebars' standalone rule (a block, else, comment or partial tag alone on
 * its line takes its line with it); a stack turns the tags into a tree, reading each tag's inside
 * with {@link HandlebarsExpressions}. The tree is then checked for partials that no enclosing level
 * defines, so every syntax problem is found when the template is stored, as SES does ({@code
 * InvalidTemplate} in v1), not when a message is rendered. Sub-expressions, partial blocks,
 * decorators other than {@code inline} and helpers other than the built-in ones are refused with a
 * message saying so.
 *
 * <p>Stateless; one instance per parse.
 */
final class HandlebarsParser {
  /** Blocks nested deeper than this are refused, which bounds the renderer's recursion. */
  static final int MAX_NESTING = 64;

  private static final Set<String> BLOCK_HELPERS = Set.of("if", "unless", "each", "with");
  private final boolean simple;

  private HandlebarsParser(boolean simple) {
    this.simple = simple;
  }

  /**
   * Parses a template.
   *
   * @param simple whether only plain substitutions are allowed (SES's inline templates)
   */
  static Program parse(String source, boolean simple) throws TemplateSyntaxException {
    List<Token> tokens = HandlebarsScanner.tokens(source, simple);
    Program program = new HandlebarsParser(simple).build(tokens);
    checkPartials(program, new ArrayDeque<>());
    return program;
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
    Call c = HandlebarsExpressions.call(t.text, t.line);
    if (c.helper() == null) {
      throw new TemplateSyntaxException(
          "Parse error on line " + t.line + ": a block needs a helper or a path.");
    }
    if (BLOCK_HELPERS.contains(c.helper()) && !inverted) {
      if (c.params().size() != 1) {
        throw new TemplateSyntaxException(
            "Parse error on line "
                + t.line
                + ": #"
                + c.helper()
                + " requires exactly one argument.");
      }
      if (!c.blockParams().isEmpty() && !c.helper().equals("each") && !c.helper().equals("with")) {
        throw new TemplateSyntaxException(
            "Parse error on line " + t.line + ": #" + c.helper() + " takes no block parameters.");
      }
      return new Open(
          closeName == null ? c.helper() : closeName,
          c.helper(),
          c.params().get(0),
          c.hash(),
          c.blockParams(),
          null,
          chained,
          t.line);
    }
    if (!c.params().isEmpty() || !c.hash().isEmpty() || !c.blockParams().isEmpty()) {
      throw missingHelper(c.helper(), t.line);
    }
    Expr section = HandlebarsExpressions.path(c.helper(), t.line);
    return new Open(
        closeName == null ? c.helper() : closeName,
        inverted ? "inverted" : "section",
        section,
        Map.of(),
        List.of(),
        null,
        chained,
        t.line);
  }

  private Open inline(Token t) throws TemplateSyntaxException {
    Call c = HandlebarsExpressions.call(t.text, t.line);
    if (!"inline".equals(c.helper())) {
      throw new TemplateSyntaxException(
          "Parse error on line "
              + t.line
              + ": the decorator {{#*"
              + t.text
              + "}} is not supported; only {{#*inline \"name\"}} is.");
    }
    if (c.params().size() != 1
        || !(c.params().get(0) instanceof Literal l)
        || !l.value().isTextual()
        || l.value().asText().isEmpty()) {
      throw new TemplateSyntaxException(
          "Parse error on line " + t.line + ": {{#*inline}} needs a quoted partial name.");
    }
    return new Open(
        "inline", "inline", null, Map.of(), List.of(), l.value().asText(), false, t.line);
  }

  private void output(Token t, Level target) throws TemplateSyntaxException {
    Call c = HandlebarsExpressions.call(t.text, t.line);
    if (c.helper() == null) {
      throw new TemplateSyntaxException("Parse error on line " + t.line + ": an empty {{}}.");
    }
    if (!c.blockParams().isEmpty()) {
      throw new TemplateSyntaxException(
          "Parse error on line " + t.line + ": block parameters outside a block.");
    }
    if (c.params().isEmpty() && c.hash().isEmpty()) {
      Expr e =
          c.literalHead() != null
              ? c.literalHead()
              : HandlebarsExpressions.path(c.helper(), t.line);
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
    switch (c.helper()) {
      case "log" -> {} // Handlebars logs to the console; nothing reaches the message
      case "lookup" -> {
        if (c.params().size() != 2) {
          throw new TemplateSyntaxException(
              "Parse error on line " + t.line + ": lookup takes an object and a key.");
        }
        target.nodes.add(
            new Output(new Lookup(t.text, c.params().get(0), c.params().get(1)), t.line));
      }
      default -> throw missingHelper(c.helper(), t.line);
    }
  }

  private Partial partial(Token t) throws TemplateSyntaxException {
    Call c = HandlebarsExpressions.call(t.text, t.line);
    if (c.helper() == null) {
      throw new TemplateSyntaxException("Parse error on line " + t.line + ": {{>}} needs a name.");
    }
    if (c.params().size() > 1 || !c.hash().isEmpty() || !c.blockParams().isEmpty()) {
      throw new TemplateSyntaxException(
          "Parse error on line "
              + t.line
              + ": a partial takes at most one context argument; hash arguments are not"
              + " supported.");
    }
    String name =
        c.literalHead() != null && c.literalHead().value().isTextual()
            ? c.literalHead().value().asText()
            : c.helper();
    return new Partial(name, c.params().isEmpty() ? null : c.params().get(0), t.indent);
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
