package dev.sluice.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DataEncoderTest {
  private static String encode(String content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataEncoder.write(content.getBytes(StandardCharsets.ISO_8859_1), out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void write_leadingDots_areDoubled() throws IOException {
    assertThat(encode(".a\r\nb.\r\n..c\r\n")).isEqualTo("..a\r\nb.\r\n...c\r\n.\r\n");
  }

  @Test
  void write_lineOfOneDot_isStuffedNotTerminating() throws IOException {
    assertThat(encode("a\r\n.\r\nb\r\n")).isEqualTo("a\r\n..\r\nb\r\n.\r\n");
  }

  @Test
  void write_bareLfAndBareCr_becomeCrlf() throws IOException {
    assertThat(encode("a\nb\rc\r\n\n.d")).isEqualTo("a\r\nb\r\nc\r\n\r\n..d\r\n.\r\n");
  }

  @Test
  void write_noFinalLineEnd_getsOne() throws IOException {
    assertThat(encode("Subject: x\r\n\r\nbody")).isEqualTo("Subject: x\r\n\r\nbody\r\n.\r\n");
  }

  @Test
  void write_empty_isJustTheTerminator() throws IOException {
    assertThat(encode("")).isEqualTo(".\r\n");
  }

  @Test
  void measure_countsNormalizedOctetsWithoutStuffing() {
    byte[] c = ".a\nb\r\n\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    DataEncoder.Measure m = DataEncoder.measure(c);
    assertThat(m.size()).isEqualTo(".a\r\nb\r\n\u00e9\r\n".length());
    assertThat(m.eightBit()).isTrue();
    assertThat(DataEncoder.measure("a\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(new DataEncoder.Measure(3, false));
  }

  /** Random content survives encode, unstuff and measure, in the way a server reads it. */
  @Test
  void write_randomContent_unstuffsToNormalizedContent() throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String alphabet = ".\r\n ab\u00ff";
    for (int round = 0; round < 500; round++) {
      int n = random.nextInt(60);
      StringBuilder sb = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String content = sb.toString();
      String wire = encode(content);
      String expected = normalize(content);
      assertThat(wire.equals(".\r\n") || wire.endsWith("\r\n.\r\n"))
          .as("seed %d, content %s ends with the terminator", seed, escape(content))
          .isTrue();
      assertThat(unstuff(wire))
          .as("seed %d, content %s", seed, escape(content))
          .isEqualTo(expected);
      assertThat(DataEncoder.measure(content.getBytes(StandardCharsets.ISO_8859_1)).size())
          .as("seed %d, content %s", seed, escape(content))
          .isEqualTo(expected.length());
    }
  }

  private static String normalize(String s) {
    String t = s.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    return t.isEmpty() || t.endsWith("\r\n") ? t : t + "\r\n";
  }

  /** The server's side (RFC 5321 §4.5.2): drop the terminator, then one leading dot per line. */
  private static String unstuff(String wire) {
    String body = wire.substring(0, wire.length() - 3);
    StringBuilder out = new StringBuilder();
    for (String line : body.split("(?<=\r\n)", -1)) {
      assertThat(line.equals(".\r\n")).as("a lone dot line would end the data early").isFalse();
      out.append(line.startsWith(".") ? line.substring(1) : line);
    }
    return out.toString();
  }

  private static String escape(String s) {
    return "'" + s.replace("\r", "\\r").replace("\n", "\\n") + "'";
  }
}
