package dev.sluice.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SMTP session's input: {@link LineReader} reading the lines of one 2 KB message's DATA, and
 * {@link DataReader} reading it to its final "." as a session does (dot-unstuffing, checks, the
 * message copy), beside the JDK's {@code BufferedReader.readLine} over the same octets as the
 * baseline. Each operation is one whole message (32 lines of 64 octets plus the final "."), read
 * from an endless stream that repeats it, so every reader is made once and reused as a session
 * reuses its own. The benchmark sits in the reader's package because the reader is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LineReaderBench {
  private static final int LINES = 33;

  private byte[] data;
  private LineReader reader;
  private BufferedReader jdk;

  /** Builds the message: 32 text lines of 62 octets and CRLF, then the ending "." line. */
  @Setup
  public void setUp() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      String line = (i % 8 == 0 ? "." : "") + "line " + i + " of a message body ";
      b.append((line + "x".repeat(62)), 0, 62).append("\r\n");
    }
    b.append(".\r\n");
    data = b.toString().getBytes(StandardCharsets.US_ASCII);
    reader = new LineReader(new Repeating(data), () -> {}, n -> {});
    jdk =
        new BufferedReader(new InputStreamReader(new Repeating(data), StandardCharsets.ISO_8859_1));
  }

  /** Every line of one message through the session's reader; returns the octets seen. */
  @Benchmark
  public long lineReader() throws IOException {
    long total = 0;
    for (int i = 0; i < LINES; i++) {
      reader.readLine(1000);
      total += reader.length();
    }
    return total;
  }

  /** The DATA phase as the session runs it: the message read to its "." and copied out. */
  @Benchmark
  public DataReader.Body dataReader() throws IOException {
    return DataReader.read(reader, 1000, 1 << 20);
  }

  /** Baseline: the JDK's line reader over the same octets, decoded as ISO-8859-1. */
  @Benchmark
  public long bufferedReaderReadLine() throws IOException {
    long total = 0;
    for (int i = 0; i < LINES; i++) {
      total += jdk.readLine().length();
    }
    return total;
  }

  /** An endless stream of one message over and over. Not thread-safe. */
  static final class Repeating extends InputStream {
    private final byte[] data;
    private int pos;

    Repeating(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      int b = data[pos] & 0xff;
      pos = (pos + 1) % data.length;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = Math.min(len, data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos = (pos + n) % data.length;
      return n;
    }
  }
}
