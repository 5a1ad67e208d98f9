package dev.sluice.simulator.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageIdsTest {
  private static final Pattern SPEC_SHAPE =
      Pattern.compile(
          "^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\\d{6}$");
  private static final Pattern UUID_V4 =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  private static final long JAN_15 = Instant.parse("2024-01-15T12:00:00.123Z").toEpochMilli();

  @Test
  void messageId_any_matchesSpecShapeAndLength() {
    for (int i = 0; i < 1_000; i++) {
      String id = MessageIds.messageId("us-east-1", JAN_15 + i);

      assertThat(id).hasSize(60).matches(SPEC_SHAPE);
      assertThat(id.substring(17, 53)).matches(UUID_V4);
      assertThat(id).endsWith("-000000");
    }
  }

  @Test
  void messageId_epochMillis_decodeBack() {
    for (long millis : new long[] {0L, 1L, JAN_15, 0x01378603177fL, (1L << 48) - 1}) {
      assertThat(MessageIds.epochMillis(MessageIds.messageId("eu-west-1", millis)))
          .isEqualTo(millis);
    }
  }

  @Test
  void messageId_specExample_decodesToDocumentedTime() {
    // ses-wire.md §10: 01378603177f is 2012-05-25T21:59:38.623Z.
    long millis =
        MessageIds.epochMillis("000001378603177f-163e3910-53eb-4c8e-a04a-f29debf88a84-000000");

    assertThat(Instant.ofEpochMilli(millis)).isEqualTo(Instant.parse("2012-05-25T21:59:38.623Z"));
    assertThat(MessageIds.messageId("us-east-1", 0x01378603177fL)).startsWith("010001378603177f-");
  }

  @ParameterizedTest
  @CsvSource({
    "us-east-1, 0100",
    "us-west-2, 0101",
    "eu-west-1, 0102",
    "eu-central-1, 0107",
    "ap-southeast-2, 0100",
  })
  void messageId_region_prefixFromTable(String region, String prefix) {
    assertThat(MessageIds.messageId(region, JAN_15)).startsWith(prefix + "018d0cfe2a7b-");
    assertThat(MessageIds.regionPrefix(region)).isEqualTo(prefix);
  }

  @Test
  void messageId_manyCalls_unique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertThat(seen.add(MessageIds.messageId("us-east-1", JAN_15))).isTrue();
    }
  }

  @Test
  void messageId_timeOutOfRange_rejected() {
    assertThatThrownBy(() -> MessageIds.messageId("us-east-1", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MessageIds.messageId("us-east-1", 1L << 48))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void epochMillis_notAMessageId_rejected() {
    assertThatThrownBy(() -> MessageIds.epochMillis("ses-123456789"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MessageIds.epochMillis(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requestId_any_lowerCaseUuidV4() {
    for (int i = 0; i < 1_000; i++) {
      String id = MessageIds.requestId();

      assertThat(id).hasSize(36).matches(UUID_V4);
      assertThat(UUID.fromString(id).version()).isEqualTo(4);
      assertThat(UUID.fromString(id).variant()).isEqualTo(2);
    }
  }
}
