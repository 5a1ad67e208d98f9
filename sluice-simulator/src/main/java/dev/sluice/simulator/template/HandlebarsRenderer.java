package dev.sluice.simulator.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
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
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a parsed template against JSON data with Handlebars' semantics, and SES's two
 * differences: nothing is HTML-escaped ({@code {{x}}} prints exactly what {@code {{{x}}}} prints, as
 * SES documents for its HTML parts), and a substitution whose attribute is missing from the data is
 * a rendering failure instead of an empty string.
 *
 * <p>Design: a scope is Handlebars' context frame: the value {@code this} names, the frame {@code
 * ../} climbs to, and the data variables ({@code @index}, {@code @key}, {@code @first}, {@code
 * @last}) and block parameters of the block that opened it. Only blocks that change the context
 * ({@code each}, {@code with}, sections, partials with a context) push a scope; {@code if} and
 * {@code unless} do not, so {@code ../} means what it means in Handlebars 4. An unqualified name is
 * looked up in the current context only (Handlebars does not search enclosing contexts). Values
 * print as JavaScript prints them: arrays joined with commas, objects as {@code [object Object]},
 * numbers without a trailing {@code .0}. Output is bounded: past {@code limit} characters, or
 * partials nested past {@link #MAX_PARTIAL_DEPTH}, the render fails instead of growing.
 *
 * <p>Confined to one render; not thread-safe.
 */
final class HandlebarsRenderer {
  /** Partials calling partials deeper than this fail the render (a partial may call itself). */
  static final int MAX_PARTIAL_DEPTH = 16;

  private record Scope(
      JsonNode context, Scope up, Map<String, JsonNode> data, Map<String, JsonNode> params) {}

  private final JsonNode root;
  private final StringBuilder out;
  private final long limit;
  private final Deque<Map<String, Program>> partials = new ArrayDeque<>();
  private int partialDepth;

  private HandlebarsRenderer(JsonNode root, long limit) {
    this.root = root;
    this.out = new StringBuilder();
    this.limit = limit;
  }

  /** Renders a program with {@code data} as its root context, in at most {@code limit} chars. */
  static String render(Program program, JsonNode data, long limit) throws RenderingException {
    HandlebarsRenderer r = new HandlebarsRenderer(data, limit);
    r.program(program, new Scope(data, null, Map.of(), Map.of()));
    return r.out.toString();
  }

  private void program(Program p, Scope s) throws RenderingException {
    boolean scoped = !p.partials().isEmpty();
    if (scoped) {
      partials.push(p.partials());
    }
    for (Node n : p.nodes()) {
      switch (n) {
        case Text t -> append(t.text());
        case Output o -> output(o, s);
        case Block b -> block(b, s);
        case Partial c -> partial(c, s);
      }
    }
    if (scoped) {
      partials.pop();
    }
  }

  private void append(String text) throws RenderingException {
    if (out.length() + (long) text.length() > limit) {
      throw new RenderingException("The rendered content is longer than " + limit + " characters.");
    }
    out.append(text);
  }

  private void output(Output o, Scope s) throws RenderingException {
    JsonNode v = eval(o.expr(), s);
    if (v.isMissingNode()) {
      String what = o.expr() instanceof Path p ? p.source() : o.expr().source();
      throw new RenderingException(
          "Attribute '" + what + "' is not present in the rendering data.");
    }
    append(print(v));
  }

  private void block(Block b, Scope s) throws RenderingException {
    JsonNode v = eval(b.param(), s);
    switch (b.helper()) {
      case "if" -> program(truthy(v, includeZero(b, s)) ? b.body() : b.inverse(), s);
      case "unless" -> program(truthy(v, includeZero(b, s)) ? b.inverse() : b.body(), s);
      case "with" -> {
        if (empty(v)) {
          program(b.inverse(), s);
        } else {
          program(b.body(), new Scope(v, s, Map.of(), params(b.blockParams(), v, null)));
        }
      }
      case "each" -> each(b, v, s);
      case "inverted" -> program(empty(v) ? b.body() : b.inverse(), s);
      default -> section(b, v, s);
    }
  }

  /** A path used as a block: Handlebars' {@code blockHelperMissing}. */
  private void section(Block b, JsonNode v, Scope s) throws RenderingException {
    if (v.isBoolean() && v.booleanValue()) {
      program(b.body(), s);
    } else if (v.isArray()) {
      each(b, v, s);
    } else if (empty(v)) {
      program(b.inverse(), s);
    } else {
      program(b.body(), new Scope(v, s, Map.of(), Map.of()));
    }
  }

  private void each(Block b, JsonNode v, Scope s) throws RenderingException {
    int n = v.isArray() || v.isObject() ? v.size() : 0;
    if (n == 0) {
      program(b.inverse(), s);
      return;
    }
    if (v.isArray()) {
      for (int i = 0; i < n; i++) {
        JsonNode item = v.get(i);
        program(b.body(), item(item, IntNode.valueOf(i), i, n, false, b, s));
      }
    } else {
      int i = 0;
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        program(b.body(), item(e.getValue(), TextNode.valueOf(e.getKey()), i++, n, true, b, s));
      }
    }
  }

  private static Scope item(
      JsonNode item, JsonNode key, int i, int n, boolean object, Block b, Scope s) {
    Map<String, JsonNode> data = new HashMap<>(8);
    data.put("index", IntNode.valueOf(i));
    data.put("key", object ? key : IntNode.valueOf(i));
    data.put("first", BooleanNode.valueOf(i == 0));
    data.put("last", BooleanNode.valueOf(i == n - 1));
    return new Scope(item, s, data, params(b.blockParams(), item, key));
  }

  private static Map<String, JsonNode> params(List<String> names, JsonNode first, JsonNode second) {
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, JsonNode> m = new HashMap<>(4);
    m.put(names.get(0), first);
    if (names.size() > 1 && second != null) {
      m.put(names.get(1), second);
    }
    return m;
  }

  private boolean includeZero(Block b, Scope s) {
    Expr e = b.hash().get("includeZero");
    return e != null && truthy(eval(e, s), false);
  }

  private void partial(Partial c, Scope s) throws RenderingException {
    Program p = null;
    for (Map<String, Program> scope : partials) {
      p = scope.get(c.name());
      if (p != null) {
        break;
      }
    }
    if (p == null) {
      // The parser checks every call against the definitions around it, so this is a bug.
      throw new IllegalStateException("partial " + c.name() + " was not checked");
    }
    if (partialDepth >= MAX_PARTIAL_DEPTH) {
      throw new RenderingException(
          "Partials are nested more than " + MAX_PARTIAL_DEPTH + " deep (" + c.name() + ").");
    }
    Scope inner = c.context() == null ? s : new Scope(eval(c.context(), s), s, Map.of(), Map.of());
    int start = out.length();
    partialDepth++;
    program(p, inner);
    partialDepth--;
    if (!c.indent().isEmpty()) {
      indent(start, c.indent());
    }
  }

  /** Puts a standalone partial's indentation before each line it printed. */
  private void indent(int start, String indent) throws RenderingException {
    StringBuilder sb = new StringBuilder();
    boolean lineStart = true;
    for (int i = start; i < out.length(); i++) {
      char ch = out.charAt(i);
      if (lineStart) {
        sb.append(indent);
      }
      sb.append(ch);
      lineStart = ch == '\n';
    }
    out.setLength(start);
    append(sb.toString());
  }

  // ---- values

  private JsonNode eval(Expr e, Scope s) {
    return switch (e) {
      case Literal l -> l.value();
      case Path p -> path(p, s);
      case Lookup l -> child(eval(l.object(), s), keyOf(eval(l.key(), s)));
    };
  }

  private static String keyOf(JsonNode k) {
    return k.isMissingNode() ? "undefined" : print(k);
  }

  private JsonNode path(Path p, Scope s) {
    List<String> segs = p.segments();
    JsonNode v;
    int from = 0;
    if (p.data()) {
      String name = segs.get(0);
      v = name.equals("root") ? root : data(s, name);
      from = 1;
    } else if (!p.scoped() && !segs.isEmpty() && blockParam(s, segs.get(0)) != null) {
      v = blockParam(s, segs.get(0));
      from = 1;
    } else {
      Scope t = s;
      for (int i = 0; i < p.up() && t != null; i++) {
        t = t.up();
      }
      if (t == null) {
        return MissingNode.getInstance();
      }
      v = t.context();
    }
    for (int i = from; i < segs.size() && !v.isMissingNode(); i++) {
      v = child(v, segs.get(i));
    }
    return v;
  }

  private static JsonNode data(Scope s, String name) {
    for (Scope t = s; t != null; t = t.up()) {
      JsonNode v = t.data().get(name);
      if (v != null) {
        return v;
      }
    }
    return MissingNode.getInstance();
  }

  private static JsonNode blockParam(Scope s, String name) {
    for (Scope t = s; t != null; t = t.up()) {
      JsonNode v = t.params().get(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** A member of an object, an element of an array by index, or an array's {@code length}. */
  static JsonNode child(JsonNode v, String name) {
    if (v.isObject()) {
      JsonNode c = v.get(name);
      return c == null ? MissingNode.getInstance() : c;
    }
    if (v.isArray()) {
      if (name.equals("length")) {
        return IntNode.valueOf(v.size());
      }
      if (!name.isEmpty() && name.length() < 10 && name.chars().allMatch(Character::isDigit)) {
        JsonNode c = v.get(Integer.parseInt(name));
        return c == null ? MissingNode.getInstance() : c;
      }
    }
    if (v.isTextual() && name.equals("length")) {
      return IntNode.valueOf(v.asText().length());
    }
    return MissingNode.getInstance();
  }

  /** JavaScript truthiness, with Handlebars' rule that an empty list is false. */
  static boolean truthy(JsonNode v, boolean includeZero) {
    if (v.isMissingNode() || v.isNull()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      return includeZero || v.decimalValue().signum() != 0;
    }
    if (v.isTextual()) {
      return !v.asText().isEmpty();
    }
    return !v.isArray() || !v.isEmpty();
  }

  /** Handlebars' {@code isEmpty}: false, null, missing, "" and [] are empty; 0 is not. */
  static boolean empty(JsonNode v) {
    if (v.isNumber()) {
      return false;
    }
    return !truthy(v, true);
  }

  /** How JavaScript prints a value into a string. */
  static String print(JsonNode v) {
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isMissingNode() || v.isNull()) {
      return "";
    }
    if (v.isNumber()) {
      if (v.isIntegralNumber()) {
        return v.asText();
      }
      BigDecimal d = v.decimalValue().stripTrailingZeros();
      return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
    }
    if (v.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(print(v.get(i)));
      }
      return sb.toString();
    }
    if (v.isObject()) {
      return "[object Object]";
    }
    return v.asText();
  }
}
