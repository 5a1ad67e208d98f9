package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
  private static final Path EXAMPLE = Path.of("..", "config", "simulator.conf");

  /** The example file as it must read: every key, documented, set to its default. */
  static String expectedExample() {
    return SimulatorConfig.SCHEMA.exampleFile("simulator");
  }

  @Test
  void exampleFile_documentsEveryKeyWithItsDefault() throws IOException {
    String expected = expectedExample();
    String actual = Files.exists(EXAMPLE) ? Files.readString(EXAMPLE, StandardCharsets.UTF_8) : "";
    if (!actual.equals(expected)) {
      Path fresh = Path.of("target", "simulator.conf");
      Files.writeString(fresh, expected, StandardCharsets.UTF_8);
      throw new AssertionError(
          "config/simulator.conf is out of date with the schema; the expected file was written"
              + " to sluice-simulator/"
              + fresh
              + " - copy it over");
    }
  }

  @Test
  void exampleFile_parsesToTheDefaults() {
    Map<String, String> file = ConfigLoader.readFile(EXAMPLE);
    Settings fromFile =
        ConfigLoader.resolve(
            SimulatorConfig.SCHEMA, file, "example", Map.of(), null, Map.of("simulator.seed", "9"));
    Settings defaults =
        ConfigLoader.resolve(
            SimulatorConfig.SCHEMA, Map.of(), "-", Map.of(), null, Map.of("simulator.seed", "9"));
    assertThat(file.keySet())
        .containsExactlyElementsOf(
            SimulatorConfig.SCHEMA.keys().stream().map(ConfigKey::name).toList());
    assertThat(SimulatorConfig.from(fromFile))
        .usingRecursiveComparison()
        .isEqualTo(SimulatorConfig.from(defaults));
  }

  @Test
  void from_sandboxWithoutExplicitLimits_usesSandboxQuota() {
    SimulatorConfig c = SimulatorConfig.from(resolve(Map.of("simulator.sandbox", "true")));
    assertThat(c.account().maxSendRate()).hasValue(1.0);
    assertThat(c.account().max24HourSend()).hasValue(200.0);
    SimulatorConfig d =
        SimulatorConfig.from(
            resolve(Map.of("simulator.sandbox", "true", "simulator.max-send-rate", "5/s")));
    assertThat(d.account().maxSendRate()).hasValue(5.0);
  }

  @Test
  void from_perInterfaceOverrides_inheritOtherwise() {
    SimulatorConfig c =
        SimulatorConfig.from(
            resolve(
                Map.of(
                    "simulator.latency",
                    "50ms",
                    "simulator.smtp.latency",
                    "uniform:1ms..2ms",
                    "simulator.fault-rate",
                    "0.1",
                    "simulator.v1.reset-rate",
                    "0.2")));
    assertThat(c.chaos().latency().get(SesInterface.V2).text()).isEqualTo("50ms");
    assertThat(c.chaos().latency().get(SesInterface.SMTP).text()).isEqualTo("uniform:1ms..2ms");
    assertThat(c.chaos().faults().get(SesInterface.V2)).isEqualTo(new FaultSpec(0.05, 0.05, 0, 0));
    assertThat(c.chaos().faults().get(SesInterface.V1))
        .isEqualTo(new FaultSpec(0.05, 0.05, 0.2, 0));
  }

  @Test
  void from_badValues_nameTheKey() {
    for (var bad :
        List.of(
            Map.of("simulator.http-port", "99999"),
            Map.of("simulator.max-send-rate", "fast"),
            Map.of("simulator.webhook", "ftp://x"),
            Map.of("simulator.strict-auth", "nocolon"),
            Map.of("simulator.v2.latency", "soon"),
            Map.of("simulator.region", "mars"))) {
      String key = bad.keySet().iterator().next();
      assertThatThrownBy(() -> SimulatorConfig.from(resolve(bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key);
    }
    assertThatThrownBy(
            () ->
                SimulatorConfig.from(
                    resolve(Map.of("simulator.fault-rate", "0.8", "simulator.hang-rate", "0.5"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("more than 1");
  }

  @Test
  void from_unlimitedAndOff_parse() {
    SimulatorConfig c =
        SimulatorConfig.from(
            resolve(
                Map.of(
                    "simulator.max-send-rate",
                    "unlimited",
                    "simulator.max-24h-send",
                    "-1",
                    "simulator.https-port",
                    "off")));
    assertThat(c.account().maxSendRate()).isEmpty();
    assertThat(c.account().max24HourSend()).isEmpty();
    assertThat(c.listeners().https()).isEmpty();
    assertThat(c.listeners().http()).hasValue(8480);
  }

  @Test
  void toString_neverShowsSecrets() {
    SimulatorConfig c =
        SimulatorConfig.from(resolve(Map.of("simulator.strict-auth", "AKID:topsecret")));
    assertThat(c.toString()).contains("AKID").doesNotContain("topsecret");
  }

  private static Settings resolve(Map<String, String> flags) {
    return ConfigLoader.resolve(SimulatorConfig.SCHEMA, Map.of(), "-", Map.of(), null, flags);
  }
}
