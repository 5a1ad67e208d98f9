package dev.sluice.core.ses;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeaderSectionTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void fields_foldedAndLfOnlyLines_areUnfoldedAndStopAtTheEmptyLine() {
    byte[] m =
        bytes(
            "From: a@example.com\r\nX-SES-MESSAGE-TAGS: a=b,\r\n c=d\nSubject: hi\r\n\r\n"
                + "X-SES-CONFIGURATION-SET: body\r\n");
    List<HeaderSection.Field> f = HeaderSection.fields(m);
    assertThat(f)
        .extracting(HeaderSection.Field::name)
        .containsExactly("From", "X-SES-MESSAGE-TAGS", "Subject");
    assertThat(f.get(1).value()).isEqualTo("a=b, c=d");
    assertThat(HeaderSection.named(f, "x-ses-configuration-set")).isEmpty();
  }

  @Test
  void without_namedFields_areRemovedWithTheirContinuationLines() {
    String rest = "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
    byte[] m =
        bytes(
            "X-SES-CONFIGURATION-SET: s\r\nFrom: a@example.com\r\nx-ses-message-tags: a=b,\r\n"
                + "\tc=d\r\nSubject: hi\r\n\r\nbody\r\n");
    byte[] out =
        HeaderSection.without(
            m, HeaderSection.fields(m), Set.of(MessageTags.SET_HEADER, MessageTags.HEADER));
    assertThat(new String(out, StandardCharsets.ISO_8859_1)).isEqualTo(rest);
  }

  @Test
  void without_noNamedField_returnsTheSameArray() {
    byte[] m = bytes("From: a@example.com\r\n\r\nbody\r\n");
    assertThat(HeaderSection.without(m, HeaderSection.fields(m), Set.of(MessageTags.HEADER)))
        .isSameAs(m);
  }

  @Test
  void fields_headerOnlyMessageWithoutEnding_endsAtTheLastOctet() {
    byte[] m = bytes("From: a@example.com\r\nX-Last: v");
    List<HeaderSection.Field> f = HeaderSection.fields(m);
    assertThat(f.get(1).value()).isEqualTo("v");
    assertThat(f.get(1).end()).isEqualTo(m.length);
  }

  @Test
  void prepend_addsOneCrlfEndedField() {
    byte[] out =
        HeaderSection.prepend(MessageTags.SET_HEADER, "s", bytes("From: a@b.example\r\n\r\nx"));
    assertThat(new String(out, StandardCharsets.ISO_8859_1))
        .isEqualTo("X-SES-CONFIGURATION-SET: s\r\nFrom: a@b.example\r\n\r\nx");
  }
}
