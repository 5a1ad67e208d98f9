package dev.sluice.simulator.mime;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimpleMessageTest {
  private static final Instant DATE = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void compose_textAndHtml_isMultipartAlternativeThatAngusMailReads() throws Exception {
    String subject = "Grüße — " + "lang ".repeat(30);
    byte[] raw =
        SimpleMessage.compose(
            "sender@example.com",
            List.of("a@example.net", "b@example.net"),
            List.of("c@example.net"),
            subject,
            "Hallo Welt\nzweite Zeile",
            "<p>Hallo <b>Welt</b> =</p>",
            List.of(new SimpleMessage.Field("X-Campaign", "spring\r\nBcc: injected@example.org")),
            DATE);
    MimeMessage m =
        new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    assertThat(m.getSubject()).isEqualTo(subject);
    assertThat(m.getHeader("To", ",")).isEqualTo("a@example.net, b@example.net");
    assertThat(m.getHeader("Cc", ",")).isEqualTo("c@example.net");
    assertThat(m.getHeader("Bcc")).isNull();
    assertThat(m.getHeader("X-Campaign", ",")).isEqualTo("spring Bcc: injected@example.org");
    MimeMultipart mp = (MimeMultipart) m.getContent();
    assertThat(mp.getContentType()).startsWith("multipart/alternative");
    assertThat(mp.getBodyPart(0).getContent()).isEqualTo("Hallo Welt\r\nzweite Zeile");
    assertThat(mp.getBodyPart(1).getContent()).isEqualTo("<p>Hallo <b>Welt</b> =</p>");

    MimeReader.View v = MimeReader.read(raw, 1 << 20);
    assertThat(v.text()).isEqualTo("Hallo Welt\r\nzweite Zeile");
    assertThat(v.html()).isEqualTo("<p>Hallo <b>Welt</b> =</p>");
    assertThat(v.headers()).contains(new MimeReader.Header("Subject", subject));
  }

  @Test
  void compose_randomBodies_haveShortLinesAndReadBackExactly() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    String alphabet = "ab =\t.é€😀<\n";
    int count = alphabet.codePointCount(0, alphabet.length());
    for (int n = 0; n < 200; n++) {
      StringBuilder s = new StringBuilder();
      int len = r.nextInt(300);
      for (int i = 0; i < len; i++) {
        s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(count))));
      }
      String body = s.toString();
      boolean html = r.nextBoolean();
      byte[] raw =
          SimpleMessage.compose(
              "a@example.com",
              List.of("b@example.net"),
              List.of(),
              "s",
              html ? null : body,
              html ? body : null,
              List.of(),
              DATE);
      String text = new String(raw, StandardCharsets.UTF_8);
      for (String line : text.split("\r\n", -1)) {
        assertThat(line.length()).as("seed %d", seed).isLessThanOrEqualTo(76);
      }
      MimeReader.View v = MimeReader.read(raw, 1 << 20);
      assertThat(html ? v.html() : v.text())
          .as("seed %d:%n%s", seed, text)
          .isEqualTo(body.replace("\n", "\r\n"));
    }
  }
}
