package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayHeaderRulesTest {
  private static byte[] message(String headers) {
    return RelayHeaderCases.message(headers).getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void check_eachRefusedCase_givesItsWords() {
    for (Object[] c : RelayHeaderCases.refused()) {
      assertThat(RelayHeaderCases.RULES.check(message((String) c[0])))
          .as((String) c[0])
          .hasValueSatisfying(
              r -> {
                assertThat(r.problem())
                    .isEqualTo(
                        (Boolean) c[1]
                            ? MessageCheck.Problem.ROUTE_HEADER
                            : MessageCheck.Problem.CLASS_HEADER);
                assertThat(r.text()).isEqualTo(c[2]);
              });
    }
  }

  @Test
  void check_namesInAnyCaseFoldedOrPadded_pass() {
    for (String h : RelayHeaderCases.taken()) {
      assertThat(RelayHeaderCases.RULES.check(message(h))).as(h).isEmpty();
    }
  }

  @Test
  void check_headersInTheBody_areNotRead() {
    byte[] m =
        "From: a@example.com\r\n\r\nX-Sluice-Route: nowhere\r\nX-Sluice-Class:\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(RelayHeaderCases.RULES.check(m)).isEmpty();
  }

  @Test
  void check_any_takesEveryValue() {
    for (Object[] c : RelayHeaderCases.refused()) {
      assertThat(RelayHeaderRules.ANY.check(message((String) c[0]))).as((String) c[0]).isEmpty();
    }
  }

  @Test
  void check_longOrNonAsciiName_isQuotedShortAndPrintableWithTheRelaysNames() {
    String name = "r".repeat(900);
    String text =
        RelayHeaderCases.RULES
            .check(message("X-Sluice-Route: " + name + "\r\n"))
            .orElseThrow()
            .text();
    assertThat(text)
        .isEqualTo(
            "X-Sluice-Route names route '"
                + "r".repeat(64)
                + "...', which this relay does not have; this relay's routes: default, eu");
    byte[] latin = message("X-Sluice-Class: f\u00e9te\r\n");
    assertThat(RelayHeaderCases.RULES.check(latin).orElseThrow().text())
        .isEqualTo(RelayHeaderCases.unknownClass("f?te"));
  }

  @Test
  void check_manyRoutes_refusalFitsAnSmtpReplyLine() {
    List<String> routes = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      routes.add("route-number-" + i);
    }
    RelayHeaderRules rules = RelayHeaderRules.of(routes, List.of("bulk"));
    String text = rules.check(message("X-Sluice-Route: nope\r\n")).orElseThrow().text();
    assertThat(text).hasSize(400).endsWith("...").startsWith("X-Sluice-Route names route 'nope'");
  }
}
