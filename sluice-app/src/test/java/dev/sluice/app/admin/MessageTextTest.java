package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageTextTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void of_headersOnly_endsBeforeTheEmptyLine() {
    MessageText crlf = MessageText.of(b("A: 1\r\nB: 2\r\n\r\nbody\r\n"), true, -1);
    assertThat(crlf.text()).isEqualTo("A: 1\r\nB: 2\r\n");
    assertThat(crlf.partOctets()).isEqualTo(12);
    assertThat(crlf.cut()).isFalse();
    assertThat(MessageText.of(b("A: 1\n\nbody\n"), true, -1).text()).isEqualTo("A: 1\n");
    assertThat(MessageText.of(b("A: 1\r\nB: 2\r\n"), true, -1).text())
        .as("no body: all of it is headers")
        .isEqualTo("A: 1\r\nB: 2\r\n");
    assertThat(MessageText.of(b("\r\nbody only\r\n"), true, -1).text()).isEmpty();
    assertThat(MessageText.of(b(""), true, -1).text()).isEmpty();
  }

  @Test
  void of_whole_cutsAtMaxAndSaysSo() {
    MessageText m = MessageText.of(b("A: 1\r\n\r\nbody\r\n"), false, 5);
    assertThat(m.text()).isEqualTo("A: 1\r");
    assertThat(m.shownOctets()).isEqualTo(5);
    assertThat(m.partOctets()).isEqualTo(14);
    assertThat(m.cut()).isTrue();
    assertThat(MessageText.of(b("A: 1\r\n\r\nbody\r\n"), false, 14).cut()).isFalse();
    assertThat(MessageText.of(b("A: 1\r\n\r\nbody\r\n"), false, 0).text()).isEmpty();
  }

  @Test
  void of_neverSplitsAUtf8Sequence_overRandomTextAndBounds() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    String[] pieces = {"a", "é", "€", "𝄞", "\r\n", " "};
    for (int round = 0; round < 2_000; round++) {
      StringBuilder s = new StringBuilder();
      int n = r.nextInt(40);
      for (int i = 0; i < n; i++) {
        s.append(pieces[r.nextInt(pieces.length)]);
      }
      byte[] content = b(s.toString());
      int max = r.nextInt(content.length + 2);
      MessageText m = MessageText.of(content, false, max);
      assertThat(m.shownOctets()).as("seed %d", seed).isLessThanOrEqualTo(max);
      assertThat(m.shownOctets()).as("seed %d", seed).isGreaterThan(max - 4L);
      assertThat(b(m.text()))
          .as("seed %d: the text is exactly the octets kept, whole characters", seed)
          .isEqualTo(Arrays.copyOf(content, (int) m.shownOctets()));
      assertThat(m.cut()).as("seed %d", seed).isEqualTo(m.shownOctets() < content.length);
    }
  }
}
