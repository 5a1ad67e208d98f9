package dev.sluice.core.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageTagsTest {
  private static final String ALLOWED =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
  private static final String REFUSED = " .=,:;/+@!\"'<>\t\u00e9\u0000~";

  private static String valid(Random r, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALLOWED.charAt(r.nextInt(ALLOWED.length())));
    }
    return sb.toString();
  }

  private static String withRefused(Random r, int length) {
    StringBuilder sb = new StringBuilder(valid(r, length));
    sb.setCharAt(r.nextInt(length), REFUSED.charAt(r.nextInt(REFUSED.length())));
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 255, 256})
  void problem_nameOfAllowedLength_passes(int length) {
    String name = valid(new Random(length), length);
    assertThat(MessageTags.problem(name, "v")).isNull();
  }

  @Test
  void problem_emptyName_isRefusedInSesWords() {
    assertThat(MessageTags.problem("", "v"))
        .isEqualTo(
            "Invalid tag name <>: only alphanumeric ASCII characters, '_', '-' are allowed.");
  }

  @Test
  void problem_name257Chars_isRefused() {
    String name = "n".repeat(257);
    assertThat(MessageTags.problem(name, "v")).startsWith("Invalid tag name <" + name + ">");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 255, 256})
  void problem_valueOfAllowedLength_passes(int length) {
    assertThat(MessageTags.problem("n", valid(new Random(length), length))).isNull();
  }

  @Test
  void problem_value257Chars_isRefusedInSesWords() {
    String value = "v".repeat(257);
    assertThat(MessageTags.problem("n", value))
        .isEqualTo(
            "Invalid tag value <"
                + value
                + ">: only alphanumeric ASCII characters, '_', '-' are allowed.");
  }

  @RepeatedTest(200)
  void problem_generatedNamesAndValues_followSesRule(RepetitionInfo info) {
    long seed = 0x7a6L * info.getCurrentRepetition();
    Random r = new Random(seed);
    String name = valid(r, 1 + r.nextInt(256));
    String value = valid(r, r.nextInt(257));
    assertThat(MessageTags.problem(name, value)).as("seed %d", seed).isNull();
    String badName = withRefused(r, 1 + r.nextInt(256));
    assertThat(MessageTags.problem(badName, value))
        .as("seed %d", seed)
        .startsWith("Invalid tag name <");
    String badValue = withRefused(r, 1 + r.nextInt(256));
    assertThat(MessageTags.problem(name, badValue))
        .as("seed %d", seed)
        .startsWith("Invalid tag value <");
    String tooLong = valid(r, 257 + r.nextInt(100));
    assertThat(MessageTags.problem(tooLong, value)).as("seed %d", seed).isNotNull();
    assertThat(MessageTags.problem(name, tooLong)).as("seed %d", seed).isNotNull();
  }

  @RepeatedTest(100)
  void fromHeader_generatedTags_roundTripThroughToHeader(RepetitionInfo info) {
    long seed = 0x5e5L * info.getCurrentRepetition();
    Random r = new Random(seed);
    List<MessageTag> tags = new ArrayList<>();
    int count = 1 + r.nextInt(MessageTags.MAX_TAGS);
    for (int i = 0; i < count; i++) {
      tags.add(new MessageTag(valid(r, 1 + r.nextInt(40)), valid(r, r.nextInt(40))));
    }
    assertThat(MessageTags.fromHeader(MessageTags.toHeader(tags)))
        .as("seed %d", seed)
        .isEqualTo(tags);
  }

  @Test
  void fromHeader_spacesAroundPartsAndBlankValue_areTaken() {
    assertThat(MessageTags.fromHeader("  a=b ,c = d,e="))
        .containsExactly(
            new MessageTag("a", "b"), new MessageTag("c", "d"), new MessageTag("e", ""));
    assertThat(MessageTags.fromHeader("  ")).isEmpty();
    assertThat(MessageTags.fromHeader(null)).isEmpty();
  }

  @Test
  void fromHeader_partWithoutEquals_isRefusedNamingThePart() {
    assertThatThrownBy(() -> MessageTags.fromHeader("a=b, campaign"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid X-SES-MESSAGE-TAGS header: expected name=value, got <campaign>.");
  }

  @Test
  void fromHeader_emptyPartFromTrailingComma_isRefused() {
    assertThatThrownBy(() -> MessageTags.fromHeader("a=b,"))
        .hasMessage("Invalid X-SES-MESSAGE-TAGS header: expected name=value, got <>.");
  }

  @Test
  void fromHeader_fiftyTags_passAndFiftyOne_areRefused() {
    List<MessageTag> tags = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      tags.add(new MessageTag("t" + i, "v"));
    }
    assertThat(MessageTags.fromHeader(MessageTags.toHeader(tags.subList(0, 50)))).hasSize(50);
    assertThatThrownBy(() -> MessageTags.fromHeader(MessageTags.toHeader(tags)))
        .hasMessage("Too many message tags: 51, at most 50 are allowed.");
    assertThat(MessageTags.problem(tags.subList(0, 50))).isNull();
  }
}
