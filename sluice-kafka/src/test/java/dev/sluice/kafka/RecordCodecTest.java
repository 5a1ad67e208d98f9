package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private static final QueueId ID = new QueueId("00T47VKKST4HJJG0000");
  private static final long SEED = 0x5eed_cafeL;

  private static SpoolEntry entry(byte[] content) {
    return new SpoolEntry(
        ID,
        new Envelope("a@b.c", List.of("x@y.z", "u@v.w")),
        content.length,
        Instant.ofEpochSecond(1_700_000_000L, 5),
        "smtp",
        SpoolState.DEFERRED,
        Instant.ofEpochSecond(1_700_000_060L, 0),
        2,
        "451");
  }

  @Test
  void encode_writesTheDocumentedFormat1Bytes() {
    byte[] content = "hi".getBytes(StandardCharsets.US_ASCII);
    String golden =
        "01" // version
            + "03" // DEFERRED
            + "f8c49fd50c" // due seconds 1700000060, zig-zag varint
            + "00" // due nanos
            + "02" // attempts
            + "80c49fd50c" // received seconds 1700000000
            + "05" // received nanos
            + "056140622e63" // "a@b.c"
            + "02" // two recipients
            + "05784079"
            + "2e7a" // "x@y.z"
            + "05754076"
            + "2e77" // "u@v.w"
            + "04736d7470" // "smtp"
            + "03343531" // "451"
            + "6869"; // content
    byte[] encoded = RecordCodec.encode(entry(content), content);

    assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(golden);
    RecordCodec.Decoded d = RecordCodec.decode(ID, HexFormat.of().parseHex(golden));
    assertThat(d.entry()).isEqualTo(entry(content));
    assertThat(d.content()).isEqualTo(content);
  }

  @RepeatedTest(200)
  void decode_ofEncode_givesBackEveryField(RepetitionInfo info) {
    long seed = SEED + info.getCurrentRepetition();
    Random random = new Random(seed);
    byte[] content = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(5000)];
    random.nextBytes(content);
    List<String> recipients = new ArrayList<>();
    for (int i = 1 + random.nextInt(60); i > 0; i--) {
      recipients.add(text(random) + "@" + text(random));
    }
    SpoolState[] states = SpoolState.values();
    SpoolEntry e =
        new SpoolEntry(
            ID,
            new Envelope(random.nextBoolean() ? "" : text(random), recipients),
            content.length,
            instant(random),
            text(random),
            states[random.nextInt(states.length)],
            instant(random),
            random.nextInt(Integer.MAX_VALUE),
            text(random));

    byte[] value = RecordCodec.encode(e, content);
    RecordCodec.Decoded d = RecordCodec.decode(ID, value);

    assertThat(d.entry()).as("seed %d", seed).isEqualTo(e);
    assertThat(d.content()).as("seed %d", seed).isEqualTo(content);
    assertThat(RecordCodec.decodeEntry(ID, value)).as("seed %d", seed).isEqualTo(e);
  }

  @Test
  void decode_ofAnUnknownFormat_failsNamingTheIdAndBothVersions() {
    byte[] value = RecordCodec.encode(entry(new byte[0]), new byte[0]);
    value[0] = 7;
    assertThatThrownBy(() -> RecordCodec.decode(ID, value))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining(ID.value())
        .hasMessageContaining("format 7")
        .hasMessageContaining("reads format 1");
  }

  @Test
  void decode_ofACutOrEmptyValue_failsAsDamaged() {
    byte[] content = "hello".getBytes(StandardCharsets.US_ASCII);
    byte[] value = RecordCodec.encode(entry(content), content);
    int header = value.length - content.length;
    for (int cut = 1; cut < header; cut++) {
      byte[] shorter = Arrays.copyOf(value, cut);
      assertThatThrownBy(() -> RecordCodec.decode(ID, shorter))
          .as("cut at %d", cut)
          .isInstanceOf(SpoolException.class)
          .hasMessageContaining(ID.value());
    }
    assertThatThrownBy(() -> RecordCodec.decode(ID, new byte[0]))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("no value");
  }

  private static Instant instant(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> Instant.MIN;
      case 1 -> Instant.MAX;
      default ->
          Instant.ofEpochSecond(
              random.nextLong(-10_000_000_000L, 10_000_000_000L), random.nextInt(1_000_000_000));
    };
  }

  private static String text(Random random) {
    String alphabet = "abcXYZ09.-_ üß€\r\n\u0000";
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(30); i > 0; i--) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    if (random.nextInt(10) == 0) {
      sb.appendCodePoint(0x1F600); // outside the BMP: a surrogate pair, 4 octets of UTF-8
    }
    return sb.toString();
  }
}
