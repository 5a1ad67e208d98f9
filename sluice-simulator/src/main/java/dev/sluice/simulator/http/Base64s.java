package dev.sluice.simulator.http;

import java.util.Base64;

/**
 * Strict base64 for API blobs: line breaks and spaces are tolerated, any other stray character is
 * an error.
 */
final class Base64s {
  private Base64s() {}

  /** Decodes, throwing {@link IllegalArgumentException} on characters outside the alphabet. */
  static byte[] decode(String data) {
    StringBuilder sb = null;
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
        if (sb == null) {
          sb = new StringBuilder(data.length()).append(data, 0, i);
        }
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return Base64.getDecoder().decode(sb == null ? data : sb.toString());
  }
}
