package dev.sluice.app.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FormattingLoggerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream stderr;

  @BeforeEach
  void capture() {
    stderr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(stderr);
    LogFormat.use(LogFormat.TEXT);
  }

  private String[] lines() {
    return captured.toString(StandardCharsets.UTF_8).split("\n");
  }

  @Test
  void info_json_oneObjectPerLineWithTheFields() throws IOException {
    LogFormat.use(LogFormat.JSON);
    FormattingLogger log = new FormattingLogger("dev.sluice.delivery.outcomes");

    log.info("delivered {} -> {}", "0KQ8", "ses-1\nsecond line \"quoted\"");

    String[] lines = lines();
    assertThat(lines).hasSize(1);
    JsonNode n = JSON.readTree(lines[0]);
    assertThat(n.path("level").asText()).isEqualTo("INFO");
    assertThat(n.path("logger").asText()).isEqualTo("dev.sluice.delivery.outcomes");
    assertThat(n.path("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(n.path("message").asText())
        .isEqualTo("delivered 0KQ8 -> ses-1\nsecond line \"quoted\"");
    assertThat(Instant.parse(n.path("time").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(n.has("exception")).isFalse();
  }

  @Test
  void warn_jsonWithAThrowable_stackTraceIsOneStringField() throws IOException {
    LogFormat.use(LogFormat.JSON);
    FormattingLogger log = new FormattingLogger("dev.sluice.app.relay.Relay");

    log.warn(
        "could not read {}", "x", new IllegalStateException("boom", new RuntimeException("cause")));

    String[] lines = lines();
    assertThat(lines).hasSize(1);
    JsonNode n = JSON.readTree(lines[0]);
    assertThat(n.path("level").asText()).isEqualTo("WARN");
    assertThat(n.path("message").asText()).isEqualTo("could not read x");
    assertThat(n.path("exception").asText())
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("\tat dev.sluice.app.log.FormattingLoggerTest")
        .contains("Caused by: java.lang.RuntimeException: cause");
  }

  @Test
  void fluentApi_json_isJsonToo() throws IOException {
    LogFormat.use(LogFormat.JSON);
    FormattingLogger log = new FormattingLogger("x");

    log.atWarn().setMessage("a {}").addArgument(1).log();
    log.atDebug().setMessage("below the level").log();

    String[] lines = lines();
    assertThat(lines).hasSize(1);
    assertThat(JSON.readTree(lines[0]).path("message").asText()).isEqualTo("a 1");
  }

  @Test
  void info_virtualThread_namesItById() throws Exception {
    LogFormat.use(LogFormat.JSON);
    FormattingLogger log = new FormattingLogger("x");

    Thread t = Thread.ofVirtual().start(() -> log.info("from a virtual thread"));
    t.join();

    assertThat(JSON.readTree(lines()[0]).path("thread").asText()).isEqualTo("#" + t.threadId());
  }

  @Test
  void info_text_isSlf4jSimplesLine() {
    LogFormat.use(LogFormat.TEXT);
    new FormattingLogger("dev.sluice.app.Relay").info("relay stopped");

    assertThat(lines()[0]).endsWith("relay stopped").doesNotStartWith("{");
  }

  @Test
  void parse_textOrJson_andNothingElse() {
    assertThat(LogFormat.parse(" JSON ")).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.parse("text")).isEqualTo(LogFormat.TEXT);
    assertThatThrownBy(() -> LogFormat.parse("logfmt"))
        .hasMessage("expected text or json, got 'logfmt'");
  }
}
