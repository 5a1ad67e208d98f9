package dev.sluice.app.admin;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The part of a spooled message an operator asked to see, as text and cut to a bound: its header
 * section (what {@code sluice queue show} prints by default, as Postfix's {@code postcat -q} heads
 * its output) or the whole message. The admin API and the offline {@code sluice queue show} cut the
 * same way, so a 40 MB message never becomes 40 MB of output unless asked for.
 *
 * @param text the octets shown, decoded as UTF-8 (invalid sequences become U+FFFD)
 * @param headersOnly true when the part is the header section, false for the whole message
 * @param shownOctets how many octets of the part {@link #text} holds
 * @param partOctets how many octets the part has in the spool
 */
public record MessageText(String text, boolean headersOnly, long shownOctets, long partOctets) {
  /** Checks the counts. */
  public MessageText {
    Objects.requireNonNull(text, "text");
    if (shownOctets < 0 || shownOctets > partOctets) {
      throw new IllegalArgumentException(
          "shown octets must be in [0, " + partOctets + "], got " + shownOctets);
    }
  }

  /** Whether the part was cut: {@link #text} holds less than all of it. */
  public boolean cut() {
    return shownOctets < partOctets;
  }

  /**
   * The part of {@code content} asked for, at most {@code max} octets of it.
   *
   * @param headersOnly the header section only: everything before the first empty line (RFC 5322
   *     section 2.1), or all of it when there is none
   * @param max the most octets to keep; negative for no limit. A cut never splits a UTF-8 sequence,
   *     so it may keep up to three octets fewer.
   */
  public static MessageText of(byte[] content, boolean headersOnly, long max) {
    int part = headersOnly ? headerEnd(content) : content.length;
    int shown = max < 0 || max >= part ? part : (int) max;
    // Back up over continuation octets (10xxxxxx) so the last character is whole.
    while (shown < part && shown > 0 && (content[shown] & 0xC0) == 0x80) {
      shown--;
    }
    return new MessageText(
        new String(content, 0, shown, StandardCharsets.UTF_8), headersOnly, shown, part);
  }

  /** The length of the header section with its last line end, without the empty line. */
  static int headerEnd(byte[] c) {
    for (int i = 0; i < c.length; i++) {
      if (c[i] != '\n') {
        continue;
      }
      if (i == 0) {
        return 0; // no header fields at all
      }
      if (i + 1 < c.length && c[i + 1] == '\n') {
        return i + 1;
      }
      if (i + 2 < c.length && c[i + 1] == '\r' && c[i + 2] == '\n') {
        return i + 1;
      }
      if (i == 1 && c[0] == '\r') {
        return 0;
      }
    }
    return c.length;
  }
}
