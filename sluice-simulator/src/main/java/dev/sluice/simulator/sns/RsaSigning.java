package dev.sluice.simulator.sns;

/**
 * What makes the SNS signatures: RSA PKCS #1 v1.5 with SHA-1 (SignatureVersion 1) or SHA-256 (2)
 * under the signing key. Both ways give the same bytes (the scheme is deterministic); they differ
 * in cost.
 *
 * <p>Design note. An RSA-2048 signature costs about a millisecond of CPU in the JDK and a quarter
 * of that in OpenSSL's libcrypto, whose assembly uses the processor's wide multipliers. The
 * simulator signs every SNS message, on the cores its API shares, so on a runtime with the foreign
 * function API (Java 22 and later) it calls libcrypto when the host has it ({@code
 * OpenSslRsaSigning}, compiled for Java 22 and loaded only there) and uses the JDK otherwise
 * ({@link RsaSigners}). {@code -Dsluice.sns.signing=jdk} or {@code =openssl} forces one; the
 * default, {@code auto}, takes libcrypto when it loads and signs a probe exactly as the JDK does.
 * Rejected: a native JCA provider library (the one on Maven Central bundles an older BoringSSL that
 * measured 0.58 ms, and 7 MB of jar), and a smaller key (SNS's certificates are RSA-2048).
 *
 * <p>Implementations are thread-safe.
 */
interface RsaSigning {
  /**
   * Signs {@code data}.
   *
   * @param version 1 (SHA1withRSA) or 2 (SHA256withRSA)
   */
  byte[] sign(int version, byte[] data);

  /** What makes the signatures, as the log names it. */
  String name();
}
