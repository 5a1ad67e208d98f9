package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MimeComposerTest {
  private static final Instant AT = Instant.parse("2025-06-07T08:09:10Z");
  private final MimeComposer composer = new MimeComposer("relay.example");

  static MimeMessage parse(byte[] content) throws Exception {
    return new MimeMessage(
        Session.getInstance(new Properties()), new ByteArrayInputStream(content));
  }

  private static MessageSpec spec(String text, String html) {
    return new MessageSpec(
        new Mailbox("Zoë Shop", "shop@example.com"),
        List.of(new Mailbox("", "a@example.org"), new Mailbox("Doe, Jane", "jane@example.org")),
        List.of(new Mailbox("", "cc@example.org")),
        List.of(new Mailbox("", "hidden@example.org")),
        List.of(new Mailbox("", "help@example.com")),
        "Grüße – ваш заказ",
        text,
        html,
        List.of(
            new MessageSpec.Field("X-Campaign", "spring"),
            new MessageSpec.Field("X-Note", "café")));
  }

  @Test
  void compose_textAndHtml_isMultipartAlternativeThatParsesBack() throws Exception {
    MimeComposer.Composed c = composer.compose(spec("Hallo Zoë,\nbye", "<p>Hallo</p>"), AT);
    String raw = new String(c.content(), StandardCharsets.US_ASCII);
    assertThat(raw).doesNotContain("hidden@example.org");
    assertThat(raw.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    assertThat(raw.split("\r\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
    assertThat(new String(c.content(), StandardCharsets.ISO_8859_1).chars().allMatch(b -> b < 0x80))
        .isTrue();

    MimeMessage m = parse(c.content());
    assertThat(m.getHeader("Date", null)).isEqualTo("Sat, 7 Jun 2025 08:09:10 +0000");
    assertThat(m.getMessageID()).isEqualTo(c.messageId()).endsWith("@relay.example>");
    assertThat(m.getHeader("MIME-Version", null)).isEqualTo("1.0");
    assertThat(m.getSubject()).isEqualTo("Grüße – ваш заказ");
    InternetAddress from = (InternetAddress) m.getFrom()[0];
    assertThat(from.getPersonal()).isEqualTo("Zoë Shop");
    assertThat(from.getAddress()).isEqualTo("shop@example.com");
    assertThat(m.getRecipients(RecipientType.TO))
        .extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("a@example.org", "jane@example.org");
    assertThat(((InternetAddress) m.getRecipients(RecipientType.TO)[1]).getPersonal())
        .isEqualTo("Doe, Jane");
    assertThat(m.getRecipients(RecipientType.CC))
        .extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("cc@example.org");
    assertThat(m.getRecipients(RecipientType.BCC)).isNull();
    assertThat(m.getReplyTo())
        .extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("help@example.com");
    assertThat(m.getHeader("X-Campaign", null)).isEqualTo("spring");
    assertThat(m.getHeader("X-Note", null)).isEqualTo("=?UTF-8?B?Y2Fmw6k=?=");
    assertThat(m.isMimeType("multipart/alternative")).isTrue();
    Multipart parts = (Multipart) m.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    Part text = parts.getBodyPart(0);
    Part html = parts.getBodyPart(1);
    assertThat(text.isMimeType("text/plain")).isTrue();
    assertThat(text.getContent()).isEqualTo("Hallo Zoë,\r\nbye");
    assertThat(html.isMimeType("text/html")).isTrue();
    assertThat(html.getContent()).isEqualTo("<p>Hallo</p>");
  }

  @Test
  void compose_oneBody_isThatBodyAlone() throws Exception {
    MimeMessage text = parse(composer.compose(spec("only text", null), AT).content());
    assertThat(text.isMimeType("text/plain")).isTrue();
    assertThat(text.getHeader("Content-Transfer-Encoding", null)).isEqualTo("quoted-printable");
    assertThat(text.getContent()).isEqualTo("only text\r\n");
    MimeMessage html = parse(composer.compose(spec(null, "<b>日本語のみ</b>"), AT).content());
    assertThat(html.isMimeType("text/html")).isTrue();
    assertThat(html.getHeader("Content-Transfer-Encoding", null)).isEqualTo("base64");
    assertThat(html.getContent()).isEqualTo("<b>日本語のみ</b>");
  }

  @Test
  void compose_emptyBodies_stillParse() throws Exception {
    Multipart parts = (Multipart) parse(composer.compose(spec("", ""), AT).content()).getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContent()).isEqualTo("");
  }

  @Test
  void compose_eachMessage_getsItsOwnIdAndBoundary() {
    String a = new String(composer.compose(spec("x", "y"), AT).content(), StandardCharsets.UTF_8);
    String b = new String(composer.compose(spec("x", "y"), AT).content(), StandardCharsets.UTF_8);
    assertThat(a).isNotEqualTo(b);
  }
}
