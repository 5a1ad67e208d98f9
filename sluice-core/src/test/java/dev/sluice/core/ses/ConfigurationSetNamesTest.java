package dev.sluice.core.ses;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigurationSetNamesTest {
  private static final String ALLOWED =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

  @ParameterizedTest
  @ValueSource(strings = {"a", "my-set", "Set_2", "x"})
  void problem_namesSesTakes_pass(String name) {
    assertThat(ConfigurationSetNames.problem(name)).isNull();
    assertThat(ConfigurationSetNames.problem("s".repeat(64))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "my set", "a.b", "caf\u00e9", "a=b", "a,b"})
  void problem_namesSesRefuses_areRefusedInSesWords(String name) {
    assertThat(ConfigurationSetNames.problem(name))
        .isEqualTo(
            "Configuration set name "
                + name
                + " is not valid: use up to 64 letters, digits, '_' and '-'.");
  }

  @RepeatedTest(100)
  void problem_generatedNames_followTheRule(RepetitionInfo info) {
    long seed = 0xc5L * info.getCurrentRepetition();
    Random r = new Random(seed);
    int length = r.nextInt(80);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(ALLOWED.charAt(r.nextInt(ALLOWED.length())));
    }
    boolean valid = length >= 1 && length <= 64;
    if (length > 0 && r.nextBoolean()) {
      sb.setCharAt(r.nextInt(length), " .:/@+=\t".charAt(r.nextInt(8)));
      valid = false;
    }
    assertThat(ConfigurationSetNames.problem(sb.toString()) == null)
        .as("seed %d, name <%s>", seed, sb)
        .isEqualTo(valid);
  }
}
