package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCheckTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "From: a@b.example\r\n\r\n",
        "From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n",
        "fROM: a@b.example\n\nlf only\n",
        "Subject: x\r\n\tfolded\r\nFrom: a@b.example\r\n\r\nend without a line break",
        "From:a@b.example\r\n\r\nFrom here on it is body\r\n"
      })
  void check_messagesSesTakes_pass(String message) {
    assertThat(MessageCheck.check(bytes(message))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                             | EMPTY",
        "'\\r\\nbody only\\r\\n'                             | NO_HEADER_SECTION",
        "'just a body\\r\\n'                               | NO_HEADER_SECTION",
        "'From a@b.example Sat Jan  1 00:00:00 2000\\r\\nFrom: a@b\\r\\n\\r\\n' | NO_HEADER_SECTION",
        "' folded: first\\r\\nFrom: a@b\\r\\n\\r\\n'           | NO_HEADER_SECTION",
        "'Subject: x\\r\\nnot a field\\r\\n\\r\\n'             | NOT_A_HEADER_FIELD",
        "'From: a@b.example\\r\\nSubject: x\\r\\n'           | NO_BODY_SEPARATOR",
        "'From: a@b.example'                             | NO_BODY_SEPARATOR",
        "'Subject: no author\\r\\n\\r\\nbody\\r\\n'            | NO_FROM",
        "'Subject: x\\r\\n\\r\\nFrom: a@b.example\\r\\n'       | NO_FROM",
        "'X-From: a@b.example\\r\\n\\r\\nx\\r\\n'              | NO_FROM",
      })
  void check_messagesSesRefuses_areNamed(String message, MessageCheck.Problem problem) {
    String m = message.replace("\\r", "\r").replace("\\n", "\n");
    assertThat(MessageCheck.check(bytes(m)))
        .hasValueSatisfying(r -> assertThat(r.problem()).isEqualTo(problem));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "x\u0000", "From: a@b.example\u0000"})
  void check_nulOctet_isRefusedWithItsLine(String line) {
    byte[] m = bytes("From: a@b.example\r\nSubject: s\r\n\r\nbody\r\n" + line + "\r\nmore\r\n");
    Optional<MessageCheck.Refusal> r = MessageCheck.check(m);
    assertThat(r).isPresent();
    assertThat(r.get().problem()).isEqualTo(MessageCheck.Problem.NUL);
    assertThat(r.get().text())
        .isEqualTo(
            "Line 5 holds a NUL octet, which SES cannot take in a raw message;"
                + " send binary content base64-encoded");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r\n", "\n"})
  void check_lineOf1000WithItsEnding_passesAnd1001IsRefused(String ending) {
    String head = "From: a@b.example" + ending + ending;
    assertThat(MessageCheck.check(bytes(head + "x".repeat(998) + ending))).isEmpty();
    assertThat(MessageCheck.check(bytes(head + "x".repeat(999) + ending)))
        .hasValueSatisfying(
            r -> assertThat(r.text()).isEqualTo("Line 3 is longer than 1000 octets with its CRLF"));
  }

  @RepeatedTest(100)
  void check_randomBinaryBody_passesExactlyWhenItHasNoNulAndNoLongLine(RepetitionInfo info) {
    long seed = 0xC4EC6L * 13 + info.getCurrentRepetition();
    Random random = new Random(seed);
    StringBuilder m = new StringBuilder("From: a@b.example\r\nSubject: s\r\n\r\n");
    boolean nul = false;
    boolean longLine = false;
    int lines = random.nextInt(20);
    for (int i = 0; i < lines; i++) {
      int n = random.nextInt(random.nextInt(10) == 0 ? 1100 : 200);
      longLine |= n + 2 > 1000;
      for (int j = 0; j < n; j++) {
        char c;
        do {
          c = (char) random.nextInt(256);
        } while (c == '\n' || (c == 0 && random.nextInt(20) != 0));
        nul |= c == 0;
        m.append(c);
      }
      m.append("\r\n");
    }
    Optional<MessageCheck.Refusal> r = MessageCheck.check(bytes(m.toString()));
    assertThat(r.isPresent()).as("seed " + seed).isEqualTo(nul || longLine);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
