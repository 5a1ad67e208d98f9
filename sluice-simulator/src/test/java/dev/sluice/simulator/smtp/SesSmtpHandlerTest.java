package dev.sluice.simulator.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SesSmtpHandlerTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void subject_foldedHeader_isUnfolded() {
    assertThat(
            SesSmtpHandler.subject(
                bytes("From: a@b\r\nsubject: Hello\r\n world\r\nTo: c@d\r\n\r\nbody\r\n")))
        .contains("Hello world");
  }

  @Test
  void subject_onlyInBody_isNotFound() {
    assertThat(SesSmtpHandler.subject(bytes("From: a@b\r\n\r\nSubject: not a header\r\n")))
        .isEmpty();
  }

  @Test
  void subject_utf8Bytes_areDecoded() {
    assertThat(SesSmtpHandler.subject(bytes("Subject: caf\u00e9\r\n\r\n"))).contains("caf\u00e9");
  }
}
