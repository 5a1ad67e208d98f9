package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ingress.UserStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PasswdCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String stdin, String... args) {
    PasswdCommand c =
        new PasswdCommand(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            null);
    return new CommandLine(c).execute(args);
  }

  @Test
  void stdin_printsALineTheUsersFileAccepts() throws Exception {
    assertThat(run("correct horse\n", "--stdin", "--iterations", "1000", "app")).isZero();
    String line = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(line).startsWith("app:pbkdf2-sha256$1000$").doesNotContain("correct");
    UserStore users = UserStore.load(Files.writeString(dir.resolve("users"), line + "\n"));
    assertThat(users.verify("app", "correct horse")).isTrue();
    assertThat(users.verify("app", "wrong")).isFalse();
  }

  @Test
  void badInput_isRefusedWithAReason() {
    assertThat(run("", "--stdin", "app")).isEqualTo(2);
    assertThat(run("pw\n", "--stdin", "a:b")).isEqualTo(2);
    assertThat(run("pw\n", "app")).isEqualTo(2); // no terminal and no --stdin
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("must not be empty")
        .contains("':'")
        .contains("use --stdin");
    assertThat(out.size()).isZero();
  }
}
