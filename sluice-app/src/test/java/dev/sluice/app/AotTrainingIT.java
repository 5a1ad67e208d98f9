package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AOT cache's training run, on a real relay with its embedded simulator. */
class AotTrainingIT {
  @TempDir Path dir;

  @Test
  void run_smallTraining_acceptsThroughBothDoorsAndDeliversEveryMessage() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int status = AotTraining.run(dir, 301, out);

    String said = bytes.toString(StandardCharsets.UTF_8);
    assertThat(status).as(said).isZero();
    // 30 over HTTP: 15 single (raw and JSON), 15 in batches; the rest over SMTP in 8 sessions.
    assertThat(said)
        .isEqualTo("sluice AOT training: 271 messages over SMTP, 30 over HTTP, 301 delivered\n");
  }
}
