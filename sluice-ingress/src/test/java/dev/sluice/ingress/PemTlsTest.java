package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTlsTest {
  @TempDir Path dir;

  private void openssl(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void serverContext_fromOpensslFiles_completesAHandshake() throws Exception {
    for (String keyType : new String[] {"rsa:2048", "ec"}) {
      String[] newkey =
          keyType.equals("ec")
              ? new String[] {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}
              : new String[] {"-newkey", keyType};
      String[] args = new String[newkey.length + 10];
      System.arraycopy(newkey, 0, args, 1, newkey.length);
      args[0] = "req";
      System.arraycopy(
          new String[] {
            "-x509",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-subj",
            "/CN=localhost",
            "-days",
            "2"
          },
          0,
          args,
          newkey.length + 1,
          9);
      args[args.length - 1] = "-sha256";
      openssl(args);
      SSLContext server = PemTls.serverContext(dir.resolve("cert.pem"), dir.resolve("key.pem"));
      assertThat(handshake(server, dir.resolve("cert.pem"))).as(keyType).startsWith("TLSv1.");
    }
  }

  @Test
  void serverContext_badFilesAreNamed() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here");
    assertThatThrownBy(() -> PemTls.serverContext(empty, empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty.pem")
        .hasMessageContaining("BEGIN CERTIFICATE");
    openssl(
        "req",
        "-x509",
        "-nodes",
        "-newkey",
        "rsa:2048",
        "-keyout",
        "k.pem",
        "-out",
        "c.pem",
        "-subj",
        "/CN=x",
        "-days",
        "1");
    openssl("rsa", "-in", "k.pem", "-traditional", "-out", "old.pem");
    assertThatThrownBy(() -> PemTls.serverContext(dir.resolve("c.pem"), dir.resolve("old.pem")))
        .hasMessageContaining("openssl pkcs8");
    assertThatThrownBy(() -> PemTls.serverContext(dir.resolve("c.pem"), dir.resolve("missing")))
        .hasMessageContaining("cannot read");
  }

  /** Runs one TLS handshake on loopback; returns the negotiated protocol. */
  private static String handshake(SSLContext server, Path trustedCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(trustedCert))) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    try (SSLServerSocket ss =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (SSLSocket s = (SSLSocket) ss.accept()) {
                      s.startHandshake();
                      s.getOutputStream().write(1);
                    } catch (Exception e) {
                      // the client side reports the failure
                    }
                  });
      try (SSLSocket c =
          (SSLSocket)
              client
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
        c.startHandshake();
        assertThat(c.getInputStream().read()).isEqualTo(1);
        t.join();
        return c.getSession().getProtocol();
      }
    }
  }
}
