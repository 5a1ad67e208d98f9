package dev.sluice.simulator.mime;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MimeReaderTest {
  private static final Session SESSION = Session.getInstance(new Properties());

  private static byte[] bytes(MimeMessage m) throws Exception {
    m.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void read_alternativeWithAttachmentFromAngusMail_findsTextHtmlAndAttachment() throws Exception {
    MimeMessage m = new MimeMessage(SESSION);
    m.setFrom(new InternetAddress("sender@example.com", "Zoë Sender", "UTF-8"));
    m.addRecipient(Message.RecipientType.TO, new InternetAddress("to@example.net"));
    m.setSubject("Grüße aus Köln", "UTF-8");
    MimeMultipart alternative = new MimeMultipart("alternative");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("Grüße,\nzweite Zeile " + "x".repeat(200), "UTF-8");
    text.setHeader("Content-Transfer-Encoding", "quoted-printable");
    alternative.addBodyPart(text);
    MimeBodyPart html = new MimeBodyPart();
    html.setText("<p>Grüße <b>fett</b></p>", "UTF-8", "html");
    html.setHeader("Content-Transfer-Encoding", "base64");
    alternative.addBodyPart(html);
    MimeBodyPart wrapper = new MimeBodyPart();
    wrapper.setContent(alternative);
    MimeMultipart mixed = new MimeMultipart("mixed");
    mixed.addBodyPart(wrapper);
    MimeBodyPart pdf = new MimeBodyPart();
    pdf.setDataHandler(
        new jakarta.activation.DataHandler(
            new ByteArrayDataSource(new byte[3000], "application/pdf")));
    pdf.setFileName("Rechnung März.pdf");
    pdf.setDisposition("attachment");
    mixed.addBodyPart(pdf);
    m.setContent(mixed);

    MimeReader.View v = MimeReader.read(bytes(m), 1 << 20);

    assertThat(v.text()).isEqualTo("Grüße,\r\nzweite Zeile " + "x".repeat(200));
    assertThat(v.html()).isEqualTo("<p>Grüße <b>fett</b></p>");
    assertThat(v.textTruncated()).isFalse();
    assertThat(v.attachments()).hasSize(1);
    assertThat(v.attachments().get(0).contentType()).isEqualTo("application/pdf");
    assertThat(v.attachments().get(0).filename()).isEqualTo("Rechnung März.pdf");
    assertThat(v.attachments().get(0).size()).isEqualTo(3000);
    assertThat(v.headers())
        .contains(new MimeReader.Header("Subject", "Grüße aus Köln"))
        .contains(new MimeReader.Header("From", "Zoë Sender <sender@example.com>"));
  }

  @Test
  void read_randomTextInBase64OrQuotedPrintable_comesBackExactly() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    String alphabet = "abc =\t.-é€日😀<>\n";
    for (int n = 0; n < 100; n++) {
      StringBuilder s = new StringBuilder();
      int len = r.nextInt(400);
      int count = alphabet.codePointCount(0, alphabet.length());
      for (int i = 0; i < len; i++) {
        s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(count))));
      }
      String body = s.toString().replace("\n", "\r\n");
      MimeMessage m = new MimeMessage(SESSION);
      m.setFrom(new InternetAddress("a@example.com"));
      m.setSubject("random");
      m.setText(body, "UTF-8");
      m.saveChanges();
      m.setHeader("Content-Transfer-Encoding", r.nextBoolean() ? "base64" : "quoted-printable");
      byte[] raw = bytes(m);
      MimeReader.View v = MimeReader.read(raw, 1 << 20);
      assertThat(v.text())
          .as("seed %d:%n%s", seed, new String(raw, StandardCharsets.UTF_8))
          .isEqualTo(body);
    }
  }

  @Test
  void read_bodyOverTheBound_isCutAndSaysSo() {
    String raw =
        "Subject: big\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + java.util.Base64.getMimeEncoder().encodeToString(ascii("<p>" + "y".repeat(5000)));
    MimeReader.View v = MimeReader.read(ascii(raw), 1000);
    assertThat(v.html()).hasSize(1000).startsWith("<p>yyy");
    assertThat(v.htmlTruncated()).isTrue();
  }

  @Test
  void read_noHeaderSection_isOnePlainTextBody() {
    MimeReader.View v = MimeReader.read(ascii("Hello there\r\n<b>not html</b>"), 1000);
    assertThat(v.headers()).isEmpty();
    assertThat(v.text()).isEqualTo("Hello there\r\n<b>not html</b>");
    assertThat(v.html()).isNull();
  }

  @Test
  void read_malformedMultipart_neverFailsAndKeepsWhatItCanRead() {
    String raw =
        "Subject: broken\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "preamble\r\n--b1\r\nContent-Type: text/plain; charset=x-nonesuch\r\n\r\n"
            + "first\r\n--b1\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "!!!notbase64";
    MimeReader.View v = MimeReader.read(ascii(raw), 1000);
    assertThat(v.text()).isEqualTo("first");
    assertThat(v.html()).isNotNull();
    assertThat(MimeReader.read(new byte[0], 10).text()).isEmpty();
    assertThat(MimeReader.read(ascii("Subject: only headers"), 10).headers())
        .containsExactly(new MimeReader.Header("Subject", "only headers"));
  }

  @Test
  void read_deepNesting_stopsAtTheBound() {
    StringBuilder raw = new StringBuilder("Subject: deep\r\n");
    for (int i = 0; i < 50; i++) {
      raw.append("Content-Type: multipart/mixed; boundary=\"b")
          .append(i)
          .append("\"\r\n\r\n--b")
          .append(i)
          .append("\r\n");
    }
    raw.append("Content-Type: text/plain\r\n\r\ninnermost\r\n");
    MimeReader.View v = MimeReader.read(ascii(raw.toString()), 1000);
    assertThat(v.text()).isNull();
    assertThat(v.attachments()).hasSize(1);
  }
}
