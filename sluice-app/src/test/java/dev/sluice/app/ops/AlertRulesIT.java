package dev.sluice.app.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the dashboard's queries pass Prometheus's own checks: {@code promtool check
 * rules} on the rules file, {@code promtool test rules} on its unit tests, and {@code promtool
 * check rules} on the dashboard's expressions written as recording rules (Grafana's variables
 * filled in), so a query that would not parse fails here, not on an operator's screen. Each alert
 * carries a severity, a summary, a description and a {@code for:}.
 *
 * <p>Fails, never skips, when {@code promtool} is missing: Debian's {@code prometheus} package has
 * it, and {@code .ci/run} installs it.
 */
class AlertRulesIT {
  private static final long TIMEOUT_SECONDS = 60;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private record Run(int status, String output) {}

  @Test
  void checkRules_rulesFile_passes() throws Exception {
    Run r = promtool(OpsFiles.ROOT, "check", "rules", OpsFiles.RULES.toString());
    assertThat(r.status()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void testRules_unitTests_pass() throws Exception {
    Run r =
        promtool(
            OpsFiles.RULE_TESTS.getParent(),
            "test",
            "rules",
            OpsFiles.RULE_TESTS.getFileName().toString());
    assertThat(r.status()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void checkRules_dashboardQueriesAsRecordingRules_parse() throws Exception {
    Map<String, String> queries = OpsFiles.dashboardQueries();
    ArrayNode rules = MAPPER.createArrayNode();
    int i = 0;
    for (var q : queries.entrySet()) {
      if (q.getKey().startsWith("variable ")) {
        continue; // label_values(…) is Grafana's, not PromQL
      }
      ObjectNode rule = rules.addObject();
      rule.put("record", "dashboard:query:" + i++);
      rule.put(
          "expr",
          q.getValue()
              .replace("$__rate_interval", "5m")
              .replace("${instance}", ".*")
              .replace("$instance", ".*"));
    }
    ObjectNode file = MAPPER.createObjectNode();
    file.putArray("groups").addObject().put("name", "dashboard").set("rules", rules);
    Path out = dir.resolve("dashboard-queries.yml");
    Files.writeString(out, new YAMLMapper().writeValueAsString(file));

    Run r = promtool(dir, "check", "rules", out.toString());
    assertThat(r.status()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: " + i + " rules found");
  }

  @Test
  void rules_everyAlert_hasSeveritySummaryDescriptionAndFor() {
    List<String> problems = new ArrayList<>();
    int alerts = 0;
    for (JsonNode group : OpsFiles.rules().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (!rule.has("alert")) {
          continue;
        }
        alerts++;
        String name = rule.path("alert").asText();
        for (String field :
            List.of("labels.severity", "annotations.summary", "annotations.description", "for")) {
          JsonNode v = rule;
          for (String part : field.split("\\.")) {
            v = v.path(part);
          }
          if (v.asText("").isBlank()) {
            problems.add(name + " has no " + field);
          }
        }
        if (!List.of("warning", "critical")
            .contains(rule.path("labels").path("severity").asText())) {
          problems.add(name + ": severity is warning or critical");
        }
      }
    }
    assertThat(alerts).isGreaterThan(10);
    assertThat(problems).isEmpty();
  }

  private static Run promtool(Path workDir, String... args)
      throws IOException, InterruptedException {
    String promtool = findPromtool();
    List<String> cmd = new ArrayList<>();
    cmd.add(promtool);
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static String findPromtool() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, "promtool");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return fail(
        "promtool not found on the PATH: install Debian's prometheus package"
            + " (apt-get install prometheus; .ci/run does)");
  }
}
