package dev.sluice.simulator.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 on requests to the simulator's HTTPS API (ses-wire.md §1.2).
 *
 * <p>Design note. The verifier recomputes the signature from the request exactly as received and
 * compares it in constant time; it never "repairs" a request, so anything a proxy or the client
 * changed after signing shows up as a mismatch, as it would at AWS. Choices worth knowing:
 *
 * <ul>
 *   <li>Canonical URI: the raw path as sent, URI-encoded once more with only {@code /} and the RFC
 *       3986 unreserved characters left alone. That is what the AWS SDKs do for every service but
 *       S3 ("double encoding"); for all SES sending and account paths, which contain only
 *       unreserved characters, it is the path as sent, byte for byte. Dot segments are not
 *       normalised: SES paths have none.
 *   <li>Canonical query: each {@code name=value} pair is percent-decoded (a {@code +} stays a
 *       literal plus), re-encoded with the SigV4 rule and sorted by name, then value.
 *   <li>Header values: trimmed, with runs of spaces and tabs collapsed into one space. The lookup
 *       returns one value per name; a caller with repeated headers joins them with {@code ,}.
 *   <li>Payload hash: always the SHA-256 of the received body. SES never needs {@code
 *       X-Amz-Content-Sha256}, so a client cannot opt out of body integrity with {@code
 *       UNSIGNED-PAYLOAD}.
 * </ul>
 *
 * Rejected: caching signing keys per (secret, date, region). Deriving one costs four HMACs, cheap
 * next to the rest of a request, and a cache keyed by a secret is one more thing to bound.
 *
 * <p>Stateless and thread-safe.
 */
public final class SigV4Verifier {
  private static final String HMAC = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();
  private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withResolverStyle(ResolverStyle.STRICT);

  private SigV4Verifier() {}

  /**
   * Returns whether the credential's signature matches the request as received, given the secret
   * for its access key; a missing signed header or a scope date that differs from {@code amzDate}
   * is a mismatch.
   */
  public static boolean verify(
      SigV4Credential cred,
      String method,
      String rawPath,
      String rawQuery,
      Function<String, String> headerLookup,
      byte[] body,
      String secretAccessKey,
      String amzDate) {
    if (amzDate == null || !amzDate.startsWith(cred.date())) {
      return false;
    }
    String canonical;
    try {
      canonical =
          canonicalRequest(
              method, rawPath, rawQuery, cred.signedHeaders(), headerLookup, sha256Hex(body));
    } catch (SigV4Exception missingHeader) {
      return false;
    }
    byte[] key = signingKey(secretAccessKey, cred.date(), cred.region(), cred.service());
    String expected = HEX.formatHex(hmac(key, stringToSign(amzDate, cred.scope(), canonical)));
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        cred.signature().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Verifies a request and its freshness, throwing the error AWS would answer with.
   *
   * @throws SigV4Exception {@code RequestExpired} when {@code amzDate} is missing, malformed or
   *     more than {@code maxSkew} from {@code nowMillis}; {@code SignatureDoesNotMatch} otherwise
   */
  public static void check(
      SigV4Credential cred,
      String method,
      String rawPath,
      String rawQuery,
      Function<String, String> headerLookup,
      byte[] body,
      String secretAccessKey,
      String amzDate,
      long nowMillis,
      Duration maxSkew) {
    if (!withinSkew(amzDate, nowMillis, maxSkew)) {
      throw new SigV4Exception(
          SigV4Exception.REQUEST_EXPIRED,
          "Request has expired or X-Amz-Date is missing or malformed: '" + amzDate + "'");
    }
    if (!verify(cred, method, rawPath, rawQuery, headerLookup, body, secretAccessKey, amzDate)) {
      throw new SigV4Exception(
          SigV4Exception.SIGNATURE_DOES_NOT_MATCH,
          "The request signature we calculated does not match the signature you provided.");
    }
  }

  /**
   * Returns whether an {@code X-Amz-Date} value ({@code YYYYMMDDTHHMMSSZ}) is well formed and at
   * most {@code maxSkew} away from {@code nowMillis}, in either direction.
   */
  public static boolean withinSkew(String amzDate, long nowMillis, Duration maxSkew) {
    if (amzDate == null) {
      return false;
    }
    long signedMillis;
    try {
      signedMillis =
          LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      return false;
    }
    return Math.abs(nowMillis - signedMillis) <= maxSkew.toMillis();
  }

  /**
   * Builds the canonical request (SigV4 step 1) from the request as received.
   *
   * @throws SigV4Exception {@code SignatureDoesNotMatch} when a signed header is absent
   */
  public static String canonicalRequest(
      String method,
      String rawPath,
      String rawQuery,
      List<String> signedHeaders,
      Function<String, String> headerLookup,
      String payloadSha256Hex) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(method).append('\n');
    sb.append(canonicalUri(rawPath)).append('\n');
    sb.append(canonicalQuery(rawQuery)).append('\n');
    for (String name : signedHeaders) {
      String value = headerLookup.apply(name);
      if (value == null) {
        throw new SigV4Exception(
            SigV4Exception.SIGNATURE_DOES_NOT_MATCH, "Signed header '" + name + "' is absent");
      }
      sb.append(name).append(':').append(trimAll(value)).append('\n');
    }
    sb.append('\n');
    sb.append(String.join(";", signedHeaders)).append('\n');
    sb.append(payloadSha256Hex);
    return sb.toString();
  }

