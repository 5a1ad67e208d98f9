package dev.sluice.simulator.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Properties of the renderer over seeded random inputs; each failure names its seed, so it can be
 * replayed by fixing {@link #seed}.
 */
class HandlebarsPropertyTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALPHABET =
      "ab Z09<>&\"'`=;:/\\{}[]()!#%*+,.?@^|~\t\n\r\u00e9\u00df\u4e2d\u2603\ud83d\ude00";

  private static long seed(RepetitionInfo r) {
    return 0x5E5_7E3A_1L * 31 + r.getCurrentRepetition();
  }

  static String randomText(Random rnd, int max) {
    int n = rnd.nextInt(max + 1);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < n) {
      int i = rnd.nextInt(ALPHABET.length());
      char c = ALPHABET.charAt(i);
      if (Character.isHighSurrogate(c)) {
        sb.append(c).append(ALPHABET.charAt(i + 1));
      } else if (!Character.isLowSurrogate(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  @RepeatedTest(200)
  void render_anyStringValue_isPrintedExactlyAsGivenInEveryForm(RepetitionInfo r) throws Exception {
    long seed = seed(r);
    Random rnd = new Random(seed);
    String value = randomText(rnd, 40);
    JsonNode data = F.objectNode().put("v", value);
    for (String form : List.of("[{{v}}]", "[{{{v}}}]", "[{{& v}}]", "[{{~v~}}]")) {
      assertThat(CompiledTemplate.parse(form).render(data, 10_000))
          .as("seed %d, form %s, value %s", seed, form, JSON.writeValueAsString(value))
          .isEqualTo("[" + value + "]");
    }
  }

  @RepeatedTest(200)
  void render_textWithEscapedMustaches_isPrintedUnchanged(RepetitionInfo r) throws Exception {
    long seed = seed(r);
    Random rnd = new Random(seed);
    String text = randomText(rnd, 60).replace("\\", "");
    // Whatever the text, "\{{" makes each "{{" literal and nothing else in plain text is syntax.
    String template = text.replace("{{", "\\{{");
    assertThat(CompiledTemplate.parse(template).render(F.objectNode(), 10_000))
        .as("seed %d, template %s", seed, JSON.writeValueAsString(template))
        .isEqualTo(text);
  }

  /** A random JSON value of bounded depth, and every path to a scalar in it with its value. */
  static JsonNode randomValue(Random rnd, int depth, String path, Map<String, JsonNode> leaves) {
    int kind = depth == 0 ? rnd.nextInt(5) : rnd.nextInt(7);
    JsonNode v =
        switch (kind) {
          case 0 -> F.textNode(randomText(rnd, 12));
          case 1 -> F.numberNode(rnd.nextInt(2_000_001) - 1_000_000);
          case 2 -> F.booleanNode(rnd.nextBoolean());
          case 3 -> F.nullNode();
          case 4 -> F.numberNode(rnd.nextInt(10_000) / 100.0);
          case 5 -> {
            ObjectNode o = F.objectNode();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
              String key = "k" + i + rnd.nextInt(10);
              o.set(key, randomValue(rnd, depth - 1, path + "." + key, leaves));
            }
            yield o;
          }
          default -> {
            ArrayNode a = F.arrayNode();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
              a.add(randomValue(rnd, depth - 1, path + ".[" + i + "]", leaves));
            }
            yield a;
          }
        };
    if (v.isValueNode() && !path.isEmpty()) {
      leaves.put(path.substring(1), v);
    }
    return v;
  }

  @RepeatedTest(300)
  void render_arbitraryJsonData_fillsEveryPathToAScalarAndFailsOnAbsentOnes(RepetitionInfo r)
      throws Exception {
    long seed = seed(r);
    Random rnd = new Random(seed);
    ObjectNode data = F.objectNode();
    Map<String, JsonNode> leaves = new java.util.LinkedHashMap<>();
    int top = 1 + rnd.nextInt(5);
    for (int i = 0; i < top; i++) {
      String key = "t" + i;
      data.set(key, randomValue(rnd, 3, "." + key, leaves));
    }
    StringBuilder template = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    List<String> paths = new ArrayList<>(leaves.keySet());
    for (int i = 0; i < 8 && !paths.isEmpty(); i++) {
      String sep = randomText(rnd, 5).replace("{", "(").replace("\\", "/");
      String path = paths.get(rnd.nextInt(paths.size()));
      JsonNode leaf = leaves.get(path);
      template.append(sep).append("{{").append(path).append("}}");
      expected.append(sep).append(leaf.isNull() ? "" : leaf.isTextual() ? leaf.asText() : js(leaf));
    }
    String context = "seed " + seed + ", data " + data + ", template " + template;
    assertThat(CompiledTemplate.parse(template.toString()).render(data, 1_000_000))
        .as(context)
        .isEqualTo(expected.toString());
    String absent = "t" + top + ".x";
    assertThatThrownBy(
            () -> CompiledTemplate.parse(template + "{{" + absent + "}}").render(data, 1_000_000))
        .as(context)
        .isInstanceOf(RenderingException.class)
        .hasMessageContaining("'" + absent + "'");
  }

  /** How JavaScript prints a number or boolean, computed independently of the renderer. */
  private static String js(JsonNode leaf) {
    if (leaf.isBoolean() || leaf.isIntegralNumber()) {
      return leaf.asText();
    }
    double d = leaf.doubleValue();
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  @RepeatedTest(100)
  void render_eachOverRandomList_joinsItsItemsInOrder(RepetitionInfo r) throws Exception {
    long seed = seed(r);
    Random rnd = new Random(seed);
    ArrayNode list = F.arrayNode();
    StringBuilder expected = new StringBuilder();
    int n = rnd.nextInt(20);
    for (int i = 0; i < n; i++) {
      String s = randomText(rnd, 8);
      list.add(s);
      expected.append(i).append('=').append(s).append(i == n - 1 ? "" : ",");
    }
    ObjectNode data = F.objectNode();
    data.set("list", list);
    String out =
        CompiledTemplate.parse(
                "{{#each list}}{{@index}}={{this}}{{#unless @last}},{{/unless}}{{/each}}")
            .render(data, 1_000_000);
    assertThat(out).as("seed %d, data %s", seed, data).isEqualTo(expected.toString());
  }
}
