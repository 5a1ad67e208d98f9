package dev.sluice.simulator.template;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class MimeComposerTest {
  static MimeMessage parse(byte[] mime) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime));
  }

  static MimeComposer.Email email(RenderedContent c, List<MimeComposer.Attachment> attachments) {
    return new MimeComposer.Email(
        "a@example.com",
        List.of("b@example.net"),
        List.of(),
        List.of(),
        c,
        List.of(),
        attachments,
        0);
  }

  /** Random text with long lines, every kind of line break, trailing blanks and non-ASCII. */
  static String randomBody(Random rnd) {
    String[] pieces = {
      "a",
      "Z",
      " ",
      "\t",
      "=",
      ".",
      "\r\n",
      "\n",
      "\r",
      "\u00e9",
      "\u4e2d",
      "\ud83d\ude00",
      "=3D",
      "x".repeat(120)
    };
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(200);
    for (int i = 0; i < n; i++) {
      sb.append(pieces[rnd.nextInt(pieces.length)]);
    }
    return sb.toString();
  }

  @RepeatedTest(200)
  void compose_anyTextAndHtml_parseBackToTheSameTextWithCrlfLineBreaks(RepetitionInfo r)
      throws Exception {
    long seed = 0x4D1E_0000L + r.getCurrentRepetition();
    Random rnd = new Random(seed);
    String text = randomBody(rnd);
    String html = randomBody(rnd);
    String subject = randomBody(rnd).replaceAll("[\r\n\t]", " ").strip();
    byte[] mime = MimeComposer.compose(email(new RenderedContent(subject, text, html), List.of()));
    for (String line : new String(mime, StandardCharsets.UTF_8).split("\r\n", -1)) {
      assertThat(line.length()).as("seed %d", seed).isLessThanOrEqualTo(998);
    }
    MimeMessage m = parse(mime);
    assertThat(m.getSubject() == null ? "" : m.getSubject()).as("seed %d", seed).isEqualTo(subject);
    MimeMultipart alt = (MimeMultipart) m.getContent();
    assertThat(alt.getBodyPart(0).getContent())
        .as("seed %d", seed)
        .isEqualTo(MimeComposer.crlf(text));
    assertThat(alt.getBodyPart(1).getContent())
        .as("seed %d", seed)
        .isEqualTo(MimeComposer.crlf(html));
  }

  @RepeatedTest(50)
  void compose_anyAttachmentBytes_roundTripInBase64AndQuotedPrintable(RepetitionInfo r)
      throws Exception {
    long seed = 0xA77AL + r.getCurrentRepetition();
    Random rnd = new Random(seed);
    byte[] bytes = new byte[rnd.nextInt(3000)];
    rnd.nextBytes(bytes);
    List<MimeComposer.Attachment> atts =
        List.of(
            new MimeComposer.Attachment(
                bytes, "a.bin", "application/octet-stream", false, null, null, false),
            new MimeComposer.Attachment(
                bytes, "r\u00e9sum\u00e9.txt", "text/plain", true, "cid1", "d", true));
    MimeMessage m = parse(MimeComposer.compose(email(new RenderedContent("S", "T", null), atts)));
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes())
        .as("seed %d", seed)
        .isEqualTo(bytes);
    assertThat(mixed.getBodyPart(2).getInputStream().readAllBytes())
        .as("seed %d", seed)
        .isEqualTo(bytes);
    assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("a.bin");
  }

  @Test
  void compose_onePart_isNotMultipartAndAsciiIsSevenBit() throws Exception {
    byte[] mime =
        MimeComposer.compose(email(new RenderedContent("Hi", null, "<p>x</p>"), List.of()));
    String s = new String(mime, StandardCharsets.UTF_8);
    assertThat(s)
        .contains(
            "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n<p>x</p>");
    assertThat(s).doesNotContain("multipart").doesNotContain("Message-ID");
    assertThat(parse(mime).getContent()).isEqualTo("<p>x</p>");
  }

  @Test
  void compose_nonAsciiDisplayName_isEncodedAndAddressKept() throws Exception {
    MimeMessage m =
        parse(
            MimeComposer.compose(
                new MimeComposer.Email(
                    "J\u00fcrgen <j@example.com>",
                    List.of("\"Z\u00e9\" <z@example.net>"),
                    List.of(),
                    List.of(),
                    new RenderedContent("S", "T", null),
                    List.of(new MimeComposer.Header("X-Note", "caf\u00e9")),
                    List.of(),
                    0)));
    assertThat(m.getFrom()[0].toString()).contains("j@example.com");
    assertThat(((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getPersonal())
        .isEqualTo("J\u00fcrgen");
    assertThat(jakarta.mail.internet.MimeUtility.decodeText(m.getHeader("X-Note")[0]))
        .isEqualTo("caf\u00e9");
  }
}
