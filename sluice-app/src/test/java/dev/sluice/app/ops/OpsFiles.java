package dev.sluice.app.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator files under {@code ops/} at the top of the project, and the PromQL in them: each
 * expression of the Grafana dashboard (panels, rows' panels, template variables) and of the
 * Prometheus rules.
 */
final class OpsFiles {
  /** The top of the project; the tests run in the module's folder. */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static final Path DASHBOARD = ROOT.resolve("ops/grafana/sluice-relay.json");
  static final Path RULES = ROOT.resolve("ops/prometheus/sluice-rules.yml");
  static final Path RULE_TESTS = ROOT.resolve("ops/prometheus/sluice-rules.test.yml");

  private OpsFiles() {}

  /** The dashboard's expressions, keyed by where they are ("panel 'Title' A"). */
  static Map<String, String> dashboardQueries() {
    JsonNode dash = read(new ObjectMapper(), DASHBOARD);
    Map<String, String> out = new LinkedHashMap<>();
    List<JsonNode> panels = new ArrayList<>();
    dash.path("panels").forEach(panels::add);
    for (int i = 0; i < panels.size(); i++) {
      JsonNode p = panels.get(i);
      p.path("panels").forEach(panels::add); // a collapsed row keeps its panels inside
      for (JsonNode t : p.path("targets")) {
        String expr = t.path("expr").asText("");
        if (!expr.isBlank()) {
          out.put("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(), expr);
        }
      }
    }
    for (JsonNode v : dash.path("templating").path("list")) {
      JsonNode q = v.path("query");
      String expr = q.isObject() ? q.path("query").asText("") : q.asText("");
      if (v.path("type").asText().equals("query") && !expr.isBlank()) {
        out.put("variable " + v.path("name").asText(), expr);
      }
    }
    return out;
  }

  /** The rules file, as read. */
  static JsonNode rules() {
    return read(new YAMLMapper(), RULES);
  }

  /** The rules' expressions, keyed by alert or record name. */
  static Map<String, String> ruleQueries() {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode group : rules().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name =
            rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
        out.put("rule " + name, rule.path("expr").asText());
      }
    }
    return out;
  }

  private static JsonNode read(ObjectMapper mapper, Path file) {
    try {
      return mapper.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(file.toString(), e);
    }
  }
}
