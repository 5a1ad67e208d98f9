package dev.sluice.simulator.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of a SigV4 {@code Authorization} header: the credential scope, the signed header names
 * and the signature (ses-wire.md §1.2).
 *
 * <p>Immutable and thread-safe.
 *
 * @param accessKeyId the access key ID from {@code Credential=}
 * @param date the scope date, {@code YYYYMMDD}
 * @param region the scope region, e.g. {@code us-east-1}
 * @param service the scope service, {@code ses} for SES v1 and v2
 * @param signedHeaders the lower-case signed header names, in the order the client listed them
 * @param signature the signature, 64 lower-case hex digits
 */
public record SigV4Credential(
    String accessKeyId,
    String date,
    String region,
    String service,
    List<String> signedHeaders,
    String signature) {

  /** The only algorithm SES accepts on its regional endpoints. */
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";

  private static final String TERMINATOR = "aws4_request";

  /** Copies the header list so the record stays immutable. */
  public SigV4Credential {
    signedHeaders = List.copyOf(signedHeaders);
  }

  /** The credential scope {@code date/region/service/aws4_request} used in the string to sign. */
  public String scope() {
    return date + '/' + region + '/' + service + '/' + TERMINATOR;
  }

  /**
   * Parses an {@code Authorization} header of the form {@code AWS4-HMAC-SHA256
   * Credential=AKID/20240115/us-east-1/ses/aws4_request, SignedHeaders=a;b, Signature=hex}.
   *
   * @throws SigV4Exception {@code MissingAuthenticationToken} when the header is null or blank,
   *     {@code IncompleteSignature} when it is malformed
   */
  public static SigV4Credential parse(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new SigV4Exception(
          SigV4Exception.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
    }
    String header = authorizationHeader.strip();
    int space = indexOfWhitespace(header);
    String algorithm = space < 0 ? header : header.substring(0, space);
    if (!ALGORITHM.equals(algorithm)) {
      throw incomplete("Unsupported AWS 'algorithm': '" + algorithm + "'");
    }
    if (space < 0) {
      throw incomplete("Authorization header has no Credential, SignedHeaders or Signature");
    }
    String credential = null;
    String signedHeaders = null;
    String signature = null;
    // The SDKs separate the three components with ", "; other signers use a bare ",".
    for (String component : header.substring(space).split(",", -1)) {
      String part = component.strip();
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw incomplete("Authorization header component is not key=value: '" + part + "'");
      }
      String key = part.substring(0, eq);
      String value = part.substring(eq + 1);
      switch (key) {
        case "Credential" -> credential = once(credential, key, value);
        case "SignedHeaders" -> signedHeaders = once(signedHeaders, key, value);
        case "Signature" -> signature = once(signature, key, value);
        default -> throw incomplete("Unknown Authorization header component '" + key + "'");
      }
    }
    if (credential == null || signedHeaders == null || signature == null) {
      throw incomplete(
          "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'");
    }
    String[] scope = credential.split("/", -1);
    if (scope.length != 5
        || scope[0].isEmpty()
        || !isDate(scope[1])
        || scope[2].isEmpty()
        || scope[3].isEmpty()
        || !TERMINATOR.equals(scope[4])) {
      throw incomplete(
          "Credential should be AccessKeyId/YYYYMMDD/region/service/aws4_request: '"
              + credential
              + "'");
    }
    return new SigV4Credential(
        scope[0],
        scope[1],
        scope[2],
        scope[3],
        parseSignedHeaders(signedHeaders),
        parseSignature(signature));
  }

  private static List<String> parseSignedHeaders(String value) {
    List<String> names = new ArrayList<>();
    for (String name : value.split(";", -1)) {
      if (name.isEmpty() || !name.equals(name.strip())) {
        throw incomplete("SignedHeaders has an empty or padded name: '" + value + "'");
      }
      names.add(name.toLowerCase(Locale.ROOT));
    }
    if (!names.contains("host")) {
      throw incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    return names;
  }

  private static String parseSignature(String value) {
    if (value.length() != 64) {
      throw incomplete("Signature must be 64 hex digits");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw incomplete("Signature must be 64 lower-case hex digits");
      }
    }
    return value;
  }

  private static boolean isDate(String s) {
    if (s.length() != 8) {
      return false;
    }
    for (int i = 0; i < 8; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String once(String previous, String key, String value) {
    if (previous != null) {
      throw incomplete("Authorization header repeats '" + key + "'");
    }
    return value;
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static SigV4Exception incomplete(String message) {
    return new SigV4Exception(SigV4Exception.INCOMPLETE_SIGNATURE, message);
  }
}
