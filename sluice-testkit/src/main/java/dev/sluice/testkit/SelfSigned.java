package dev.sluice.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Self-signed EC (P-256) certificates made with {@code openssl}, as PEM files, for TLS tests. */
public final class SelfSigned {
  private SelfSigned() {}

  /**
   * Writes (or renews in place) a certificate for {@code commonName} to {@code certificate} and its
   * unencrypted PKCS#8 key to {@code key}, valid for two days and for the names localhost and
   * 127.0.0.1.
   *
   * @throws AssertionError when openssl fails, with what it printed
   */
  public static void certificate(Path certificate, Path key, String commonName)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-nodes",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-keyout",
                key.toString(),
                "-out",
                certificate.toString(),
                "-subj",
                "/CN=" + commonName,
                "-days",
                "2",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError("openssl failed: " + out);
    }
  }
}
