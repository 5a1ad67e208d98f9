package dev.sluice.ses;

import java.util.Locale;

/**
 * The HTTP client under the blocking AWS SDK clients.
 *
 * <p>Apache HttpClient 5 on JSSE is the default: pure Java, and it takes extra trust as trust
 * managers. The AWS Common Runtime client does HTTP and TLS (s2n) in native code, which costs less
 * CPU per call; it reads extra trust only from the {@code javax.net.ssl.trustStore} system property
 * (the SDK's {@code useTrustStoreSystemProperties}), never from trust managers.
 */
public enum HttpClientKind {
  /** Apache HttpClient 5 ({@code apache5-client}), the default. */
  APACHE5,
  /** The AWS Common Runtime client ({@code aws-crt-client}). */
  CRT;

  /** Parses {@code apache5} or {@code crt}, in any case. */
  public static HttpClientKind parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "apache5" -> APACHE5;
      case "crt" -> CRT;
      default ->
          throw new IllegalArgumentException(
              "HTTP client must be apache5 or crt, got '" + text + "'");
    };
  }

  /** The name {@link #parse} reads. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
