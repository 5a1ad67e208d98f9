package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class BodyEncodingTest {
  @Test
  void of_mostlyAscii_isQuotedPrintableAndReadable() {
    BodyEncoding e = BodyEncoding.of("Viele Grüße aus Köln, bis morgen: 1 + 1 = 2 \nbye");
    assertThat(e.transferEncoding()).isEqualTo("quoted-printable");
    assertThat(ascii(e.body()))
        .isEqualTo("Viele Gr=C3=BC=C3=9Fe aus K=C3=B6ln, bis morgen: 1 + 1 =3D 2=20\r\nbye");
  }

  @Test
  void of_mostlyCjk_isBase64() {
    BodyEncoding e = BodyEncoding.of("日本語のテキストです。".repeat(20));
    assertThat(e.transferEncoding()).isEqualTo("base64");
  }

  @Test
  void of_longAsciiLine_getsSoftBreaksAt76() {
    BodyEncoding e = BodyEncoding.of("x".repeat(200));
    assertThat(ascii(e.body()))
        .isEqualTo("x".repeat(75) + "=\r\n" + "x".repeat(75) + "=\r\n" + "x".repeat(50));
  }

  @Test
  void of_escapeAtTheBreak_isNeverSplit() {
    String s = "x".repeat(74) + "é"; // =C3=A9 does not fit after 74 characters
    String body = ascii(BodyEncoding.of(s).body());
    assertThat(body).isEqualTo("x".repeat(74) + "=\r\n=C3=A9");
  }

  @Test
  void of_empty_isEmpty() {
    assertThat(BodyEncoding.of("").body()).isEmpty();
  }

  @RepeatedTest(300)
  void of_randomText_decodesBackWithShortCrlfLines(RepetitionInfo info) throws Exception {
    long seed = 0x5EED_B0D7L + info.getCurrentRepetition();
    String text = TextSamples.text(new Random(seed), 80, true);
    BodyEncoding e = BodyEncoding.of(text);
    String body = ascii(e.body());
    String where = "seed " + seed + ", text " + text.replace("\r", "\\r").replace("\n", "\\n");
    assertThat(body.chars().allMatch(c -> c < 0x80)).as(where).isTrue();
    assertThat(body.replace("\r\n", "")).as(where).doesNotContain("\r").doesNotContain("\n");
    for (String line : body.split("\r\n")) {
      assertThat(line.length()).as(where).isLessThanOrEqualTo(76);
      if (e.transferEncoding().equals("quoted-printable")) {
        assertThat(line).as(where).doesNotEndWith(" ").doesNotEndWith("\t");
      }
    }
    try (InputStream in =
        MimeUtility.decode(new ByteArrayInputStream(e.body()), e.transferEncoding())) {
      String decoded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(decoded).as(where).isEqualTo(canonical(text));
    }
  }

  /** The text with CRLF line breaks. */
  static String canonical(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
