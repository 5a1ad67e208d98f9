package dev.sluice.ingress.http;

import java.util.Random;

/** Random text for property-style tests: ASCII, white space, line breaks, Latin, CJK, emoji. */
final class TextSamples {
  private static final String[] PIECES = {
    "a", "Z", "0", " ", "  ", "\t", "=", "=?", "?=", ".", "From ", "\r\n", "\n", "\r", "é", "ß",
    "ü", "€", "日本", "語", "😀", "\"", "\\", ",", "<", ">", "@", ";", "_", "-"
  };

  private TextSamples() {}

  /** A string of up to {@code maxPieces} random pieces. */
  static String text(Random random, int maxPieces, boolean lineBreaks) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      String p = PIECES[random.nextInt(PIECES.length)];
      if (!lineBreaks && (p.indexOf('\r') >= 0 || p.indexOf('\n') >= 0)) {
        continue;
      }
      if (random.nextInt(20) == 0) {
        p = p.repeat(1 + random.nextInt(120)); // long runs, to force folding and soft breaks
      }
      b.append(p);
    }
    return b.toString();
  }
}
