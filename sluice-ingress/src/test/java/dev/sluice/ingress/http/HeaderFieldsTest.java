package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {
  @Test
  void unstructured_shortAscii_isWrittenAsIs() {
    assertThat(HeaderFields.unstructured("Subject", "Hello there"))
        .isEqualTo("Subject: Hello there\r\n");
    assertThat(HeaderFields.unstructured("Subject", "")).isEqualTo("Subject:\r\n");
  }

  @Test
  void unstructured_longAscii_foldsBeforeWhiteSpace() {
    String value = ("word ".repeat(40)).strip();
    String field = HeaderFields.unstructured("Subject", value);
    assertThat(field.split("\r\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(76));
    assertThat(field.replace("\r\n", "")).isEqualTo("Subject: " + value);
  }

  @Test
  void unstructured_nonAscii_isEncodedWords() {
    String field = HeaderFields.unstructured("Subject", "Grüße");
    assertThat(field).isEqualTo("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n");
  }

  @Test
  void unstructured_asciiThatLooksEncoded_isEncodedToo() throws Exception {
    String field = HeaderFields.unstructured("Subject", "=?UTF-8?B?eA==?=");
    assertThat(field).startsWith("Subject: =?UTF-8?B?");
    assertThat(MimeUtility.decodeText(value(field, "Subject"))).isEqualTo("=?UTF-8?B?eA==?=");
  }

  @Test
  void unstructured_runLongerThan998_isEncodedAndFolded() throws Exception {
    String value = "x".repeat(2000);
    String field = HeaderFields.unstructured("X-Long", value);
    assertThat(field.split("\r\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(76));
    assertThat(MimeUtility.decodeText(value(field, "X-Long"))).isEqualTo(value);
  }

  @Test
  void custom_asciiIsKeptAsGiven_nonAsciiEncoded_unfoldableRefused() throws Exception {
    String url = "<https://example.com/unsubscribe?a=?b&id=" + "9".repeat(100) + ">";
    assertThat(HeaderFields.custom("List-Unsubscribe", url))
        .isEqualTo("List-Unsubscribe: " + url + "\r\n");
    String field = HeaderFields.custom("X-Note", "Grüße");
    assertThat(MimeUtility.decodeText(value(field, "X-Note"))).isEqualTo("Grüße");
    assertThat(HeaderFields.custom("X-Id", "x".repeat(992))).isNotNull(); // 998 in all
    assertThat(HeaderFields.custom("X-Id", "x".repeat(993))).isNull();
    assertThat(HeaderFields.custom("X-Id", "x".repeat(500) + " " + "y".repeat(500)))
        .isEqualTo("X-Id: " + "x".repeat(500) + "\r\n " + "y".repeat(500) + "\r\n");
    assertThat(HeaderFields.custom("X-Empty", "")).isEqualTo("X-Empty:\r\n");
  }

  @RepeatedTest(300)
  void unstructured_randomText_comesBackExactly(RepetitionInfo info) throws Exception {
    long seed = 0xF1E1DL + info.getCurrentRepetition();
    String text = TextSamples.text(new Random(seed), 60, false);
    String field = HeaderFields.unstructured("Subject", text);
    String where = "seed " + seed + ", text [" + text + "]";
    checkLines(field, where);
    String decoded = MimeUtility.decodeText(value(field, "Subject"));
    assertThat(decoded).as(where).isEqualTo(text);
  }

  @RepeatedTest(200)
  void addresses_randomNames_parseBackToTheSameMailboxes(RepetitionInfo info) throws Exception {
    long seed = 0xADD5L + info.getCurrentRepetition();
    Random random = new Random(seed);
    List<Mailbox> list = new ArrayList<>();
    int n = 1 + random.nextInt(6);
    for (int i = 0; i < n; i++) {
      String name = name(random);
      list.add(new Mailbox(name, "user" + i + "@example" + i + ".com"));
    }
    String field = HeaderFields.addresses("To", list);
    String where = "seed " + seed + ", mailboxes " + list;
    checkLines(field, where);
    InternetAddress[] parsed = InternetAddress.parseHeader(value(field, "To"), true);
    assertThat(parsed).as(where).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(parsed[i].getAddress()).as(where).isEqualTo(list.get(i).address());
      String personal = parsed[i].getPersonal() == null ? "" : parsed[i].getPersonal();
      assertThat(personal).as(where).isEqualTo(list.get(i).name());
    }
  }

  @Test
  void addresses_specialsInName_areQuoted() {
    String field =
        HeaderFields.addresses("From", List.of(new Mailbox("Doe, \"J\" \\o/", "j@example.com")));
    assertThat(field).isEqualTo("From: \"Doe, \\\"J\\\" \\\\o/\" <j@example.com>\r\n");
  }

  @Test
  void addresses_atomName_isPlain() {
    String field =
        HeaderFields.addresses(
            "From",
            List.of(new Mailbox("Jane Doe", "j@example.com"), new Mailbox("", "k@example.com")));
    assertThat(field).isEqualTo("From: Jane Doe <j@example.com>, k@example.com\r\n");
  }

  /** Display names without leading, trailing or doubled white space (atoms would lose it). */
  private static String name(Random random) {
    String[] words = {"Jane", "Doe", "Zoë", "日本", "O'Brien", "Doe,", "J.", "\"Q\"", "a\\b", "=?"};
    int n = random.nextInt(4);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add(words[random.nextInt(words.length)]);
    }
    return String.join(" ", parts);
  }

  private static void checkLines(String field, String where) {
    assertThat(field).as(where).endsWith("\r\n");
    assertThat(field.chars().allMatch(c -> c < 0x80)).as(where).isTrue();
    String[] lines = field.substring(0, field.length() - 2).split("\r\n", -1);
    for (int i = 0; i < lines.length; i++) {
      assertThat(lines[i].length()).as(where).isLessThanOrEqualTo(HeaderFields.MAX_LINE);
      assertThat(lines[i]).as(where).doesNotContain("\r").doesNotContain("\n");
      if (i > 0) {
        assertThat(lines[i]).as(where).matches("[ \t].*\\S.*"); // a continuation with text
      }
      if (lines[i].contains("=?UTF-8?")) {
        assertThat(lines[i].length()).as(where).isLessThanOrEqualTo(76);
      }
    }
  }

  /** The field's value, unfolded, without "Name: ". */
  private static String value(String field, String name) {
    String unfolded = field.substring(0, field.length() - 2).replace("\r\n", "");
    assertThat(unfolded).startsWith(name + ":");
    String v = unfolded.substring(name.length() + 1);
    return v.startsWith(" ") ? v.substring(1) : v;
  }
}
