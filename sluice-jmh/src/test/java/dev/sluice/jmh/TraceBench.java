package dev.sluice.jmh;

import dev.sluice.ingress.MessageCheck;
import dev.sluice.ingress.SesHeaderRules;
import dev.sluice.ingress.Trace;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
 * The per-message header work of the SMTP door on a 2 KB message: the {@code Received:} trace field
 * ({@link Trace#received}, then {@link Trace#prepend}), beside its parts (the date alone, in the
 * field's pattern, and a bare copy: a new array the size of the result, the least any prepend can
 * cost), and the checks the door makes before it ({@link MessageCheck#check} and {@link
 * SesHeaderRules#check}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TraceBench {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private InetAddress client;
  private List<String> recipients;
  private byte[] message;
  private Instant at;

  /** A loopback client, one recipient, a 2 KB message with the headers smtp-source writes. */
  @Setup
  public void setUp() throws UnknownHostException {
    client = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    recipients = List.of("rcpt@example.net");
    StringBuilder b =
        new StringBuilder(
            "From: <sender@example.com>\r\nTo: <rcpt@example.net>\r\n"
                + "Date: Sun, 6 Dec 2026 10:00:00 +0000\r\n"
                + "Message-Id: <1234.5678@client.example>\r\nSubject: bench\r\n\r\n");
    while (b.length() < 2048) {
      b.append("La de da de da 1.La de da de da 2.La de da de da 3.La de da de da 4.\r\n");
    }
    message = b.toString().getBytes(StandardCharsets.US_ASCII);
    if (headerChecks().isPresent()) {
      throw new IllegalStateException("the door refuses the message: " + headerChecks().get());
    }
    at = Instant.parse("2026-12-06T10:00:00.123Z");
  }

  /** The field and the message with it in front, as each accepted message pays. */
  @Benchmark
  public byte[] receivedAndPrepend() {
    String field =
        Trace.received("client.example", client, "relay.example", "ESMTP", recipients, at);
    return Trace.prepend(field, message);
  }

  /** The field alone. */
  @Benchmark
  public String received() {
    return Trace.received("client.example", client, "relay.example", "ESMTP", recipients, at);
  }

  /** The checks before the field: line lengths and endings, then the SES header rules. */
  @Benchmark
  public Optional<MessageCheck.Refusal> headerChecks() {
    Optional<MessageCheck.Refusal> r = MessageCheck.check(message);
    return r.isPresent() ? r : SesHeaderRules.DEFAULT.check(message);
  }

  /** Part: the field's date alone. */
  @Benchmark
  public String dateOnly() {
    return DATE.format(at);
  }

  /** Baseline: a new array as long as the result, filled from the message. */
  @Benchmark
  public byte[] copyOnly() {
    byte[] out = new byte[message.length + 120];
    System.arraycopy(message, 0, out, 120, message.length);
    return out;
  }
}