  /** Builds the string to sign (SigV4 step 2) from the date, scope and canonical request. */
  public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
    return SigV4Credential.ALGORITHM
        + '\n'
        + amzDate
        + '\n'
        + scope
        + '\n'
        + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
  }

  /** Derives the signing key (SigV4 step 3): HMAC chain over date, region, service, terminator. */
  public static byte[] signingKey(String secret, String date, String region, String service) {
    byte[] k = ("AWS4" + secret).getBytes(StandardCharsets.UTF_8);
    for (String part : new String[] {date, region, service, "aws4_request"}) {
      k = hmac(k, part);
    }
    return k;
  }

  /** Computes the hex signature of a string to sign (SigV4 step 4); for tests and clients. */
  public static String sign(byte[] signingKey, String stringToSign) {
    return HEX.formatHex(hmac(signingKey, stringToSign));
  }

  /** Returns the lower-case hex SHA-256 of some bytes. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    return encode(rawPath, true);
  }

  static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      pairs.add(Map.entry(encode(decode(name), false), encode(decode(value), false)));
    }
    pairs.sort(
        Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
    StringBuilder sb = new StringBuilder(rawQuery.length() + 16);
    for (Map.Entry<String, String> e : pairs) {
      if (!sb.isEmpty()) {
        sb.append('&');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }

  /** Percent-encodes UTF-8 bytes outside the RFC 3986 unreserved set (and {@code /} if kept). */
  static String encode(String s, boolean keepSlash) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (keepSlash && c == '/')) {
        sb.append(c);
      } else {
        sb.append('%').append(HEX_UPPER.toHexDigits(b));
      }
    }
    return sb.toString();
  }

  /** Percent-decodes to UTF-8; a malformed escape and {@code +} are kept literally. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int literalFrom = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '%'
          && i + 2 < s.length()
          && HexFormat.isHexDigit(s.charAt(i + 1))
          && HexFormat.isHexDigit(s.charAt(i + 2))) {
        out.writeBytes(s.substring(literalFrom, i).getBytes(StandardCharsets.UTF_8));
        out.write(HexFormat.fromHexDigits(s, i + 1, i + 3));
        i += 2;
        literalFrom = i + 1;
      }
    }
    out.writeBytes(s.substring(literalFrom).getBytes(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Trims and collapses runs of spaces and tabs into one space (SigV4 "Trimall"). */
  static String trimAll(String value) {
    String v = value.strip();
    StringBuilder sb = new StringBuilder(v.length());
    boolean space = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == ' ' || c == '\t') {
        if (!space) {
          sb.append(' ');
        }
        space = true;
      } else {
        sb.append(c);
        space = false;
      }
    }
    return sb.toString();
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    }
  }
}
