package dev.sluice.feedback.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnsTrustTest {
  private static final SnsTrust TRUST =
      new SnsTrust(
          Set.of("arn:aws:sns:us-east-1:123456789012:ses"),
          List.of("127.0.0.1:8443", "Sns.Example.Net"),
          Duration.ofHours(1));

  private static boolean trusted(String url) {
    return TRUST.trusted(URI.create(url));
  }

  @Test
  void trusted_snsHostsOverHttpsOnly() {
    assertThat(trusted("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem"))
        .isTrue();
    assertThat(trusted("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-a.pem"))
        .isTrue();
    assertThat(trusted("https://sns.us-east-1.amazonaws.com:443/x.pem")).isTrue();
    assertThat(trusted("http://sns.us-east-1.amazonaws.com/x.pem")).isFalse();
    assertThat(trusted("https://sns.us-east-1.amazonaws.com:8443/x.pem")).isFalse();
    assertThat(trusted("https://sns.us-east-1.amazonaws.com.evil.example/x.pem")).isFalse();
    assertThat(trusted("https://evil-sns.us-east-1.amazonaws.com/x.pem")).isFalse();
    assertThat(trusted("https://s3.amazonaws.com/x.pem")).isFalse();
    assertThat(trusted("https://user@sns.us-east-1.amazonaws.com/x.pem")).isFalse();
  }

  @Test
  void trusted_listedHosts_portExactOr443() {
    assertThat(trusted("https://127.0.0.1:8443/x.pem")).isTrue();
    assertThat(trusted("https://127.0.0.1:8444/x.pem")).isFalse();
    assertThat(trusted("https://127.0.0.1/x.pem")).isFalse();
    assertThat(trusted("https://sns.example.net/x.pem")).isTrue();
    assertThat(trusted("https://SNS.EXAMPLE.NET/x.pem")).isTrue();
    assertThat(trusted("https://sns.example.net:8443/x.pem")).isFalse();
    assertThat(trusted("http://127.0.0.1:8443/x.pem")).isFalse();
  }

  @Test
  void listed_exactArnOnly() {
    assertThat(TRUST.listed("arn:aws:sns:us-east-1:123456789012:ses")).isTrue();
    assertThat(TRUST.listed("arn:aws:sns:us-east-1:123456789012:ses2")).isFalse();
  }

  @Test
  void new_badHostOrWindow_refused() {
    assertThatThrownBy(() -> new SnsTrust(Set.of(), List.of("https://x/y"), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SnsTrust(Set.of(), List.of(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
