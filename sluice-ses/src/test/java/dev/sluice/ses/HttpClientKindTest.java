package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpClientKindTest {
  @Test
  void parse_knownNamesInAnyCase_giveTheKind() {
    assertThat(HttpClientKind.parse("apache5")).isEqualTo(HttpClientKind.APACHE5);
    assertThat(HttpClientKind.parse(" CRT ")).isEqualTo(HttpClientKind.CRT);
  }

  @Test
  void parse_unknownName_isRefusedWithTheChoices() {
    assertThatThrownBy(() -> HttpClientKind.parse("netty"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apache5 or crt");
  }

  @Test
  void key_roundTripsThroughParse() {
    for (HttpClientKind k : HttpClientKind.values()) {
      assertThat(HttpClientKind.parse(k.key())).isEqualTo(k);
    }
  }

  @Test
  void settings_defaultToApache5() {
    assertThat(SesApiSettings.of("us-east-1", null, null).httpClient())
        .isEqualTo(HttpClientKind.APACHE5);
  }
}
