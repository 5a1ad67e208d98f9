package dev.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReportTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void toJson_sixLevels_topLevelFieldsInStableOrder() throws Exception {
    JsonNode root = MAPPER.readTree(JsonReport.toJson(SyntheticRuns.sixLevels()));

    List<String> names = new ArrayList<>();
    root.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "formatVersion",
            "target",
            "transport",
            "started",
            "settings",
            "kneeIndex",
            "kneeConcurrency",
            "kneeNote",
            "levels");
    assertThat(root.get("formatVersion").asInt()).isEqualTo(1);
    assertThat(root.get("target").asText()).isEqualTo("http://127.0.0.1:8480");
    assertThat(root.get("transport").asText()).isEqualTo("sesv2-http");
    assertThat(root.get("started").asText()).isEqualTo("2025-05-04T10:15:30Z");
    assertThat(root.get("kneeIndex").asInt()).isEqualTo(3);
    assertThat(root.get("kneeConcurrency").asInt()).isEqualTo(8);
    assertThat(root.get("kneeNote").asText()).startsWith("knee at concurrency 8");
  }

  @Test
  void toJson_settings_keptInOrderWithRawValues() throws Exception {
    JsonNode settings =
        MAPPER.readTree(JsonReport.toJson(SyntheticRuns.sixLevels())).get("settings");

    List<String> names = new ArrayList<>();
    settings.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly("duration per level", "max concurrency", "sender", "recipients per call");
    assertThat(settings.get("sender").asText())
        .isEqualTo("<script>alert('x')</script> & \"friends\"");
  }

  @Test
  void toJson_level_everyFieldPresentInCamelCase() throws Exception {
    JsonNode level =
        MAPPER.readTree(JsonReport.toJson(SyntheticRuns.sixLevels())).get("levels").get(3);

    List<String> names = new ArrayList<>();
    level.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "concurrency",
            "processes",
            "attempts",
            "accepted",
            "throttled",
            "transientErrors",
            "permanentErrors",
            "seconds",
            "throughputPerSecond",
            "recipientsPerSecond",
            "latency",
            "connectionsOpened");
    assertThat(level.get("concurrency").asInt()).isEqualTo(8);
    assertThat(level.get("throughputPerSecond").asDouble()).isEqualTo(610.0);
    List<String> latency = new ArrayList<>();
    level.get("latency").fieldNames().forEachRemaining(latency::add);
    assertThat(latency)
        .containsExactly(
            "count",
            "p50Millis",
            "p90Millis",
            "p99Millis",
            "p999Millis",
            "maxMillis",
            "meanMillis");
    assertThat(level.get("latency").get("p99Millis").asDouble()).isEqualTo(35.0);
  }

  @Test
  void toJson_any_prettyPrinted() {
    assertThat(JsonReport.toJson(SyntheticRuns.sixLevels()))
        .startsWith("{\n")
        .contains("\n  \"target\" : ");
  }

  @Test
  void toJson_noLevels_kneeFieldsNull() throws Exception {
    JsonNode root = MAPPER.readTree(JsonReport.toJson(SyntheticRuns.run(List.of())));

    assertThat(root.get("kneeIndex").isNull()).isTrue();
    assertThat(root.get("kneeConcurrency").isNull()).isTrue();
    assertThat(root.get("levels").size()).isZero();
  }

  @Test
  void fromJson_whatToJsonWrote_equalRun() {
    BenchRun run = SyntheticRuns.sixLevels();

    BenchRun back = JsonReport.fromJson(JsonReport.toJson(run));

    assertThat(back).isEqualTo(run);
    assertThat(back.settings().keySet()).containsExactlyElementsOf(run.settings().keySet());
  }

  @Test
  void fromJson_otherFormatVersion_rejected() {
    String json =
        JsonReport.toJson(SyntheticRuns.sixLevels())
            .replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");

    assertThatThrownBy(() -> JsonReport.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("formatVersion 2");
  }

  @Test
  void fromJson_missingField_rejectedNamingIt() {
    String json =
        "{\"formatVersion\":1,\"target\":\"t\",\"transport\":\"smtp\",\"settings\":{},\"levels\":[]}";

    assertThatThrownBy(() -> JsonReport.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("started");
  }

  @Test
  void fromJson_notJson_rejected() {
    assertThatThrownBy(() -> JsonReport.fromJson("knee?"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> JsonReport.fromJson("[1]"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toJson_emptySettingsAndNote_stillValid() throws Exception {
    BenchRun run =
        new BenchRun("sim", "smtp", Map.of(), SyntheticRuns.curve(5), SyntheticRuns.STARTED, "");

    JsonNode root = MAPPER.readTree(JsonReport.toJson(run));

    assertThat(root.get("settings").size()).isZero();
    assertThat(root.get("kneeNote").asText()).isEmpty();
  }
}
