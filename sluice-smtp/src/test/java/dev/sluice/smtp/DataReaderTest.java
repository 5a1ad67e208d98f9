package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DataReaderTest {
  private static DataReader.Body read(String wire, long maxSize) throws IOException {
    LineReader in =
        new LineReader(
            new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)),
            () -> {},
            n -> {});
    return DataReader.read(in, 1000, maxSize);
  }

  private static String text(DataReader.Body body) {
    return new String(body.message(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void read_dotStuffedLines_areUnstuffed() throws IOException {
    DataReader.Body b = read("Subject: x\r\n\r\n..hidden\r\n...\r\n.\r\n", 1000);
    assertThat(b.problem()).isEqualTo(DataReader.Problem.NONE);
    assertThat(text(b)).isEqualTo("Subject: x\r\n\r\n.hidden\r\n..\r\n");
  }

  @Test
  void read_emptyMessage_isEmpty() throws IOException {
    assertThat(read(".\r\n", 10).message()).isEmpty();
  }

  @Test
  void read_endOfStreamBeforeDot_returnsNull() throws IOException {
    assertThat(read("line\r\nmore", 1000)).isNull();
  }

  @Test
  void read_overSize_isTooBigAndReadsToEnd() throws IOException {
    DataReader.Body b = read("0123456789\r\n0123456789\r\n.\r\n", 20);
    assertThat(b.problem()).isEqualTo(DataReader.Problem.TOO_BIG);
  }

  @Test
  void read_exactlyAtSize_isAccepted() throws IOException {
    assertThat(read("12345678\r\n.\r\n", 10).problem()).isEqualTo(DataReader.Problem.NONE);
  }

  @Test
  void read_bareLf_isRefusedAndBareDotDoesNotEnd() throws IOException {
    // "\n.\n" must not end the data (SMTP smuggling); only CRLF.CRLF does.
    DataReader.Body b = read("a\n.\nMAIL FROM:<x@y.example>\r\n.\r\n", 1000);
    assertThat(b.problem()).isEqualTo(DataReader.Problem.BARE_NEWLINE);
  }

  @Test
  void read_dotCrlfAfterBareLf_doesNotEnd() throws IOException {
    DataReader.Body b = read("a\n.\r\nstill data\r\n.\r\n", 1000);
    assertThat(b.problem()).isEqualTo(DataReader.Problem.BARE_NEWLINE);
  }

  @Test
  void read_bareCr_isRefused() throws IOException {
    assertThat(read("a\rb\r\n.\r\n", 1000).problem()).isEqualTo(DataReader.Problem.BARE_NEWLINE);
  }

  @Test
  void read_lineOf1000WithCrlf_isAcceptedAnd1001IsTooLong() throws IOException {
    String ok = "x".repeat(998);
    assertThat(read(ok + "\r\n.\r\n", 10_000).problem()).isEqualTo(DataReader.Problem.NONE);
    assertThat(read(ok + "x\r\n.\r\n", 10_000).problem())
        .isEqualTo(DataReader.Problem.LINE_TOO_LONG);
  }

  @Test
  void read_eightBitContent_isKeptByteForByte() throws IOException {
    DataReader.Body b = read("caf\u00e9 \u00ff\r\n.\r\n", 1000);
    assertThat(text(b)).isEqualTo("caf\u00e9 \u00ff\r\n");
  }
}
