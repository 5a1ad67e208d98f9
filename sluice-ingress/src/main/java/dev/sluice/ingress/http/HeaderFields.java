package dev.sluice.ingress.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Writes header fields (RFC 5322 §2.2) that any reader takes back unchanged: non-ASCII text as RFC
 * 2047 encoded-words, long fields folded.
 *
 * <h2>Design note</h2>
 *
 * <p>Lines are folded at 76 characters, the bound RFC 2047 §2 sets for lines that hold
 * encoded-words (RFC 5322's own is 78 recommended, 998 required). Non-ASCII text is encoded whole
 * as {@code B} words ({@code =?UTF-8?B?...?=}) cut on character boundaries: a decoder drops the
 * white space between adjacent encoded-words (RFC 2047 §6.2), so the text comes back exactly,
 * spaces included. {@code Q} words would read better for mostly-ASCII text, but need a second set
 * of rules for which characters may appear where (§5); rejected as not worth it. ASCII text that
 * contains {@code =?} is encoded too, or a reader would try to decode it.
 *
 * <p>Stateless; thread-safe.
 */
final class HeaderFields {
  /** The longest line written when there is a choice. */
  static final int LINE = 76;

  /** The longest line RFC 5322 §2.1.1 allows, without its CRLF. */
  static final int MAX_LINE = 998;

  private static final String WORD_START = "=?UTF-8?B?";
  private static final String WORD_END = "?=";

  private HeaderFields() {}

  /** Whether text must be written as encoded-words: non-ASCII, or it would look like one. */
  static boolean needsEncoding(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return true;
      }
    }
    return text.contains("=?");
  }

  /**
   * A field of unstructured text ({@code Subject}, custom fields), CRLF-terminated. The text must
   * hold no control character but tab.
   */
  static String unstructured(String name, String value) {
    if (value.isEmpty()) {
      return name + ":\r\n";
    }
    if (!needsEncoding(value)) {
      String folded = foldText(name, value);
      if (folded != null) {
        return folded;
      }
      // a run of more than 998 characters without white space: encoded-words can be cut anywhere
    }
    return foldPieces(name, encodedWords(value, LINE - name.length() - 2));
  }

  /**
   * A field the client named, CRLF-terminated, or {@code null} when an ASCII value has a run of
   * text too long to fold under 998 characters. ASCII is written as given, folded at white space
   * only, since the relay cannot know whether the field is structured (a {@code List-Unsubscribe}
   * URL must not become an encoded-word); non-ASCII, which no field may carry raw, becomes
   * encoded-words, as suits the unstructured fields custom headers usually are.
   */
  static String custom(String name, String value) {
    if (value.isEmpty()) {
      return name + ":\r\n";
    }
    if (value.chars().allMatch(c -> c < 0x80)) {
      return foldText(name, value);
    }
    return foldPieces(name, encodedWords(value, LINE - name.length() - 2));
  }

  /** An address field ({@code From}, {@code To}, ...), CRLF-terminated. */
  static String addresses(String name, List<Mailbox> mailboxes) {
    List<String> pieces = new ArrayList<>();
    for (int i = 0; i < mailboxes.size(); i++) {
      Mailbox m = mailboxes.get(i);
      String end = i < mailboxes.size() - 1 ? "," : "";
      if (m.name().isEmpty()) {
        pieces.add(m.address() + end);
        continue;
      }
      if (needsEncoding(m.name())) {
        int width = pieces.isEmpty() ? LINE - name.length() - 2 : LINE - 1;
        pieces.addAll(encodedWords(m.name(), width));
      } else if (isAtoms(m.name())) {
        for (String atom : m.name().split("[ \t]+")) {
          if (!atom.isEmpty()) {
            pieces.add(atom);
          }
        }
      } else {
        pieces.add(quoted(m.name()));
      }
      pieces.add("<" + m.address() + ">" + end);
    }
    return foldPieces(name, pieces);
  }

  /**
   * Text as {@code B} encoded-words of UTF-8, cut between characters; the first word fits in {@code
   * firstWidth} characters where it can, the others in 75.
   */
  static List<String> encodedWords(String text, int firstWidth) {
    List<String> words = new ArrayList<>();
    ByteArrayOutputStream chunk = new ByteArrayOutputStream(48);
    int capacity = capacity(firstWidth);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      byte[] b = text.substring(i, i + n).getBytes(StandardCharsets.UTF_8);
      if (chunk.size() > 0 && chunk.size() + b.length > capacity) {
        words.add(word(chunk.toByteArray()));
        chunk.reset();
        capacity = capacity(LINE - 1);
      }
      chunk.writeBytes(b);
      i += n;
    }
    if (chunk.size() > 0 || words.isEmpty()) {
      words.add(word(chunk.toByteArray()));
    }
    return words;
  }

  /** The octets of UTF-8 an encoded-word of {@code width} characters holds (at least one 4). */
  private static int capacity(int width) {
    int base64 = Math.max(width, 20) - WORD_START.length() - WORD_END.length();
    return base64 / 4 * 3;
  }

  private static String word(byte[] utf8) {
    return WORD_START + Base64.getEncoder().encodeToString(utf8) + WORD_END;
  }

  /**
   * Folds unstructured ASCII text before white space so lines keep to {@link #LINE} where a break
   * exists; {@code null} when some line would still exceed {@link #MAX_LINE}. Every character of
   * the value is kept: unfolding (removing the CRLFs) restores it.
   */
  private static String foldText(String name, String value) {
    StringBuilder out = new StringBuilder(name.length() + value.length() + 16);
    StringBuilder line = new StringBuilder(name).append(": ");
    boolean lineHasText = false;
    int pos = 0;
    while (pos < value.length()) {
      int start = pos;
      while (pos < value.length() && isWsp(value.charAt(pos))) {
        pos++;
      }
      int text = pos;
      while (pos < value.length() && !isWsp(value.charAt(pos))) {
        pos++;
      }
      boolean hasText = pos > text;
      if (lineHasText && hasText && text > start && line.length() + pos - start > LINE) {
        out.append(line).append("\r\n");
        line.setLength(0);
      }
      line.append(value, start, pos);
      lineHasText |= hasText;
      if (line.length() > MAX_LINE) {
        return null;
      }
    }
    return out.append(line).append("\r\n").toString();
  }

  /** Joins pieces with single spaces, folding between them to keep lines to {@link #LINE}. */
  private static String foldPieces(String name, List<String> pieces) {
    StringBuilder out = new StringBuilder(name.length() + pieces.size() * 40);
    StringBuilder line = new StringBuilder(name).append(':');
    boolean first = true;
    for (String piece : pieces) {
      if (!first && line.length() + 1 + piece.length() > LINE) {
        out.append(line).append("\r\n");
        line.setLength(0);
      }
      line.append(' ').append(piece);
      first = false;
    }
    return out.append(line).append("\r\n").toString();
  }

  /** Whether a display name can be written as atoms separated by spaces (RFC 5322 §3.2.3). */
  private static boolean isAtoms(String name) {
    boolean any = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (isWsp(c)) {
        continue;
      }
      if (!isAtext(c)) {
        return false;
      }
      any = true;
    }
    return any;
  }

  /** An ASCII display name as a quoted-string (RFC 5322 §3.2.4). */
  private static String quoted(String name) {
    StringBuilder b = new StringBuilder(name.length() + 8).append('"');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }

  static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }
}
