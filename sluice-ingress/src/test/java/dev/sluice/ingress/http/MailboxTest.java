package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MailboxTest {
  @Test
  void parse_bareAddress_hasNoName() {
    assertThat(Mailbox.parse(" a@b.example ")).isEqualTo(new Mailbox("", "a@b.example"));
  }

  @Test
  void parse_nameAndAddress_splitsThem() {
    assertThat(Mailbox.parse("Jane Doe <jane@b.example>"))
        .isEqualTo(new Mailbox("Jane Doe", "jane@b.example"));
    assertThat(Mailbox.parse("\"Doe, \\\"Jane\\\"\" <jane@b.example>"))
        .isEqualTo(new Mailbox("Doe, \"Jane\"", "jane@b.example"));
    assertThat(Mailbox.parse("<jane@b.example>")).isEqualTo(new Mailbox("", "jane@b.example"));
    assertThat(Mailbox.parse("Zoë <z@b.example>")).isEqualTo(new Mailbox("Zoë", "z@b.example"));
  }

  @Test
  void parse_internationalDomain_becomesAscii() {
    assertThat(Mailbox.parse("user@bücher.example").address())
        .isEqualTo("user@xn--bcher-kva.example");
  }

  @Test
  void parse_undeliverableOrInvalid_isRefused() {
    for (String bad :
        new String[] {
          "",
          "no-domain",
          "user@[192.0.2.1]",
          "jörg@b.example",
          "a@b.example>",
          "Name <a@b.example",
          "two@at@b.example",
          "Bad\r\nName <a@b.example>",
          "x".repeat(300) + " <a@b.example>"
        }) {
      assertThatThrownBy(() -> Mailbox.parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.INVALID_ADDRESS));
    }
  }
}
