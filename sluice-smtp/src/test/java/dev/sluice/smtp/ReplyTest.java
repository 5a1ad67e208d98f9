package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyTest {
  @Test
  void toWire_singleLineWithEnhanced_putsEnhancedAfterCode() {
    assertThat(Reply.of(250, "2.1.0", "Ok").toWire(true)).isEqualTo("250 2.1.0 Ok\r\n");
  }

  @Test
  void toWire_enhancedDisabled_omitsEnhanced() {
    assertThat(Reply.of(250, "2.1.0", "Ok").toWire(false)).isEqualTo("250 Ok\r\n");
  }

  @Test
  void toWire_multiline_usesDashOnAllButLast() {
    Reply r = Reply.multiline(250, "2.0.0", List.of("a", "b", "c"));
    assertThat(r.toWire(true)).isEqualTo("250-2.0.0 a\r\n250-2.0.0 b\r\n250 2.0.0 c\r\n");
    assertThat(r.lines()).containsExactly("a", "b", "c");
  }

  @Test
  void toWire_controlAndNonAsciiCharacters_areReplaced() {
    assertThat(Reply.of(553, "<a\rb\u00e9@x> bad").toWire(false)).isEqualTo("553 <a?b?@x> bad\r\n");
  }

  @Test
  void constructor_codeOutOfRange_throws() {
    assertThatThrownBy(() -> Reply.of(199, "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.of(600, "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_enhancedClassDiffersFromCode_throws() {
    assertThatThrownBy(() -> Reply.of(250, "5.0.0", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.of(250, "2.0", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void classify_codes_matchRfcClasses() {
    assertThat(Reply.of(354, "go").isPositive()).isTrue();
    assertThat(Reply.of(451, "later").isTransient()).isTrue();
    assertThat(Reply.of(554, "no").isPermanent()).isTrue();
  }
}
