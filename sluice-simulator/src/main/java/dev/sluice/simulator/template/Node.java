package dev.sluice.simulator.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One element of a parsed template: literal text, a substitution, a block helper or a partial. The
 * parser ({@link HandlebarsParser}) builds them; the renderer ({@link HandlebarsRenderer}) walks
 * them. Immutable.
 */
sealed interface Node {
  /** Literal text, copied to the output. */
  record Text(String text) implements Node {}

  /**
   * A substitution, {@code {{path}}} or {@code {{{path}}}}, or an inline helper call such as {@code
   * {{lookup a b}}}.
   *
   * @param expr what to print
   * @param line the source line, for messages
   */
  record Output(Expr expr, int line) implements Node {}

  /**
   * A block: {@code {{#if x}}…{{else}}…{{/if}}}, {@code each}, {@code unless}, {@code with}, or a
   * path used as a section ({@code {{#items}}…{{/items}}}, {@code {{^items}}…{{/items}}}).
   *
   * @param helper {@code if}, {@code unless}, {@code each}, {@code with}, {@code section} or {@code
   *     inverted}
   * @param param the helper's one parameter
   * @param hash named arguments ({@code includeZero=true})
   * @param blockParams names bound by {@code as |item index|}
   * @param body rendered when the helper chooses its main branch
   * @param inverse rendered for {@code {{else}}}; empty when there is none
   */
  record Block(
      String helper,
      Expr param,
      Map<String, Expr> hash,
      List<String> blockParams,
      Program body,
      Program inverse)
      implements Node {}

  /**
   * A partial call, {@code {{> name}}} or {@code {{> name context}}}.
   *
   * @param name the inline partial it calls
   * @param context the context to render it with, or null for the current one
   * @param indent the whitespace before a standalone call, put before each line of its output
   */
  record Partial(String name, Expr context, String indent) implements Node {}

  /**
   * A sequence of nodes and the inline partials ({@code {{#*inline "name"}}}) defined at its level.
   */
  record Program(List<Node> nodes, Map<String, Program> partials) {
    static final Program EMPTY = new Program(List.of(), Map.of());
  }

  /** An expression: a path into the data, a literal, or {@code lookup}. */
  sealed interface Expr {
    /** How the template wrote it, for messages. */
    String source();
  }

  /**
   * A path: {@code name}, {@code a.b}, {@code this}, {@code ../x}, {@code @index}, {@code
   * @root.a}, {@code items.[0]}.
   *
   * @param source as written
   * @param up how many {@code ../} it starts with
   * @param scoped whether it starts with {@code this}, {@code ./} or {@code ../}, so it cannot
   *     name a block parameter
   * @param data whether it names a data variable ({@code @index}, {@code @root} …); the variable's
   *     name is then the first segment
   * @param segments the names after any {@code this} and {@code ../}
   */
  record Path(String source, int up, boolean scoped, boolean data, List<String> segments)
      implements Expr {}

  /** A string, number, boolean, null or undefined written in the template. */
  record Literal(String source, JsonNode value) implements Expr {}

  /** {@code lookup object key}: the member of an object or element of an array named by a key. */
  record Lookup(String source, Expr object, Expr key) implements Expr {}
}
