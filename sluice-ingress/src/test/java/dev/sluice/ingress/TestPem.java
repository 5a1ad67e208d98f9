package dev.sluice.ingress;

import dev.sluice.testkit.SelfSigned;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PEM certificate and key for localhost, made once per test run ({@link SelfSigned}),
 * loaded the way the relay loads its own ({@link PemTls}), and a client context that trusts it.
 */
final class TestPem {
  final Path certificate;
  final Path key;
  final SSLContext server;
  final SSLContext client;

  private static TestPem instance;

  private TestPem(Path dir) throws Exception {
    certificate = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    SelfSigned.certificate(certificate, key, "localhost");
    server = PemTls.serverContext(certificate, key);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      trust.setCertificateEntry(
          "localhost", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
  }

  static synchronized TestPem get() throws Exception {
    if (instance == null) {
      Path dir = Files.createTempDirectory("sluice-pem");
      dir.toFile().deleteOnExit();
      instance = new TestPem(dir);
      instance.certificate.toFile().deleteOnExit();
      instance.key.toFile().deleteOnExit();
    }
    return instance;
  }
}
