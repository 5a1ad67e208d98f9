package dev.sluice.simulator;

import java.nio.charset.StandardCharsets;

/**
 * The virus check SES applies after accepting a message, reduced to the test file AWS suggests for
 * simulating it: a message carrying the EICAR anti-virus test string, as text or base64-encoded as
 * an attachment, is accepted, charged, and rejected afterwards (a Reject event), never delivered.
 *
 * <p>Stateless; thread-safe.
 */
final class VirusScan {
  /** The EICAR test file (68 characters), as SES and every virus scanner recognise it. */
  static final String EICAR =
      "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

  // The first 76 characters of its base64 form: one whole line however an encoder wraps it.
  private static final byte[] EICAR_BASE64 =
      java.util.Base64.getEncoder()
          .encodeToString(EICAR.getBytes(StandardCharsets.US_ASCII))
          .substring(0, 76)
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EICAR_BYTES = EICAR.getBytes(StandardCharsets.US_ASCII);

  private VirusScan() {}

  /** Whether the message carries the test virus. */
  static boolean infected(byte[] message) {
    return indexOf(message, EICAR_BYTES) >= 0 || indexOf(message, EICAR_BASE64) >= 0;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    byte first = needle[0];
    int last = hay.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (hay[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
