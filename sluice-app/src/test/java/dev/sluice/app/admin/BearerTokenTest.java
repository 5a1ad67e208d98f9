package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
  private static final String TOKEN = "a-long-enough-admin-token";

  private static AdminError refusal(BearerToken t, String header) {
    try {
      t.check(header);
      return null;
    } catch (AdminRefusal r) {
      assertThat(r.getMessage()).doesNotContain(TOKEN);
      return r.error();
    }
  }

  @Test
  void check_withoutAConfiguredToken_passesEverything() {
    BearerToken none = new BearerToken(java.util.Optional.empty());
    assertThat(none.required()).isFalse();
    assertThatCode(() -> none.check(null)).doesNotThrowAnyException();
    assertThatCode(() -> none.check("Bearer whatever")).doesNotThrowAnyException();
  }

  @Test
  void check_withAToken_passesOnlyThatTokenAsBearer() {
    BearerToken t = new BearerToken(java.util.Optional.of(TOKEN));
    assertThat(t.required()).isTrue();
    assertThat(refusal(t, "Bearer " + TOKEN)).isNull();
    assertThat(refusal(t, "bearer  " + TOKEN + " ")).as("scheme is case-insensitive").isNull();
    assertThat(refusal(t, null)).isEqualTo(AdminError.AUTH_REQUIRED);
    assertThat(refusal(t, " ")).isEqualTo(AdminError.AUTH_REQUIRED);
    assertThat(refusal(t, "Bearer " + TOKEN.substring(1))).isEqualTo(AdminError.INVALID_TOKEN);
    assertThat(refusal(t, "Bearer " + TOKEN + "x")).isEqualTo(AdminError.INVALID_TOKEN);
    assertThat(refusal(t, "Basic " + TOKEN)).isEqualTo(AdminError.INVALID_TOKEN);
    assertThat(refusal(t, TOKEN)).isEqualTo(AdminError.INVALID_TOKEN);
    assertThatThrownBy(() -> t.check(null))
        .isInstanceOfSatisfying(
            AdminRefusal.class, r -> assertThat(r.headers()).containsKey("WWW-Authenticate"));
  }
}
