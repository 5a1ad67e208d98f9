package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ses.UpstreamUrl.Kind;
import org.junit.jupiter.api.Test;

class UpstreamUrlTest {
  @Test
  void parse_apiEndpoints_keepSchemeHostAndPort() {
    UpstreamUrl t = UpstreamUrl.parse("ses-v2+https://127.0.0.1:8443", "us-east-1");
    assertThat(t.kind()).isEqualTo(Kind.SES_V2);
    assertThat(t.endpoint()).hasToString("https://127.0.0.1:8443");
    assertThat(t.realSes()).isFalse();
    UpstreamUrl v1 = UpstreamUrl.parse("ses-v1+http://localhost:8480", "eu-west-1");
    assertThat(v1.kind()).isEqualTo(Kind.SES_V1);
    assertThat(v1.endpoint()).hasToString("http://localhost:8480");
    assertThat(v1.region()).isEqualTo("eu-west-1");
  }

  @Test
  void parse_realSes_byRegionOrHost() {
    UpstreamUrl r = UpstreamUrl.parse("ses-v2://eu-central-1", "us-east-1");
    assertThat(r.realSes()).isTrue();
    assertThat(r.endpoint()).isNull();
    assertThat(r.region()).isEqualTo("eu-central-1");
    UpstreamUrl h = UpstreamUrl.parse("ses-v2+https://email.ap-south-1.amazonaws.com", "us-east-1");
    assertThat(h.realSes()).isTrue();
    assertThat(h.region()).isEqualTo("ap-south-1");
    UpstreamUrl s =
        UpstreamUrl.parse(
            "ses-smtp://AKID:p%2Fw@email-smtp.us-west-2.amazonaws.com:587", "us-east-1");
    assertThat(s.realSes()).isTrue();
    assertThat(s.region()).isEqualTo("us-west-2");
    assertThat(s.password()).isEqualTo("p/w");
    assertThat(s.text()).doesNotContain("p%2Fw").contains("AKID:****");
  }

  @Test
  void parse_smtp_defaultsPortAndIsNeverRealSes() {
    UpstreamUrl t = UpstreamUrl.parse("smtp://127.0.0.1", "us-east-1");
    assertThat(t.kind()).isEqualTo(Kind.SMTP);
    assertThat(t.endpoint()).hasToString("smtp://127.0.0.1:25");
    assertThat(t.realSes()).isFalse();
  }

  @Test
  void parse_bad_saysWhatIsExpected() {
    assertThatThrownBy(() -> UpstreamUrl.parse("http://x", "us-east-1"))
        .hasMessageContaining("ses-v2+https://");
    assertThatThrownBy(() -> UpstreamUrl.parse("ses-v2://127.0.0.1", "us-east-1"))
        .hasMessageContaining("REGION");
    assertThatThrownBy(() -> UpstreamUrl.parse("ses-smtp://host:587", "us-east-1"))
        .hasMessageContaining("USER:PASSWORD");
    assertThatThrownBy(() -> UpstreamUrl.parse("ses-v2+http://", "us-east-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
