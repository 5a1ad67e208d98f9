package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainVersionTest {
  @Test
  void printVersion_versionFlagsAlone_printWhatPicocliPrints() {
    ByteArrayOutputStream picocli = new ByteArrayOutputStream();
    Main.commandLine().printVersionHelp(new PrintStream(picocli, true, StandardCharsets.UTF_8));
    for (String flag : new String[] {"--version", "-V"}) {
      ByteArrayOutputStream fast = new ByteArrayOutputStream();
      assertThat(
              Main.printVersion(
                  new String[] {flag}, new PrintStream(fast, true, StandardCharsets.UTF_8)))
          .isTrue();
      assertThat(fast.toString(StandardCharsets.UTF_8))
          .isEqualTo(picocli.toString(StandardCharsets.UTF_8))
          .startsWith("sluice ");
    }
  }

  @Test
  void printVersion_otherArguments_leavesThemToTheCommandLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(Main.printVersion(new String[] {"relay", "--version"}, ps)).isFalse();
    assertThat(Main.printVersion(new String[] {"--version", "--help"}, ps)).isFalse();
    assertThat(Main.printVersion(new String[] {}, ps)).isFalse();
    assertThat(out.size()).isZero();
  }
}
