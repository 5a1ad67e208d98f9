package dev.sluice.simulator.mailbox;

import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Makes SES-shaped identifiers (ses-wire.md §10): 60-character MessageIds (also used as
 * feedbackIds) and UUID RequestIds.
 *
 * <p>A MessageId is a 4-hex region prefix, 12 hex digits of epoch milliseconds, {@code -}, a random
 * version-4 UUID and {@code -000000}. Region prefixes, from ids seen in the wild:
 *
 * <table>
 *   <caption>Region prefixes</caption>
 *   <tr><th>Region</th><th>Prefix</th></tr>
 *   <tr><td>us-east-1</td><td>0100</td></tr>
 *   <tr><td>us-west-2</td><td>0101</td></tr>
 *   <tr><td>eu-west-1</td><td>0102</td></tr>
 *   <tr><td>eu-central-1</td><td>0107</td></tr>
 *   <tr><td>any other region (unobserved)</td><td>0100</td></tr>
 * </table>
 *
 * <p>Randomness comes from {@link ThreadLocalRandom}, not the SecureRandom behind {@link
 * UUID#randomUUID()}: these ids are called for ~20k times a second, must be unique but need not be
 * unguessable, and SecureRandom contends on a shared lock.
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageIds {
  /** The shape consumers regex MessageIds and feedbackIds against. */
  public static final Pattern MESSAGE_ID =
      Pattern.compile(
          "^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\\d{6}$");

  /** The length of every MessageId. */
  public static final int LENGTH = 60;

  private static final HexFormat HEX = HexFormat.of();
  private static final long MAX_MILLIS = (1L << 48) - 1;

  private MessageIds() {}

  /**
   * Returns a new MessageId for mail accepted in {@code region} at {@code epochMillis}.
   *
   * @throws IllegalArgumentException if the time does not fit 12 hex digits (before 1970 or after
   *     year 10889)
   */
  public static String messageId(String region, long epochMillis) {
    if (epochMillis < 0 || epochMillis > MAX_MILLIS) {
      throw new IllegalArgumentException("epoch millis out of range: " + epochMillis);
    }
    return new StringBuilder(LENGTH)
        .append(regionPrefix(region))
        .append(HEX.toHexDigits(epochMillis, 12))
        .append('-')
        .append(randomUuid())
        .append("-000000")
        .toString();
  }

  /** Returns a new RequestId: a lower-case random version-4 UUID of 36 characters. */
  public static String requestId() {
    return randomUuid().toString();
  }

  /** Returns the 4-hex MessageId prefix of a region, {@code 0100} for regions not in the table. */
  public static String regionPrefix(String region) {
    return switch (region == null ? "" : region) {
      case "us-west-2" -> "0101";
      case "eu-west-1" -> "0102";
      case "eu-central-1" -> "0107";
      default -> "0100";
    };
  }

  /**
   * Returns the epoch milliseconds encoded in a MessageId.
   *
   * @throws IllegalArgumentException if {@code messageId} does not have the SES shape
   */
  public static long epochMillis(String messageId) {
    if (messageId == null || !MESSAGE_ID.matcher(messageId).matches()) {
      throw new IllegalArgumentException("not an SES MessageId: " + messageId);
    }
    return HexFormat.fromHexDigitsToLong(messageId, 4, 16);
  }

  /** Returns a random version-4, variant-2 UUID drawn from {@link ThreadLocalRandom}. */
  public static UUID randomUuid() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    long msb = (rnd.nextLong() & ~0xF000L) | 0x4000L; // version 4 (RFC 9562 §5.4)
    long lsb = (rnd.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // variant 10
    return new UUID(msb, lsb);
  }
}
