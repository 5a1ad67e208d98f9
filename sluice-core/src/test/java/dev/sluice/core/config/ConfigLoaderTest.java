package dev.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final ConfigKey<Integer> PORT =
      new ConfigKey<>("demo.port", "25", "A port.", Integer::parseInt);
  private static final ConfigKey<String> NAME =
      new ConfigKey<>("demo.name", "x", "A name.", s -> s);
  private static final ConfigKey<String> SECRET =
      new ConfigKey<>("demo.secret", "", "A secret.", s -> s, true);
  private static final ConfigSchema SCHEMA = ConfigSchema.of(List.of(PORT, NAME, SECRET));

  @Test
  void resolve_layers_laterLayerWins() {
    Settings s =
        ConfigLoader.resolve(
            SCHEMA,
            Map.of("demo.port", "26", "demo.name", "file"),
            "f.conf",
            Map.of("SLUICE_DEMO_PORT", "27"),
            "SLUICE_DEMO_",
            Map.of("demo.name", "flag"));
    assertThat(s.get(PORT)).isEqualTo(27);
    assertThat(s.get(NAME)).isEqualTo("flag");
    assertThat(s.entries().get("demo.port").origin()).isEqualTo(Settings.Origin.ENVIRONMENT);
  }

  @Test
  void resolve_nothingGiven_givesDefaults() {
    Settings s = ConfigLoader.resolve(SCHEMA, Map.of(), "-", Map.of(), null, Map.of());
    assertThat(s.get(PORT)).isEqualTo(25);
    assertThat(s.entries().values()).allMatch(e -> e.origin() == Settings.Origin.DEFAULT);
  }

  @Test
  void resolve_unknownKeyInFile_namesKeyAndFile() {
    assertThatThrownBy(
            () ->
                ConfigLoader.resolve(
                    SCHEMA, Map.of("demo.prot", "1"), "a.conf", Map.of(), null, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("demo.prot")
        .hasMessageContaining("a.conf");
  }

  @Test
  void resolve_unknownEnvironmentVariableUnderPrefix_isRejected() {
    assertThatThrownBy(
            () ->
                ConfigLoader.resolve(
                    SCHEMA,
                    Map.of(),
                    "-",
                    Map.of("SLUICE_DEMO_PROT", "1"),
                    "SLUICE_DEMO_",
                    Map.of()))
        .hasMessageContaining("SLUICE_DEMO_PROT");
  }

  @Test
  void resolve_badValue_namesKeyOriginAndExpectation() {
    assertThatThrownBy(
            () ->
                ConfigLoader.resolve(
                    SCHEMA, Map.of(), "-", Map.of(), null, Map.of("demo.port", "abc")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("demo.port")
        .hasMessageContaining("command line");
  }

  @Test
  void parseLines_commentsBlanksAndErrors() {
    Map<String, String> m =
        ConfigLoader.parseLines(List.of("# c", "", " demo.port = 30 ", "demo.name=a=b"), "t");
    assertThat(m).containsEntry("demo.port", "30").containsEntry("demo.name", "a=b");
    assertThatThrownBy(() -> ConfigLoader.parseLines(List.of("novalue"), "t"))
        .hasMessageContaining("t:1");
    assertThatThrownBy(() -> ConfigLoader.parseLines(List.of("a=1", "a=2"), "t"))
        .hasMessageContaining("set twice");
  }

  @Test
  void render_secretValue_isMasked() {
    Settings s =
        ConfigLoader.resolve(
            SCHEMA, Map.of(), "-", Map.of(), null, Map.of("demo.secret", "hunter2"));
    assertThat(s.render()).doesNotContain("hunter2").contains("demo.secret = ********");
  }

  @Test
  void environmentVariable_isDerivedFromName() {
    assertThat(new ConfigKey<>("simulator.v2.fault-rate", "0", "d", s -> s).environmentVariable())
        .isEqualTo("SLUICE_SIMULATOR_V2_FAULT_RATE");
  }

  @Test
  void resolve_keysUnderAnOpenSection_keptAsTextLaterLayerWins() {
    ConfigSchema open = SCHEMA.withSection("demo.route.", "Routes.");
    Settings s =
        ConfigLoader.resolve(
            open,
            Map.of("demo.route.a.upstream", "x", "demo.route.b.upstream", "y"),
            "f",
            Map.of(),
            null,
            Map.of("demo.route.a.upstream", " z "));
    assertThat(s.section("demo.route."))
        .containsEntry("demo.route.a.upstream", "z")
        .containsEntry("demo.route.b.upstream", "y");
    assertThat(s.section("demo.other.")).isEmpty();
    assertThat(s.render()).contains("demo.route.a.upstream = z");
    assertThat(open.exampleFile("demo")).endsWith("\n# Routes.\n");
    assertThatThrownBy(
            () ->
                ConfigLoader.resolve(
                    open, Map.of("demo.rout.a", "x"), "f", Map.of(), null, Map.of()))
        .hasMessageContaining("unknown configuration key 'demo.rout.a'");
    assertThatThrownBy(
            () ->
                ConfigLoader.resolve(
                    open, Map.of("demo.route.", "x"), "f", Map.of(), null, Map.of()))
        .hasMessageContaining("unknown configuration key 'demo.route.'");
  }
}
