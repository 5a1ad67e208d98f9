package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.simulator.SimulatorConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnsSettingsTest {
  private static SnsSettings resolve(Map<String, String> flags) {
    return SimulatorConfig.from(
            ConfigLoader.resolve(SimulatorConfig.SCHEMA, Map.of(), "-", Map.of(), null, flags))
        .sns();
  }

  @Test
  void defaults_areSnsDefaultDeliveryPolicy() {
    SnsSettings s = resolve(Map.of());
    assertThat(s.subscriptions()).isEmpty();
    assertThat(s.signatureVersion()).isEqualTo(1);
    assertThat(s.autoConfirm()).isFalse();
    assertThat(s.retries()).isEqualTo(3);
    assertThat(s.retryDelay()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.queueLimit()).isEqualTo(10_000);
    assertThat(s.maxInFlight()).isEqualTo(32);
    assertThat(s.maxRate()).isEqualTo(100.0);
    assertThat(s.exportCertificate()).isNull();
  }

  @Test
  void maxRate_takesRatesAndUnlimited() {
    assertThat(resolve(Map.of("simulator.sns-max-rate", "600/m")).maxRate()).isEqualTo(10.0);
    assertThat(resolve(Map.of("simulator.sns-max-rate", "2500")).maxRate()).isEqualTo(2500.0);
    assertThat(resolve(Map.of("simulator.sns-max-rate", "unlimited")).maxRate()).isNegative();
  }

  @Test
  void subscriptions_pairsSplitAtTheFirstEquals() {
    SnsSettings s =
        resolve(
            Map.of(
                "simulator.sns-subscriptions",
                "arn:aws:sns:us-east-1:123456789012:a=http://127.0.0.1:9000/x?k=v,"
                    + " arn:aws:sns:eu-west-1:123456789012:b.fifo=https://u:p@example.com/y"));
    assertThat(s.subscriptions())
        .containsExactly(
            new SnsSettings.Subscription(
                "arn:aws:sns:us-east-1:123456789012:a", URI.create("http://127.0.0.1:9000/x?k=v")),
            new SnsSettings.Subscription(
                "arn:aws:sns:eu-west-1:123456789012:b.fifo",
                URI.create("https://u:p@example.com/y")));
  }

  @Test
  void badValues_nameTheKey() {
    for (var bad :
        List.of(
            Map.of("simulator.sns-subscriptions", "arn:aws:sns:us-east-1:1:a=http://h/"),
            Map.of("simulator.sns-subscriptions", "arn:aws:sns:us-east-1:123456789012:a"),
            Map.of("simulator.sns-subscriptions", "arn:aws:sns:us-east-1:123456789012:a=ftp://h/"),
            Map.of("simulator.sns-signature-version", "3"),
            Map.of("simulator.sns-retries", "-1"),
            Map.of("simulator.sns-retry-delay", "soon"),
            Map.of("simulator.sns-request-timeout", "0ms"),
            Map.of("simulator.sns-queue-limit", "0"),
            Map.of("simulator.sns-max-in-flight", "0"),
            Map.of("simulator.sns-max-rate", "0/s"),
            Map.of("simulator.sns-max-rate", "fast"))) {
      String key = bad.keySet().iterator().next();
      assertThatThrownBy(() -> resolve(bad))
          .as(key)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key);
    }
  }
}
