package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.bench.BenchTarget.Kind;
import org.junit.jupiter.api.Test;

class BenchTargetTest {
  @Test
  void parse_apiEndpoints_keepSchemeHostAndPort() {
    BenchTarget t = BenchTarget.parse("ses-v2+https://127.0.0.1:8443", "us-east-1");
    assertThat(t.kind()).isEqualTo(Kind.SES_V2);
    assertThat(t.endpoint()).hasToString("https://127.0.0.1:8443");
    assertThat(t.realSes()).isFalse();
    BenchTarget v1 = BenchTarget.parse("ses-v1+http://localhost:8480", "eu-west-1");
    assertThat(v1.kind()).isEqualTo(Kind.SES_V1);
    assertThat(v1.endpoint()).hasToString("http://localhost:8480");
    assertThat(v1.region()).isEqualTo("eu-west-1");
  }

  @Test
  void parse_realSes_byRegionOrHost() {
    BenchTarget r = BenchTarget.parse("ses-v2://eu-central-1", "us-east-1");
    assertThat(r.realSes()).isTrue();
    assertThat(r.endpoint()).isNull();
    assertThat(r.region()).isEqualTo("eu-central-1");
    BenchTarget h = BenchTarget.parse("ses-v2+https://email.ap-south-1.amazonaws.com", "us-east-1");
    assertThat(h.realSes()).isTrue();
    assertThat(h.region()).isEqualTo("ap-south-1");
    BenchTarget s =
        BenchTarget.parse(
            "ses-smtp://AKID:p%2Fw@email-smtp.us-west-2.amazonaws.com:587", "us-east-1");
    assertThat(s.realSes()).isTrue();
    assertThat(s.region()).isEqualTo("us-west-2");
    assertThat(s.password()).isEqualTo("p/w");
    assertThat(s.text()).doesNotContain("p%2Fw").contains("AKID:****");
  }

  @Test
  void parse_smtp_defaultsPortAndIsNeverRealSes() {
    BenchTarget t = BenchTarget.parse("smtp://127.0.0.1", "us-east-1");
    assertThat(t.kind()).isEqualTo(Kind.SMTP);
    assertThat(t.endpoint()).hasToString("smtp://127.0.0.1:25");
    assertThat(t.realSes()).isFalse();
  }

  @Test
  void parse_bad_saysWhatIsExpected() {
    assertThatThrownBy(() -> BenchTarget.parse("http://x", "us-east-1"))
        .hasMessageContaining("ses-v2+https://");
    assertThatThrownBy(() -> BenchTarget.parse("ses-v2://127.0.0.1", "us-east-1"))
        .hasMessageContaining("REGION");
    assertThatThrownBy(() -> BenchTarget.parse("ses-smtp://host:587", "us-east-1"))
        .hasMessageContaining("USER:PASSWORD");
    assertThatThrownBy(() -> BenchTarget.parse("ses-v2+http://", "us-east-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void label_simulatorAddresses_getAUniqueLabel() {
    assertThat(MessageFactory.label("success@simulator.amazonses.com", 7))
        .isEqualTo("success+bench7@simulator.amazonses.com");
    assertThat(MessageFactory.label("bounce+x@simulator.amazonses.com", 7))
        .isEqualTo("bounce+x@simulator.amazonses.com");
    assertThat(MessageFactory.label("a@example.com", 7)).isEqualTo("a@example.com");
  }

  @Test
  void message_sizeAndRecipients_areAsAsked() {
    MessageFactory f =
        new MessageFactory(java.util.List.of("a@x.net", "b@x.net", "c@x.net"), 2, 4096);
    var m = f.message(1);
    assertThat(m.envelope().recipients()).containsExactly("c@x.net", "a@x.net");
    assertThat(m.content().length).isBetween(3500, 4096);
    assertThat(BenchOptions.ramp(20)).containsExactly(1, 2, 4, 8, 16, 20);
    assertThat(BenchOptions.ramp(1)).containsExactly(1);
  }
}
