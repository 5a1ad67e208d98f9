package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ses.ConfigurationSetCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SesHeaderRulesTest {
  private static byte[] message(String headers) {
    return SesHeaderCases.message(headers).getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void check_eachRefusedCase_givesItsWords() {
    for (String[] c : SesHeaderCases.refused()) {
      assertThat(SesHeaderCases.RULES.check(message(c[0])))
          .as(c[0])
          .hasValueSatisfying(
              r -> {
                assertThat(r.problem()).isEqualTo(MessageCheck.Problem.SES_HEADER);
                assertThat(r.text()).isEqualTo(c[1]);
              });
    }
  }

  @Test
  void check_knownSetAndFoldedTags_pass() {
    assertThat(
            SesHeaderCases.RULES.check(
                message(
                    "X-SES-CONFIGURATION-SET: marketing\r\nx-ses-message-tags: a=b,\r\n c=d\r\n")))
        .isEmpty();
    assertThat(SesHeaderCases.RULES.check(message(""))).isEmpty();
  }

  @Test
  void check_headersInTheBody_areNotRead() {
    byte[] m =
        "From: a@example.com\r\n\r\nX-SES-SOURCE-ARN: x\r\nX-SES-MESSAGE-TAGS: bad\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(SesHeaderCases.RULES.check(m)).isEmpty();
  }

  @Test
  void check_identityHeadersAllowed_pass() {
    SesHeaderRules allowing = new SesHeaderRules(true, SesHeaderCases.ACCOUNT);
    for (String h : SesHeaderRules.IDENTITY_HEADERS) {
      assertThat(allowing.check(message(h + ": arn:aws:ses:us-east-1:1:identity/x.example\r\n")))
          .as(h)
          .isEmpty();
    }
  }

  @Test
  void check_malformedName_neverAsksTheCatalog() {
    List<String> asked = new ArrayList<>();
    ConfigurationSetCatalog recording =
        name -> {
          asked.add(name);
          return false;
        };
    SesHeaderRules rules = new SesHeaderRules(false, recording);
    assertThat(rules.check(message("X-SES-CONFIGURATION-SET: a.b\r\n"))).isPresent();
    assertThat(rules.check(message("X-SES-CONFIGURATION-SET: ok\r\n"))).isEmpty();
    assertThat(asked).containsExactly("ok");
  }

  @Test
  void check_nonAsciiAndLongValues_giveAPrintableShortText() {
    String value = "caf\u00e9" + "x".repeat(600);
    assertThat(SesHeaderRules.DEFAULT.check(message("X-SES-MESSAGE-TAGS: n=" + value + "\r\n")))
        .hasValueSatisfying(
            r -> {
              assertThat(r.text()).startsWith("Invalid tag value <caf?xxx").endsWith("...");
              assertThat(r.text()).hasSize(400);
              assertThat(r.text().chars().allMatch(c -> c >= ' ' && c < 0x7f)).isTrue();
            });
  }
}
