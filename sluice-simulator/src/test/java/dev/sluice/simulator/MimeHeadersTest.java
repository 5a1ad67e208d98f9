package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MimeHeadersTest {
  @Test
  void parse_foldedHeadersAndAddressLists_giveBareRecipients() {
    String raw =
        "From: \"Doe, Jane\" <jane@example.com>\r\nTo: a@example.com,\r\n  \"B, b\" <b@example.com>\r\n"
            + "Cc: team: c@example.com, d@example.com;\r\nSubject: Hello\r\n world\r\n\r\nTo: not@header.com\r\n";
    MimeHeaders h = MimeHeaders.parse(raw.getBytes(StandardCharsets.US_ASCII));
    assertThat(h.get("subject")).isEqualTo("Hello world");
    assertThat(MimeHeaders.addresses(h.get("from"))).containsExactly("jane@example.com");
    assertThat(h.recipients())
        .containsExactly("a@example.com", "b@example.com", "c@example.com", "d@example.com");
  }

  @Test
  void parse_bareLfAndNoBody_stillWorks() {
    MimeHeaders h = MimeHeaders.parse("Subject: x\nTo: a@b.c".getBytes(StandardCharsets.US_ASCII));
    assertThat(h.get("Subject")).isEqualTo("x");
    assertThat(h.recipients()).containsExactly("a@b.c");
    assertThat(h.get("missing")).isEmpty();
  }

  @Test
  void parse_foldedSubject_isUnfolded() {
    MimeHeaders h =
        MimeHeaders.parse(
            "From: a@b\r\nsubject: Hello\r\n world\r\nTo: c@d\r\n\r\nbody\r\n"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(h.get("Subject")).isEqualTo("Hello world");
  }

  @Test
  void parse_subjectOnlyInBody_isNotFound() {
    MimeHeaders h =
        MimeHeaders.parse(
            "From: a@b\r\n\r\nSubject: not a header\r\n".getBytes(StandardCharsets.UTF_8));
    assertThat(h.get("subject")).isEmpty();
  }

  @Test
  void parse_utf8Subject_isDecoded() {
    MimeHeaders h =
        MimeHeaders.parse("Subject: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    assertThat(h.get("subject")).isEqualTo("caf\u00e9");
  }
}
