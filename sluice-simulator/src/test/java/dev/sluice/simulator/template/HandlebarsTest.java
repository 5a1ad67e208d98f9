package dev.sluice.simulator.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HandlebarsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The recipient data of SES's "advanced email personalization" examples. */
  static final String SES_DATA =
      """
      {"meta":{"userId":"51806220607"},
       "contact":{"firstName":"Anaya","lastName":"Iyengar","city":"Bengaluru","country":"India",
                  "postalCode":"560052"},
       "subscription":[{"interest":"Sports"},{"interest":"Travel"},{"interest":"Cooking"}]}
      """;

  static String render(String template, String data) throws Exception {
    return CompiledTemplate.parse(template).render(JSON.readTree(data), 1_000_000);
  }

  static Stream<Arguments> renders() {
    return Stream.of(
        arguments("Hello {{name}}!", "{\"name\":\"Jane\"}", "Hello Jane!"),
        arguments("{{ name }}", "{\"name\":\"Jane\"}", "Jane"),
        arguments("Hello {{contact.firstName}}!", SES_DATA, "Hello Anaya!"),
        arguments("{{contact/city}}", SES_DATA, "Bengaluru"),
        arguments("{{this.meta.userId}} {{./meta.userId}}", SES_DATA, "51806220607 51806220607"),
        // SES does not HTML-escape: {{x}}, {{{x}}} and {{& x}} all print the value as it is.
        arguments(
            "{{x}}|{{{x}}}|{{& x}}",
            "{\"x\":\"<b>&'\\\"</b>\"}",
            "<b>&'\"</b>|<b>&'\"</b>|<b>&'\"</b>"),
        arguments(
            "{{#each subscription}}<li>{{interest}}</li>{{/each}}",
            SES_DATA,
            "<li>Sports</li><li>Travel</li><li>Cooking</li>"),
        arguments(
            "{{#each a}}{{@index}}:{{this}}{{#if @first}}(first){{/if}}{{#unless @last}},{{/unless}}{{/each}}",
            "{\"a\":[\"x\",\"y\",\"z\"]}",
            "0:x(first),1:y,2:z"),
        arguments(
            "{{#each o}}{{@key}}={{this}};{{/each}}", "{\"o\":{\"b\":1,\"a\":2}}", "b=1;a=2;"),
        arguments("{{#each a}}x{{else}}none{{/each}}", "{\"a\":[]}", "none"),
        arguments("{{#each a}}x{{else}}none{{/each}}", "{}", "none"),
        arguments(
            "{{#each items as |item i|}}{{i}}={{item.name}} {{/each}}",
            "{\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
            "0=a 1=b "),
        arguments(
            "{{#each items}}{{name}} of {{../owner}};{{/each}}",
            "{\"owner\":\"o\",\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
            "a of o;b of o;"),
        arguments("{{#if premium}}yes{{else}}no{{/if}}", "{\"premium\":true}", "yes"),
        arguments("{{#if premium}}yes{{else}}no{{/if}}", "{}", "no"),
        arguments("{{#if n}}yes{{else}}no{{/if}}", "{\"n\":0}", "no"),
        arguments("{{#if n includeZero=true}}yes{{else}}no{{/if}}", "{\"n\":0}", "yes"),
        arguments("{{#if s}}yes{{else}}no{{/if}}", "{\"s\":\"\"}", "no"),
        arguments("{{#if l}}yes{{else}}no{{/if}}", "{\"l\":[]}", "no"),
        arguments("{{#if o}}yes{{else}}no{{/if}}", "{\"o\":{}}", "yes"),
        arguments("{{#if a}}A{{else if b}}B{{else}}C{{/if}}", "{\"b\":1}", "B"),
        arguments("{{#if a}}A{{else if b}}B{{else}}C{{/if}}", "{}", "C"),
        arguments("{{#unless paid}}Please pay.{{/unless}}", "{\"paid\":false}", "Please pay."),
        arguments(
            "{{#with contact}}{{firstName}} ({{../meta.userId}}){{/with}}",
            SES_DATA,
            "Anaya (51806220607)"),
        arguments("{{#with missing}}x{{else}}none{{/with}}", "{}", "none"),
        arguments(
            "{{#items}}[{{name}}]{{/items}}",
            "{\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
            "[a][b]"),
        arguments("{{#flag}}on{{/flag}}{{^flag}}off{{/flag}}", "{\"flag\":false}", "off"),
        arguments("{{#person}}{{name}}{{/person}}", "{\"person\":{\"name\":\"p\"}}", "p"),
        arguments(
            "{{#*inline \"interests\"}}{{#each subscription}}{{interest}} {{/each}}{{/inline}}"
                + "{{contact.firstName}}: {{> interests}}",
            SES_DATA,
            "Anaya: Sports Travel Cooking "),
        arguments(
            "{{#*inline \"p\"}}<{{name}}>{{/inline}}{{> p contact}}",
            "{\"contact\":{\"name\":\"c\"}}",
            "<c>"),
        arguments("a{{! a comment }}b{{!-- with }} inside --}}c", "{}", "abc"),
        arguments("x {{~name~}} y", "{\"name\":\"N\"}", "xNy"),
        arguments("{{#if a}}\nyes\n{{/if}}\nend", "{\"a\":1}", "yes\nend"),
        arguments(
            "list:\n  {{#each l}}\n  - {{this}}\n  {{/each}}\n",
            "{\"l\":[1,2]}",
            "list:\n  - 1\n  - 2\n"),
        arguments("{{#*inline \"p\"}}a\nb\n{{/inline}}\n  {{> p}}\n", "{}", "  a\n  b\n"),
        arguments("\\{{name}} {{name}}", "{\"name\":\"N\"}", "{{name}} N"),
        arguments("\\\\{{name}}", "{\"name\":\"N\"}", "\\N"),
        arguments(
            "{{lookup map key}} {{lookup list 1}}",
            "{\"map\":{\"k\":\"v\"},\"key\":\"k\",\"list\":[\"a\",\"b\"]}",
            "v b"),
        arguments("{{log name}}done", "{\"name\":1}", "done"),
        arguments(
            "{{i}} {{d}} {{t}} {{n}} {{arr}} {{obj}} {{big}}",
            "{\"i\":10,\"d\":1.5,\"t\":true,\"n\":null,\"arr\":[\"a\",2,null],\"obj\":{\"a\":1},\"big\":1e3}",
            "10 1.5 true  a,2, [object Object] 1000"),
        arguments(
            "{{items.[1]}} {{items.1}} {{items.length}}", "{\"items\":[\"a\",\"b\"]}", "b b 2"),
        arguments(
            "{{#each a}}{{@root.title}}{{this}}{{/each}}", "{\"title\":\"T\",\"a\":[1,2]}", "T1T2"),
        arguments("{{[first name]}}", "{\"first name\":\"F\"}", "F"),
        arguments("}} {single} {{'{'}}", "{}", "}} {single} {"),
        arguments("caf\u00e9 {{x}}", "{\"x\":\"\u2603\"}", "caf\u00e9 \u2603"));
  }

  @ParameterizedTest
  @MethodSource("renders")
  void render_handlebarsSyntax_printsWhatHandlebarsPrintsUnescaped(
      String template, String data, String expected) throws Exception {
    assertThat(render(template, data)).isEqualTo(expected);
  }

  static Stream<Arguments> missing() {
    return Stream.of(
        arguments(
            "Your favorite color is {{favoritecolor}}.", "{\"name\":\"Jane\"}", "favoritecolor"),
        arguments("{{name}}", "{\"Name\":\"case matters\"}", "name"),
        arguments("{{contact.city}}", "{\"contact\":{}}", "contact.city"),
        arguments("{{contact.city}}", "{\"contact\":\"text\"}", "contact.city"),
        arguments("{{#each a}}{{b}}{{/each}}", "{\"a\":[{}]}", "b"),
        arguments("{{#each a}}{{name}}{{/each}}", "{\"name\":\"outer\",\"a\":[1]}", "name"),
        arguments("{{../up}}", "{}", "../up"),
        arguments("{{items.[5]}}", "{\"items\":[1]}", "items.[5]"),
        arguments("{{lookup map key}}", "{\"map\":{},\"key\":\"k\"}", "lookup map key"));
  }

  @ParameterizedTest
  @MethodSource("missing")
  void render_attributeMissingFromData_failsNamingIt(
      String template, String data, String attribute) {
    assertThatThrownBy(() -> render(template, data))
        .isInstanceOf(RenderingException.class)
        .hasMessage("Attribute '" + attribute + "' is not present in the rendering data.");
  }

  @Test
  void render_missingValueInConditionOrIteration_isNotAFailure() throws Exception {
    assertThat(
            render(
                "{{#if discount}}{{discount}}{{/if}}{{#unless vip}}-{{/unless}}{{#each none}}x{{/each}}"
                    + "{{#with nothing}}y{{/with}}",
                "{}"))
        .isEqualTo("-");
  }

  @Test
  void render_nullValue_printsNothing() throws Exception {
    assertThat(render("[{{x}}]", "{\"x\":null}")).isEqualTo("[]");
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        arguments("{{#if a}}open", "is never closed"),
        arguments("{{#if a}}x{{/each}}", "{{/each}} doesn't match {{#if}}"),
        arguments("x{{/if}}", "closes no block"),
        arguments("{{name", "'{{' is never closed"),
        arguments("{{else}}", "outside a block"),
        arguments("{{#if a}}1{{else}}2{{else}}3{{/if}}", "a second {{else}}"),
        arguments("{{#foo a}}x{{/foo}}", "Missing helper: \"foo\""),
        arguments("{{format date}}", "Missing helper: \"format\""),
        arguments("{{#if}}x{{/if}}", "#if requires exactly one argument"),
        arguments("{{#if a b}}x{{/if}}", "#if requires exactly one argument"),
        arguments("{{> nope}}", "The partial nope could not be found"),
        arguments("{{#if (eq a b)}}x{{/if}}", "sub-expressions"),
        arguments("{{#*decorator}}x{{/decorator}}", "only {{#*inline \"name\"}}"),
        arguments("{{a..b}}", "invalid path"),
        arguments("{{a.this}}", "invalid path"),
        arguments("{{[unclosed}}", "unclosed ["),
        arguments("{{#if a}}".repeat(65) + "{{/if}}".repeat(65), "nested more than 64 deep"));
  }

  @ParameterizedTest
  @MethodSource("syntaxErrors")
  void parse_invalidTemplate_isRefusedSayingWhy(String template, String message) {
    assertThatThrownBy(() -> CompiledTemplate.parse(template))
        .isInstanceOf(TemplateSyntaxException.class)
        .hasMessageContaining(message);
  }

  @Test
  void parse_partialDefinedInEnclosingBlock_isFound() throws Exception {
    assertThat(
            render(
                "{{#*inline \"p\"}}P{{/inline}}{{#if a}}{{#each l}}{{> p}}{{/each}}{{/if}}",
                "{\"a\":1,\"l\":[1,2]}"))
        .isEqualTo("PP");
  }

  @Test
  void parseSimple_plainSubstitutions_areTakenAndHelpersRefused() throws Exception {
    JsonNode data = JSON.readTree("{\"name\":\"N\",\"a\":{\"b\":\"B\"}}");
    assertThat(CompiledTemplate.parseSimple("Hi {{name}} {{a.b}}{{! note }}").render(data, 100))
        .isEqualTo("Hi N B");
    for (String t :
        new String[] {"{{#if name}}x{{/if}}", "{{> p}}", "{{lookup a b}}", "{{@root.name}}"}) {
      assertThatThrownBy(() -> CompiledTemplate.parseSimple(t))
          .as(t)
          .isInstanceOf(TemplateSyntaxException.class)
          .hasMessageContaining("only simple substitutions");
    }
  }

  @Test
  void render_outputOverLimit_failsInsteadOfGrowing() throws Exception {
    CompiledTemplate t = CompiledTemplate.parse("{{#each l}}{{../s}}{{/each}}");
    JsonNode data = JSON.readTree("{\"s\":\"0123456789\",\"l\":[1,2,3,4,5,6,7,8,9,10,11]}");
    assertThat(t.render(data, 110)).hasSize(110);
    assertThatThrownBy(() -> t.render(data, 109))
        .isInstanceOf(RenderingException.class)
        .hasMessageContaining("longer than 109 characters");
  }

  @Test
  void render_partialCallingItself_failsAtDepthLimit() {
    assertThatThrownBy(() -> render("{{#*inline \"p\"}}x{{> p}}{{/inline}}{{> p}}", "{}"))
        .isInstanceOf(RenderingException.class)
        .hasMessageContaining("nested more than 16 deep");
  }
}
