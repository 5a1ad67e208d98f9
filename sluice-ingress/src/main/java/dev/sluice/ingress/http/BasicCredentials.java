package dev.sluice.ingress.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user name and password from an {@code Authorization: Basic} header (RFC 7617), read as UTF-8.
 *
 * @param user the user name
 * @param password the password
 */
record BasicCredentials(String user, String password) {
  /** The challenge sent with a 401. */
  static final String CHALLENGE = "Basic realm=\"Sluice\", charset=\"UTF-8\"";

  /** Parses the header's value, or returns {@code null} when it is not Basic credentials. */
  static BasicCredentials parse(String authorization) {
    String v = authorization.strip();
    int space = v.indexOf(' ');
    if (space < 0 || !v.substring(0, space).equalsIgnoreCase("Basic")) {
      return null;
    }
    String decoded;
    try {
      byte[] raw = Base64.getDecoder().decode(v.substring(space + 1).strip());
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(raw))
              .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    return new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  @Override
  public String toString() {
    return "BasicCredentials[user=" + user + "]"; // never the password
  }
}
