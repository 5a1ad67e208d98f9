package dev.sluice.simulator.mime;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodedWordsTest {
  @Test
  void decode_base64AndQ_giveTheText() {
    assertThat(EncodedWords.decode("=?UTF-8?B?SMOpbGxv?=")).isEqualTo("Héllo");
    assertThat(EncodedWords.decode("=?iso-8859-1?q?caf=E9_au_lait?=")).isEqualTo("café au lait");
    assertThat(EncodedWords.decode("Re: =?utf-8?Q?na=C3=AFve?= idea")).isEqualTo("Re: naïve idea");
  }

  @Test
  void decode_adjacentWords_dropTheSpaceBetweenThemAndJoinSplitCharacters() {
    // "é" is C3 A9 in UTF-8, split across two words as some senders do.
    assertThat(EncodedWords.decode("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?=")).isEqualTo("café");
    assertThat(EncodedWords.decode("=?UTF-8?B?YQ==?=\r\n =?UTF-8?B?Yg==?=")).isEqualTo("ab");
    assertThat(EncodedWords.decode("=?UTF-8?B?YQ==?= x =?UTF-8?B?Yg==?=")).isEqualTo("a x b");
  }

  @Test
  void decode_unknownCharsetOrBadEncoding_leavesTheWord() {
    assertThat(EncodedWords.decode("=?x-nonesuch?B?YQ==?=")).isEqualTo("=?x-nonesuch?B?YQ==?=");
    assertThat(EncodedWords.decode("=?UTF-8?Q?bad=ZZ?=")).isEqualTo("=?UTF-8?Q?bad=ZZ?=");
    assertThat(EncodedWords.decode("plain")).isEqualTo("plain");
    assertThat(EncodedWords.decode(null)).isNull();
  }

  @Test
  void decode_whatAngusMailEncodes_roundTrips() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    String alphabet = "abc XYZ éü€ 日本 😀=?_\t";
    for (int n = 0; n < 300; n++) {
      StringBuilder s = new StringBuilder();
      int len = 1 + r.nextInt(80);
      for (int i = 0; i < len; i++) {
        s.appendCodePoint(
            alphabet.codePointAt(
                alphabet.offsetByCodePoints(
                    0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
      }
      String text = s.toString().strip();
      String encoding = r.nextBoolean() ? "B" : "Q";
      String encoded = MimeUtility.encodeText(text, "UTF-8", encoding);
      assertThat(EncodedWords.decode(MimeUtility.fold(9, encoded)))
          .as("seed %d, %s", seed, encoded)
          .isEqualTo(text);
    }
  }
}
