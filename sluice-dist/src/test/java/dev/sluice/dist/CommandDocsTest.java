package dev.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandDocsTest {
  private static final Path EXAMPLE = Path.of("..", "config", "relay.conf");

  @Test
  void packagedRelayConf_example_keepsEveryKeyAndDocMovingOnlyTheSpool() throws Exception {
    String example = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
    String packaged = CommandDocs.packagedRelayConf(example);
    Map<String, String> expected = new LinkedHashMap<>(ConfigLoader.readFile(EXAMPLE));
    expected.put("relay.spool.dir", CommandDocs.SPOOL_DIR);
    assertThat(ConfigLoader.parseLines(packaged.lines().toList(), "packaged"))
        .containsExactlyEntriesOf(expected);
    // every comment line of the example (each key's documentation) is still there
    example
        .lines()
        .filter(l -> l.startsWith("# ") && !l.startsWith("# Use with") && !l.startsWith("# sluice"))
        .forEach(l -> assertThat(packaged).contains(l + "\n"));
    assertThat(packaged).contains("sluice check-config /etc/sluice/relay.conf");
  }

  @Test
  void packagedRelayConf_exampleWithoutTheSpoolLine_failsTheBuild() {
    assertThatThrownBy(
            () ->
                CommandDocs.packagedRelayConf(
                    "# sluice relay: every configuration key with its built-in default.\n"
                        + "# Use with: ./sluice relay --config config/relay.conf\n"
                        + "relay.smtp.port = 2525\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("relay.spool.dir");
  }

  @Test
  void zsh_bashScript_isACompdefFileThatCompletesOnFirstUse() {
    String zsh = CommandDocs.zsh("function _complete_sluice() { :; }\n");
    assertThat(zsh).startsWith("#compdef sluice\n");
    assertThat(zsh.strip()).endsWith("_bash_complete -F _complete_sluice -o default");
  }
}
