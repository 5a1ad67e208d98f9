package dev.sluice.simulator.sns;

import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the {@link RsaSigning} for the signing key; holds the JDK's. */
final class RsaSigners {
  /**
   * The system property that picks the implementation: {@code auto}, {@code openssl}, {@code jdk}.
   */
  static final String PROPERTY = "sluice.sns.signing";

  private static final Logger log = LoggerFactory.getLogger(RsaSigners.class);

  private RsaSigners() {}

  /** The JCA algorithm of a SignatureVersion. */
  static String algorithm(int version) {
    return switch (version) {
      case 1 -> "SHA1withRSA";
      case 2 -> "SHA256withRSA";
      default -> throw new IllegalArgumentException("SignatureVersion is 1 or 2, not " + version);
    };
  }

  /** The signing the {@value #PROPERTY} system property names (default {@code auto}). */
  static RsaSigning chosen(PrivateKey key) {
    return choose(key, System.getProperty(PROPERTY, "auto"));
  }

  /**
   * The signing {@code wanted} names ({@code auto}, {@code openssl} or {@code jdk}) for {@code
   * key}.
   *
   * @throws IllegalArgumentException for another name, or {@code openssl} where it cannot load
   */
  static RsaSigning choose(PrivateKey key, String wanted) {
    String w = wanted == null ? "auto" : wanted.trim().toLowerCase(Locale.ROOT);
    RsaSigning jdk = new Jdk(key);
    switch (w) {
      case "jdk" -> {
        return jdk;
      }
      case "auto", "openssl" -> {
        try {
          return openSsl(key, jdk);
        } catch (RuntimeException | LinkageError e) {
          if (w.equals("openssl")) {
            throw new IllegalArgumentException(
                PROPERTY + "=openssl, but libcrypto cannot sign here: " + e, e);
          }
          log.debug("SNS signing in the JDK: libcrypto is not usable here ({})", e.toString());
          return jdk;
        }
      }
      default ->
          throw new IllegalArgumentException(
              PROPERTY + " is auto, openssl or jdk, not '" + wanted + "'");
    }
  }

  /**
   * libcrypto's signing for {@code key}, checked against the JDK's on a probe.
   *
   * @throws IllegalStateException when this runtime has no foreign function API, libcrypto is not
   *     there, or its signature differs from the JDK's
   */
  private static RsaSigning openSsl(PrivateKey key, RsaSigning jdk) {
    if (Runtime.version().feature() < 22) {
      throw new IllegalStateException("the foreign function API needs Java 22 or later");
    }
    RsaSigning openSsl;
    try {
      openSsl =
          (RsaSigning)
              Class.forName(RsaSigners.class.getPackageName() + ".OpenSslRsaSigning")
                  .getDeclaredMethod("open", byte[].class)
                  .invoke(null, (Object) key.getEncoded());
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    byte[] probe = "sluice SNS signing probe".getBytes(StandardCharsets.US_ASCII);
    for (int version = 1; version <= 2; version++) {
      if (!Arrays.equals(openSsl.sign(version, probe), jdk.sign(version, probe))) {
        throw new IllegalStateException(
            "libcrypto's SignatureVersion " + version + " signature differs from the JDK's");
      }
    }
    return openSsl;
  }

  /** The JDK's RSA. Thread-safe: a Signature per call. */
  static final class Jdk implements RsaSigning {
    private final PrivateKey key;

    Jdk(PrivateKey key) {
      this.key = key;
    }

    @Override
    public byte[] sign(int version, byte[] data) {
      try {
        Signature s = Signature.getInstance(algorithm(version));
        s.initSign(key);
        s.update(data);
        return s.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign an SNS message", e);
      }
    }

    @Override
    public String name() {
      return "the JDK";
    }
  }
}
