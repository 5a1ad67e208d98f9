package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.ConfigSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminSettingsTest {
  private static final ConfigSchema SCHEMA = ConfigSchema.of(AdminSettings.KEYS);
  private static final String TOKEN = "0123456789abcdef0123";

  @Test
  void from_defaults_isLoopbackOnTheDefaultPortWithoutToken() {
    AdminSettings s =
        AdminSettings.from(ConfigLoader.resolve(SCHEMA, Map.of(), "-", Map.of(), null, Map.of()));

    assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(s.port()).hasValue(AdminSettings.DEFAULT_PORT);
    assertThat(AdminSettings.DEFAULT_PORT).isEqualTo(8588);
    assertThat(s.tokenRequired()).isFalse();
    assertThat(s.enabled()).isTrue();
  }

  @Test
  void from_environmentAndFlags_setsAddressPortAndToken() {
    AdminSettings s =
        AdminSettings.from(
            ConfigLoader.resolve(
                SCHEMA,
                Map.of(),
                "-",
                Map.of("SLUICE_RELAY_ADMIN_TOKEN", TOKEN),
                null,
                Map.of("relay.admin.bind-address", "0.0.0.0", "relay.admin.port", "off")));

    assertThat(s.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(s.enabled()).isFalse();
    assertThat(s.token()).contains(TOKEN);
    assertThat(AdminSettings.TOKEN.secret()).isTrue();
  }

  @Test
  void token_tooShortOrWithSpaces_isRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> AdminSettings.defaults().withToken("short-secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> AdminSettings.defaults().withToken("with a space in the middle"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("with a space");
    assertThatThrownBy(
            () ->
                ConfigLoader.resolve(
                    SCHEMA,
                    Map.of(),
                    "-",
                    Map.of(),
                    null,
                    Map.of("relay.admin.token", "tiny-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.admin.token")
        .hasMessageNotContaining("tiny-secret");
  }

  @Test
  void toString_neverShowsTheToken() {
    assertThat(AdminSettings.defaults().withToken(TOKEN).toString())
        .doesNotContain(TOKEN)
        .contains("********");
  }
}
