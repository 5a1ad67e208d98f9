package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailboxesTest {
  @Test
  void toAscii_validAndInternationalized() {
    assertThat(Mailboxes.toAscii("a.b+c@d.example")).contains("a.b+c@d.example");
    assertThat(Mailboxes.toAscii("a@b\u00fccher.example")).contains("a@xn--bcher-kva.example");
  }

  @Test
  void toAscii_refusesWhatSmtpCannotCarry() {
    for (String bad :
        new String[] {
          "",
          "a",
          "a@",
          "@b.example",
          "j\u00f6rg@b.example",
          "a b@c.example",
          "<a@b.example>",
          "a@b.example> SIZE=1",
          "@r.example:a@b.example",
          "Postmaster",
          "a@b..example"
        }) {
      assertThat(Mailboxes.toAscii(bad)).as(bad).isEmpty();
    }
    assertThat(Mailboxes.toAscii(null)).isEmpty();
  }
}
