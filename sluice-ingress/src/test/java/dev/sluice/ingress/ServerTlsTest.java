package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.SelfSigned;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate replaced while the context serves: new handshakes present the new one, an encrypted
 * connection made before goes on, and files that do not load change nothing.
 */
class ServerTlsTest {
  @TempDir Path dir;
  private SSLServerSocket listener;
  private Thread echo;

  @AfterEach
  void close() throws Exception {
    if (listener != null) {
      listener.close();
    }
    if (echo != null) {
      echo.join(5_000);
    }
  }

  /** Makes a self-signed EC certificate for {@code cn} as NAME-cert.pem and NAME-key.pem. */
  private void certificate(String name, String cn) throws Exception {
    SelfSigned.certificate(cert(name), key(name), cn);
  }

  private Path cert(String name) {
    return dir.resolve(name + "-cert.pem");
  }

  private Path key(String name) {
    return dir.resolve(name + "-key.pem");
  }

  /** Serves {@code tls} on a free loopback port, echoing each byte, one thread per connection. */
  private int serve(ServerTls tls) throws IOException {
    listener =
        (SSLServerSocket)
            tls.context()
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echo =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!listener.isClosed()) {
                    try {
                      var s = listener.accept();
                      Thread.ofVirtual().start(() -> echoAll(s));
                    } catch (IOException e) {
                      return;
                    }
                  }
                });
    return listener.getLocalPort();
  }

  private static void echoAll(java.net.Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      for (int b; (b = in.read()) != -1; ) {
        out.write(b);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static SSLSocket connect(int port) throws Exception {
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    SSLSocket s =
        (SSLSocket)
            trustAll.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  private static String subject(SSLSocket s) throws Exception {
    return ((X509Certificate) s.getSession().getPeerCertificates()[0])
        .getSubjectX500Principal()
        .getName();
  }

  private static int roundTrip(SSLSocket s, int b) throws IOException {
    s.getOutputStream().write(b);
    s.getOutputStream().flush();
    return s.getInputStream().read();
  }

  @Test
  void replaceWith_newHandshakesGetTheNewCertificate_anOpenConnectionGoesOn() throws Exception {
    certificate("old", "old.example");
    certificate("new", "new.example");
    ServerTls tls = ServerTls.load(cert("old"), key("old"));
    int port = serve(tls);
    try (SSLSocket before = connect(port)) {
      assertThat(subject(before)).isEqualTo("CN=old.example");

      tls.replaceWith(ServerTls.load(cert("new"), key("new")));

      try (SSLSocket after = connect(port)) {
        assertThat(subject(after)).isEqualTo("CN=new.example");
        assertThat(roundTrip(after, 'a')).isEqualTo('a');
      }
      assertThat(roundTrip(before, 'b')).as("the connection made before").isEqualTo('b');
    }
  }

  @Test
  void reload_sameFileNamesRenewed_servesTheRenewedCertificate() throws Exception {
    certificate("live", "first.example");
    ServerTls tls = ServerTls.load(cert("live"), key("live"));
    int port = serve(tls);
    certificate("live", "renewed.example"); // renewed in place, as a certificate robot does
    tls.reload(cert("live"), key("live"));
    try (SSLSocket s = connect(port)) {
      assertThat(subject(s)).isEqualTo("CN=renewed.example");
    }
  }

  @Test
  void reload_badFiles_refusedAndTheOldCertificateStillServed() throws Exception {
    certificate("good", "good.example");
    certificate("other", "other.example");
    ServerTls tls = ServerTls.load(cert("good"), key("good"));
    int port = serve(tls);
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");

    assertThatThrownBy(() -> tls.reload(empty, key("good")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty.pem");
    assertThatThrownBy(() -> tls.reload(cert("good"), key("other")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match");
    try (SSLSocket s = connect(port)) {
      assertThat(subject(s)).isEqualTo("CN=good.example");
    }
  }

  @Test
  void swaps_manyInARow_everyHandshakeGetsAMatchingChainAndKey() throws Exception {
    certificate("a", "a.example");
    certificate("b", "b.example");
    ServerTls tls = ServerTls.load(cert("a"), key("a"));
    int port = serve(tls);
    ServerTls a = ServerTls.load(cert("a"), key("a"));
    ServerTls b = ServerTls.load(cert("b"), key("b"));
    Thread swapper =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < 200 && !Thread.currentThread().isInterrupted(); i++) {
                    tls.replaceWith(i % 2 == 0 ? b : a);
                  }
                });
    for (int i = 0; i < 20; i++) {
      try (SSLSocket s = connect(port)) { // a mismatched key would fail the handshake
        assertThat(subject(s)).isIn("CN=a.example", "CN=b.example");
      }
    }
    swapper.join(10_000);
  }
}
