package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SesSmtpPasswordTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @Test
  void derive_specVectors_matchTv6() {
    assertThat(SesSmtpPassword.derive(SECRET, "us-east-1"))
        .isEqualTo("BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9");
    assertThat(SesSmtpPassword.derive(SECRET, "eu-west-1"))
        .isEqualTo("BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk");
  }

  @Test
  void derive_anySecret_isVersionFourAnd33Bytes() {
    for (String secret : new String[] {"x", "secret/with+chars", SECRET + SECRET}) {
      String p = SesSmtpPassword.derive(secret, "ap-south-1");
      assertThat(p).hasSize(44).startsWith("B");
      byte[] raw = Base64.getDecoder().decode(p);
      assertThat(raw).hasSize(33);
      assertThat(raw[0]).isEqualTo((byte) 4);
      assertThat(p).isNotEqualTo(SesSmtpPassword.derive(secret, "us-east-1"));
    }
  }
}
