package dev.sluice.simulator.template;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.simulator.template.Node.Expr;
import dev.sluice.simulator.template.Node.Literal;
import dev.sluice.simulator.template.Node.Path;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The inside of a Handlebars tag: a helper or path, positional arguments, {@code key=value}
 * arguments and {@code as |a b|} block parameters; paths ({@code a.b}, {@code a/b}, {@code this},
 * {@code ./a}, {@code ../a}, {@code @index}, {@code [literal segment]}) and literals (strings,
 * numbers, {@code true}, {@code false}, {@code null}, {@code undefined}). Sub-expressions are
 * refused.
 *
 * <p>Stateless.
 */
final class HandlebarsExpressions {
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(?:\\.[0-9]+)?");

  private HandlebarsExpressions() {}

  /** A tag's contents: the first word, positional and named arguments, block parameters. */
  record Call(
      String helper,
      Literal literalHead,
      List<Expr> params,
      Map<String, Expr> hash,
      List<String> blockParams) {}

  static Call call(String text, int line) throws TemplateSyntaxException {
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

  private static Expr expr(String w, int line) throws TemplateSyntaxException {
    Literal l = literal(w);
    return l != null ? l : path(w, line);
  }

  static Literal literal(String w) {
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
  static Path path(String w, int line) throws TemplateSyntaxException {
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
}
