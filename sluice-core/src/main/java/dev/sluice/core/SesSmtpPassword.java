package dev.sluice.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives the SES SMTP password from an IAM secret access key for one region (SES wire spec §5.3):
 * the SigV4 key chain over fixed inputs, the version byte {@code 0x04} in front, base64.
 *
 * <p>Stateless; thread-safe.
 */
public final class SesSmtpPassword {
  private static final byte VERSION = 0x04;

  private SesSmtpPassword() {}

  /** The SMTP password for a secret access key at the SMTP endpoint of {@code region}. */
  public static String derive(String secretAccessKey, String region) {
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(region, "region");
    // §5.3 steps 1-5: date "11111111", the region, "ses", "aws4_request", then "SendRawEmail".
    byte[] k = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), "11111111");
    for (String step : new String[] {region, "ses", "aws4_request", "SendRawEmail"}) {
      byte[] next = hmac(k, step);
      Arrays.fill(k, (byte) 0);
      k = next;
    }
    byte[] versioned = new byte[1 + k.length];
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
