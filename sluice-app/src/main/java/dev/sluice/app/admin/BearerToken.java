package dev.sluice.app.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;

/**
 * Checks {@code Authorization: Bearer <token>} (RFC 6750 §2.1) against the configured token.
 *
 * <p>Only the token's SHA-256 digest is kept, and a presented token is compared digest to digest
 * with {@link MessageDigest#isEqual}, which takes the same time wherever the first difference is;
 * comparing fixed-length digests also hides the token's length. The token itself is never logged or
 * put in a message.
 *
 * <p>Immutable; thread-safe.
 */
final class BearerToken {
  static final String CHALLENGE = "Bearer realm=\"sluice-admin\"";

  private final byte[] digest;

  /**
   * @param token the expected token, if one is required
   */
  BearerToken(java.util.Optional<String> token) {
    this.digest = token.map(BearerToken::sha256).orElse(null);
  }

  /** Whether requests must carry the token. */
  boolean required() {
    return digest != null;
  }

  /**
   * Passes a request whose {@code Authorization} header carries the token, or any request when no
   * token is required.
   *
   * @param authorization the header's value, or null when absent
   * @throws AdminRefusal {@code auth_required} or {@code invalid_token}
   */
  void check(String authorization) {
    if (digest == null) {
      return;
    }
    if (authorization == null || authorization.isBlank()) {
      throw new AdminRefusal(
          AdminError.AUTH_REQUIRED,
          "This relay's admin API needs its token: send Authorization: Bearer <token>",
          Map.of("WWW-Authenticate", CHALLENGE));
    }
    String a = authorization.strip();
    int sp = a.indexOf(' ');
    if (sp < 0 || !a.substring(0, sp).toLowerCase(Locale.ROOT).equals("bearer")) {
      throw new AdminRefusal(
          AdminError.INVALID_TOKEN,
          "The Authorization header must be Bearer <token>",
          Map.of("WWW-Authenticate", CHALLENGE + ", error=\"invalid_request\""));
    }
    byte[] given = sha256(a.substring(sp + 1).strip());
    if (!MessageDigest.isEqual(given, digest)) {
      throw new AdminRefusal(
          AdminError.INVALID_TOKEN,
          "Wrong token",
          Map.of("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\""));
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
