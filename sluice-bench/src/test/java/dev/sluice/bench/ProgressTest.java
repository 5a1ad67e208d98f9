package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }

  @Test
  void onATerminal_theLiveLineIsRedrawnInPlace_andBlanksCoverALongerOne() {
    Progress p = new Progress(out, true);
    p.update("bench: 1s 100 ok");
    p.update("bench: 2s 90");
    p.println("bench: a note that stays");
    p.update("bench: 3s 300 ok");
    p.end();
    p.end(); // nothing live: no empty line
    assertThat(written())
        .isEqualTo(
            "\rbench: 1s 100 ok"
                + "\rbench: 2s 90    "
                + "\n"
                + "bench: a note that stays\n"
                + "\rbench: 3s 300 ok"
                + "\n");
  }

  @Test
  void elsewhere_everyUpdateIsALine() {
    Progress p = new Progress(out, false);
    p.update("bench: 1s 100 ok");
    p.println("bench: a note");
    p.update("bench: 2s 200 ok");
    p.end();
    assertThat(written()).isEqualTo("bench: 1s 100 ok\nbench: a note\nbench: 2s 200 ok\n");
  }

  @Test
  void none_writesNothing_fromAnyMethod() {
    Progress.NONE.update("x");
    Progress.NONE.println("y");
    Progress.NONE.end();
    new Progress(null, true).update("z");
    assertThat(written()).isEmpty();
  }
}
