package dev.sluice.simulator.smtp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SES SMTP password for an IAM secret access key in one region (SES wire spec §5.3): the SigV4
 * key chain with fixed inputs, a version byte {@code 0x04} in front, base64.
 *
 * <p>Stateless; thread-safe.
 */
public final class SesSmtpCredentials {
  private static final byte VERSION = 0x04;
  // §5.3: the fixed date and message of the SigV4 chain.
  private static final String DATE = "11111111";
  private static final String SERVICE = "ses";
  private static final String TERMINAL = "aws4_request";
  private static final String MESSAGE = "SendRawEmail";

  private SesSmtpCredentials() {}

  /** Derives the SMTP password for a secret access key and the SMTP endpoint's region. */
  public static String password(String secretAccessKey, String region) {
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(region, "region");
    byte[] k = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), DATE);
    k = hmac(k, region);
    k = hmac(k, SERVICE);
    k = hmac(k, TERMINAL);
    k = hmac(k, MESSAGE);
    byte[] versioned = new byte[k.length + 1];
    versioned[0] = VERSION;
    System.arraycopy(k, 0, versioned, 1, k.length);
    Arrays.fill(k, (byte) 0);
    return Base64.getEncoder().encodeToString(versioned);
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
