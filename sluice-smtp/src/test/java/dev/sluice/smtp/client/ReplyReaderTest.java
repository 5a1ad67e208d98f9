package dev.sluice.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.smtp.Reply;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyReaderTest {
  private static ReplyReader reader(String wire) {
    return new ReplyReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void read_singleLine_givesCodeAndText() throws IOException {
    Reply r = reader("250 Ok 0100018d-abc-000000\r\n").read();
    assertThat(r).isEqualTo(Reply.of(250, "Ok 0100018d-abc-000000"));
  }

  @Test
  void read_multiLine_joinsLinesInOrder() throws IOException {
    Reply r = reader("250-mx.example\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 Ok\r\n").read();
    assertThat(r.code()).isEqualTo(250);
    assertThat(r.lines()).containsExactly("mx.example", "PIPELINING", "SIZE 1000", "Ok");
  }

  @Test
  void read_enhancedCode_isSeparatedFromEveryLine() throws IOException {
    Reply r = reader("550-5.1.1 No such user\r\n550 5.1.1 here\r\n").read();
    assertThat(r.enhanced()).isEqualTo("5.1.1");
    assertThat(r.lines()).containsExactly("No such user", "here");
  }

  @Test
  void read_enhancedCodeOfAnotherClass_staysInText() throws IOException {
    Reply r = reader("451 5.4.2 odd\r\n").read();
    assertThat(r.enhanced()).isNull();
    assertThat(r.text()).isEqualTo("5.4.2 odd");
  }

  @Test
  void read_sesTimeoutText_takesEnhancedCode() throws IOException {
    Reply r = reader("451 4.4.2 Timeout waiting for data from client.\r\n").read();
    assertThat(r).isEqualTo(Reply.of(451, "4.4.2", "Timeout waiting for data from client."));
  }

  @Test
  void read_bareLfAndCodeOnly_accepted() throws IOException {
    ReplyReader in = reader("354\n221 Bye\n");
    assertThat(in.read()).isEqualTo(Reply.of(354, ""));
    assertThat(in.read()).isEqualTo(Reply.of(221, "Bye"));
  }

  @Test
  void read_changingCodeWithinReply_isProtocolError() {
    assertThatThrownBy(() -> reader("250-a\r\n251 b\r\n").read())
        .isInstanceOf(SmtpProtocolException.class)
        .hasMessageContaining("changed");
  }

  @Test
  void read_notSmtp_isProtocolError() {
    assertThatThrownBy(() -> reader("HTTP/1.1 400 Bad Request\r\n").read())
        .isInstanceOf(SmtpProtocolException.class);
    assertThatThrownBy(() -> reader("250*x\r\n").read()).isInstanceOf(SmtpProtocolException.class);
    assertThatThrownBy(() -> reader("150 x\r\n").read()).isInstanceOf(SmtpProtocolException.class);
  }

  @Test
  void read_overlongLine_isProtocolError() {
    String longLine = "250 " + "x".repeat(ReplyReader.MAX_LINE) + "\r\n";
    assertThatThrownBy(() -> reader(longLine).read())
        .isInstanceOf(SmtpProtocolException.class)
        .hasMessageContaining("longer");
  }

  @Test
  void read_endOfStream_isEof() {
    assertThatThrownBy(() -> reader("").read()).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> reader("250-a\r\n250 b").read()).isInstanceOf(EOFException.class);
  }
}
