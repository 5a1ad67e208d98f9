package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class RawMessageTest {
  private static final long MAX = 1 << 20;

  @Test
  void canonical_crlfMessage_isReturnedAsIs() {
    byte[] m = bytes("From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n");
    assertThat(RawMessage.canonical(m, MAX)).isSameAs(m);
  }

  @Test
  void canonical_bareLf_becomesCrlf() {
    byte[] out = RawMessage.canonical(bytes("From: a@b.example\n\nline 1\r\nline 2\n"), MAX);
    assertThat(text(out)).isEqualTo("From: a@b.example\r\n\r\nline 1\r\nline 2\r\n");
  }

  @Test
  void canonical_noFinalLineBreak_getsOne() {
    assertThat(text(RawMessage.canonical(bytes("From: a@b.example\r\n\r\nend"), MAX)))
        .isEqualTo("From: a@b.example\r\n\r\nend\r\n");
    assertThat(text(RawMessage.canonical(bytes("From: a@b.example\n\n"), MAX)))
        .isEqualTo("From: a@b.example\r\n\r\n");
  }

  @Test
  void canonical_bareCr_isRefused() {
    refused("From: a@b.example\r\n\r\nx\ry\r\n", ErrorCode.BARE_NEWLINE);
    refused("From: a@b.example\r\n\r\nx\r", ErrorCode.BARE_NEWLINE);
  }

  @Test
  void canonical_lineOf1000WithCrlf_isTakenAnd1001Refused() {
    String ok = "From: a@b.example\r\n\r\n" + "x".repeat(998) + "\r\n";
    assertThat(RawMessage.canonical(bytes(ok), MAX)).hasSize(ok.length());
    refused("From: a@b.example\r\n\r\n" + "x".repeat(999) + "\r\n", ErrorCode.LINE_TOO_LONG);
    refused("From: a@b.example\n\n" + "x".repeat(999) + "\n", ErrorCode.LINE_TOO_LONG);
  }

  @Test
  void canonical_withoutHeaderSection_isRefused() {
    refused("", ErrorCode.INVALID_MESSAGE);
    refused("\r\nbody only\r\n", ErrorCode.INVALID_MESSAGE);
    refused(
        "From someone@example.com Sat Jan  1 00:00:00 2000\nFrom: a@b\n\nx\n",
        ErrorCode.INVALID_MESSAGE);
    refused(" folded: first\r\nFrom: a@b\r\n\r\n", ErrorCode.INVALID_MESSAGE);
    refused("Subject: no author\r\n\r\nbody\r\n", ErrorCode.INVALID_MESSAGE);
    refused("Subject: x\r\nnot a field\r\n\r\n", ErrorCode.INVALID_MESSAGE);
  }

  @Test
  void canonical_headerFieldsOnly_isRefusedWithTheSmtpDoorsWords() {
    assertThatThrownBy(() -> RawMessage.canonical(bytes("From: a@b.example\nSubject: x"), MAX))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
              assertThat(r.getMessage())
                  .isEqualTo(
                      "The message has header fields only; SES requires a header section and a"
                          + " body separated by an empty line");
            });
  }

  @Test
  void canonical_nulOctet_isRefusedWithItsLine() {
    assertThatThrownBy(
            () -> RawMessage.canonical(bytes("From: a@b.example\n\nok\nbin\0ary\n"), MAX))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
              assertThat(r.getMessage()).startsWith("Line 4 holds a NUL octet");
            });
  }

  @Test
  void canonical_fromFieldInAnyCase_counts() {
    RawMessage.canonical(bytes("fROM: a@b.example\r\n\r\nx\r\n"), MAX);
    RawMessage.canonical(bytes("Subject: x\r\n\tfolded\r\nFrom: a@b.example\r\n\r\n"), MAX);
  }

  @Test
  void canonical_overTheLimit_isRefusedBeforeAndAfterRepair() {
    String m = "From: a@b.example\n\n" + "x\n".repeat(10);
    assertThat(RawMessage.canonical(bytes(m), m.length() + 12)).hasSize(m.length() + 12);
    assertThatThrownBy(() -> RawMessage.canonical(bytes(m), m.length() + 11))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE));
    assertThatThrownBy(() -> RawMessage.canonical(bytes(m), m.length() - 1))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE));
  }

  @RepeatedTest(200)
  void canonical_randomLineEndings_giveCrlfOnlyAndTheSameLines(RepetitionInfo info) {
    long seed = 0xBA5EL + info.getCurrentRepetition();
    Random random = new Random(seed);
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    StringBuilder expected = new StringBuilder();
    String[] header = {"From: a@b.example", "Subject: s", "X-A: 1", "\tcontinued"};
    int fields = 1 + random.nextInt(4);
    for (int i = 0; i < fields; i++) {
      String line = i == 0 ? header[0] : header[1 + random.nextInt(3)];
      in.writeBytes(bytes(line + (random.nextBoolean() ? "\r\n" : "\n")));
      expected.append(line).append("\r\n");
    }
    in.writeBytes(bytes(random.nextBoolean() ? "\r\n" : "\n"));
    expected.append("\r\n");
    int lines = random.nextInt(30);
    for (int i = 0; i < lines; i++) {
      byte[] line = new byte[random.nextInt(200)];
      for (int j = 0; j < line.length; j++) {
        int b;
        do {
          b = random.nextInt(256);
        } while (b == '\r' || b == '\n' || b == 0);
        line[j] = (byte) b;
      }
      in.writeBytes(line);
      in.writeBytes(bytes(random.nextBoolean() ? "\r\n" : "\n"));
      expected.append(new String(line, StandardCharsets.ISO_8859_1)).append("\r\n");
    }
    byte[] out = RawMessage.canonical(in.toByteArray(), MAX);
    assertThat(new String(out, StandardCharsets.ISO_8859_1))
        .as("seed " + seed)
        .isEqualTo(expected.toString());
  }

  private static void refused(String message, ErrorCode code) {
    assertThatThrownBy(() -> RawMessage.canonical(bytes(message), MAX))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo(code));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
