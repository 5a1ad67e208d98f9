package dev.sluice.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate (for localhost and 127.0.0.1, or for another name), made once per test
 * run with the JDK's {@code keytool} (the approach of the server tests' TestTls), with a server
 * context and a client context that trusts it.
 */
final class ClientTestTls {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static ClientTestTls instance;
  private static ClientTestTls otherName;

  final SSLContext server;
  final SSLContext client;

  private ClientTestTls(SSLContext server, SSLContext client) {
    this.server = server;
    this.client = client;
  }

  static synchronized ClientTestTls get() {
    if (instance == null) {
      instance = create("dns:localhost,ip:127.0.0.1");
    }
    return instance;
  }

  /** A certificate for {@code mail.other.example} only, to test hostname verification. */
  static synchronized ClientTestTls forOtherName() {
    if (otherName == null) {
      otherName = create("dns:mail.other.example");
    }
    return otherName;
  }

  private static ClientTestTls create(String subjectAltNames) {
    try {
      Path dir = Files.createTempDirectory("sluice-smtp-client-tls");
      Path store = dir.resolve("server.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process p =
          new ProcessBuilder(
                  List.of(
                      keytool.toString(),
                      "-genkeypair",
                      "-alias",
                      "smtp",
                      "-keyalg",
                      "EC",
                      "-groupname",
                      "secp256r1",
                      "-dname",
                      "CN=localhost",
                      "-ext",
                      "SAN=" + subjectAltNames,
                      "-validity",
                      "2",
                      "-storetype",
                      "PKCS12",
                      "-keystore",
                      store.toString(),
                      "-storepass",
                      new String(PASSWORD),
                      "-keypass",
                      new String(PASSWORD)))
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, PASSWORD);
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASSWORD);
      SSLContext server = SSLContext.getInstance("TLS");
      server.init(kmf.getKeyManagers(), null, null);

      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("smtp", keys.getCertificate("smtp"));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
      Files.delete(store);
      Files.delete(dir);
      return new ClientTestTls(server, client);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
