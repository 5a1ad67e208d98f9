package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStoreTest {
  @TempDir Path dir;

  private UserStore store(String... lines) throws IOException {
    Path f = dir.resolve("users");
    Files.write(f, java.util.List.of(lines));
    return UserStore.load(f);
  }

  @Test
  void verify_rightPasswordOnlyAndAgainFromTheCache() throws IOException {
    UserStore s =
        store(
            "# apps that submit mail",
            "",
            "app:" + UserStore.hash("s3cret".toCharArray(), 1000),
            "other:" + UserStore.hash("x".toCharArray(), 1000));
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.verify("app", "s3cret")).isTrue();
    assertThat(s.verify("app", "s3cret")).isTrue(); // remembered
    assertThat(s.verify("app", "S3cret")).isFalse();
    assertThat(s.verify("app", "x")).isFalse();
    assertThat(s.verify("other", "s3cret")).isFalse(); // the cache is per user
    assertThat(s.verify("nobody", "s3cret")).isFalse();
    assertThat(s.verify("app", "")).isFalse();
  }

  @Test
  void hash_isSaltedAndNamesItsScheme() {
    String a = UserStore.hash("pw".toCharArray(), 10);
    String b = UserStore.hash("pw".toCharArray(), 10);
    assertThat(a).startsWith("pbkdf2-sha256$10$").isNotEqualTo(b);
    assertThat(UserStore.hash("pw".toCharArray())).startsWith("pbkdf2-sha256$600000$");
  }

  @Test
  void load_malformedLinesNameTheLine() {
    assertThatThrownBy(() -> store("app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> store("# c", "app:plaintext"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("sluice passwd");
    assertThatThrownBy(() -> store("app:pbkdf2-sha256$0$AAAAAAAAAAA$AAAA"))
        .hasMessageContaining("malformed");
    String h = UserStore.hash("pw".toCharArray(), 5);
    assertThatThrownBy(() -> store("app:" + h, "app:" + h)).hasMessageContaining("twice");
  }
}
