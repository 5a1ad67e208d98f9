package dev.sluice.kafka;

import java.util.Base64;
import java.util.BitSet;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The records at or after a committed offset that are finished already, written into the commit's
 * metadata so that the partition's next owner does not deliver them again.
 *
 * <p>A committed offset can only say "everything before this is done". Records finish out of order,
 * so when a partition changes hands (a node stops, crashes or loses it in a rebalance) the records
 * finished above its lowest unfinished one would be delivered a second time. The metadata string of
 * the commit carries them: {@code f1:} and a URL-safe Base64 bit set whose bit {@code i} stands for
 * offset {@code committed + i}. Kafka bounds the metadata ({@code offset.metadata.max.bytes}, 4,096
 * by default); what does not fit is left out, and those records are delivered again, as without the
 * metadata.
 */
final class FinishedOffsets {
  static final String PREFIX = "f1:";

  /** Metadata characters used at most: below the broker's default limit with room to spare. */
  static final int MAX_CHARS = 3000;

  private FinishedOffsets() {}

  /** How many offsets above the committed one {@code maxChars} of metadata can describe. */
  static int capacity(int maxChars) {
    int bytes = Math.max(0, maxChars - PREFIX.length()) / 4 * 3;
    return bytes * 8;
  }

  /** Encodes a bit set (bit i = offset committed + i is finished); "" when no bit is set. */
  static String encode(BitSet finished) {
    if (finished.isEmpty()) {
      return "";
    }
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(finished.toByteArray());
  }

  /**
   * The finished offsets that {@code metadata} of a commit at {@code committed} names; empty for
   * metadata this version did not write (or none).
   */
  static NavigableSet<Long> decode(long committed, String metadata) {
    NavigableSet<Long> offsets = new TreeSet<>();
    if (metadata == null || !metadata.startsWith(PREFIX) || committed < 0) {
      return offsets;
    }
    BitSet bits;
    try {
      bits = BitSet.valueOf(Base64.getUrlDecoder().decode(metadata.substring(PREFIX.length())));
    } catch (IllegalArgumentException e) {
      return offsets; // not ours after all: deliver again rather than skip
    }
    for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
      offsets.add(committed + i);
    }
    return offsets;
  }
}
