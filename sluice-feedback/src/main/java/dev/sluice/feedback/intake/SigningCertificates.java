package dev.sluice.feedback.intake;

import dev.sluice.core.Clock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SNS signing certificates, fetched over HTTPS from a message's SigningCertURL and kept, a bounded
 * number, by URL.
 *
 * <h2>Design note</h2>
 *
 * <p>The URL has been checked against {@link SnsTrust} before it gets here, and the fetch trusts
 * only what its {@link HttpClient}'s TLS context trusts (the JDK's CAs for SNS, the simulator's own
 * CA in tests), follows no redirects, and reads at most 64 KB. SNS uses a handful of certificates
 * per region, rotated rarely, so a small LRU (default 32 entries) holds them all; a certificate is
 * fetched again once it leaves its validity period. Two threads missing at once may both fetch:
 * harmless, and simpler than per-URL locking.
 *
 * <p>Thread-safe.
 */
final class SigningCertificates {
  private static final int MAX_BYTES = 64 * 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final Clock clock;
  private final Map<URI, X509Certificate> cache;

  SigningCertificates(HttpClient http, Clock clock, int capacity) {
    this.http = http;
    this.clock = clock;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<URI, X509Certificate> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * The public key of the certificate at a (trusted) URL.
   *
   * @throws SnsRefusal CERT_UNAVAILABLE when it cannot be fetched, read, or is not valid now
   */
  PublicKey publicKey(URI url) throws SnsRefusal {
    Date now = new Date(clock.millis());
    X509Certificate cert;
    synchronized (cache) {
      cert = cache.get(url);
    }
    if (cert == null || !validAt(cert, now)) {
      cert = fetch(url);
      if (!validAt(cert, now)) {
        throw new SnsRefusal(
            SnsRefusal.Reason.CERT_UNAVAILABLE, "the certificate at " + url + " is not valid now");
      }
      synchronized (cache) {
        cache.put(url, cert);
      }
    }
    return cert.getPublicKey();
  }

  /** How many certificates are kept. */
  int size() {
    synchronized (cache) {
      return cache.size();
    }
  }

  private static boolean validAt(X509Certificate cert, Date now) {
    try {
      cert.checkValidity(now);
      return true;
    } catch (CertificateException e) {
      return false;
    }
  }

  private X509Certificate fetch(URI url) throws SnsRefusal {
    try {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_BYTES + 1);
      }
      if (response.statusCode() != 200) {
        throw new SnsRefusal(
            SnsRefusal.Reason.CERT_UNAVAILABLE,
            "fetching " + url + " answered " + response.statusCode());
      }
      if (body.length > MAX_BYTES) {
        throw new SnsRefusal(
            SnsRefusal.Reason.CERT_UNAVAILABLE, url + " is larger than a certificate");
      }
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(body));
    } catch (IOException | CertificateException | ClassCastException e) {
      throw new SnsRefusal(
          SnsRefusal.Reason.CERT_UNAVAILABLE, "cannot get a certificate from " + url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnsRefusal(SnsRefusal.Reason.CERT_UNAVAILABLE, "interrupted fetching " + url);
    }
  }
}
