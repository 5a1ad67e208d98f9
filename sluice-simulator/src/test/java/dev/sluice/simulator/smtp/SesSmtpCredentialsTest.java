package dev.sluice.simulator.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SesSmtpCredentialsTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @Test
  void password_tv6UsEast1_matchesVector() {
    assertThat(SesSmtpCredentials.password(SECRET, "us-east-1"))
        .isEqualTo("BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9");
  }

  @Test
  void password_tv6EuWest1_matchesVector() {
    assertThat(SesSmtpCredentials.password(SECRET, "eu-west-1"))
        .isEqualTo("BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk");
  }

  @Test
  void password_anySecret_is44CharactersStartingWithB() {
    String p = SesSmtpCredentials.password("x", "ap-south-1");
    assertThat(p).hasSize(44).startsWith("B");
  }
}
