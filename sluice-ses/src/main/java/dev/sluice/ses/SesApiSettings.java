package dev.sluice.ses;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

/**
 * How to reach the SES API: region, an optional endpoint override (the simulator, LocalStack, a
 * proxy), credentials, the connection pool size and timeouts.
 *
 * @param region the AWS region, e.g. {@code us-east-1}
 * @param endpoint an endpoint override, or null for the region's real SES endpoint
 * @param credentials the credentials provider (the SDK's default chain when null)
 * @param maxConnections the connection pool size; match it to the concurrency
 * @param connectTimeout the TCP connect timeout
 * @param callTimeout how long a call may wait on the network (socket read and pool acquisition)
 * @param keepAlive false to open a new connection for every call (for measurement only)
 * @param trust extra trust (e.g. the simulator's self-signed certificate), or null for the JDK's
 * @param asyncClient true to use the SDK's asynchronous Netty client instead of the blocking one
 * @param httpClient the HTTP client under the blocking SDK client (ignored with {@code
 *     asyncClient}); with {@link HttpClientKind#CRT} extra trust comes only from the {@code
 *     javax.net.ssl.trustStore} system property, so {@code trust} must be null
 */
public record SesApiSettings(
    String region,
    URI endpoint,
    AwsCredentialsProvider credentials,
    int maxConnections,
    Duration connectTimeout,
    Duration callTimeout,
    boolean keepAlive,
    TlsTrustManagersProvider trust,
    boolean asyncClient,
    HttpClientKind httpClient) {
  /** Checks the values. */
  public SesApiSettings {
    Objects.requireNonNull(region, "region");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1");
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(httpClient, "httpClient");
  }

  /** Settings for a region or endpoint with defaults: 64 connections, 5 s connect, 30 s call. */
  public static SesApiSettings of(String region, URI endpoint, AwsCredentialsProvider credentials) {
    return new SesApiSettings(
        region,
        endpoint,
        credentials,
        64,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        true,
        null,
        false,
        HttpClientKind.APACHE5);
  }

  /** A copy with another pool size. */
  public SesApiSettings withMaxConnections(int n) {
    return copy(c -> c.maxConnections = n);
  }

  /** A copy with keep-alive on or off. */
  public SesApiSettings withKeepAlive(boolean on) {
    return copy(c -> c.keepAlive = on);
  }

  /** A copy that trusts extra certificates. */
  public SesApiSettings withTrust(TlsTrustManagersProvider t) {
    return copy(c -> c.trust = t);
  }

  /** A copy with another call timeout. */
  public SesApiSettings withCallTimeout(Duration d) {
    return copy(c -> c.callTimeout = d);
  }

  /** A copy using the asynchronous or the blocking SDK client. */
  public SesApiSettings withAsyncClient(boolean async) {
    return copy(c -> c.asyncClient = async);
  }

  /** A copy with another HTTP client under the blocking SDK client. */
  public SesApiSettings withHttpClient(HttpClientKind kind) {
    return copy(c -> c.httpClient = kind);
  }

  private SesApiSettings copy(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** The components of a copy being made, so each {@code with} names only what it changes. */
  private static final class Copy {
    private final String region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Duration connectTimeout;
    private int maxConnections;
    private Duration callTimeout;
    private boolean keepAlive;
    private TlsTrustManagersProvider trust;
    private boolean asyncClient;
    private HttpClientKind httpClient;

    Copy(SesApiSettings s) {
      region = s.region;
      endpoint = s.endpoint;
      credentials = s.credentials;
      maxConnections = s.maxConnections;
      connectTimeout = s.connectTimeout;
      callTimeout = s.callTimeout;
      keepAlive = s.keepAlive;
      trust = s.trust;
      asyncClient = s.asyncClient;
      httpClient = s.httpClient;
    }

    SesApiSettings build() {
      return new SesApiSettings(
          region,
          endpoint,
          credentials,
          maxConnections,
          connectTimeout,
          callTimeout,
          keepAlive,
          trust,
          asyncClient,
          httpClient);
    }
  }
}
