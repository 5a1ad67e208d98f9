package dev.sluice.ses;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds the AWS SDK clients every SES transport uses: SDK retries off (throttles must reach our
 * shaper, and attempts are counted once), a pool sized to the concurrency, and, under Apache
 * HttpClient 5, a DNS resolver that counts lookups — that client resolves once per new connection,
 * so the count is the number of connections opened. The CRT client resolves in native code and
 * cannot be counted.
 */
final class SdkClients {
  private SdkClients() {}

  /** Whether {@link #blockingHttp} counts the connections it opens for these settings. */
  static boolean countsConnections(SesApiSettings s) {
    return !s.asyncClient() && s.httpClient() == HttpClientKind.APACHE5;
  }

  static SdkHttpClient blockingHttp(SesApiSettings s, AtomicLong connections) {
    if (s.httpClient() == HttpClientKind.CRT) {
      return crtHttp(s);
    }
    DnsResolver counting =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) throws UnknownHostException {
            connections.incrementAndGet();
            return SystemDefaultDnsResolver.INSTANCE.resolve(host);
          }

          @Override
          public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
          }
        };
    Apache5HttpClient.Builder b =
        Apache5HttpClient.builder()
            .maxConnections(s.maxConnections())
            .connectionTimeout(s.connectTimeout())
            .socketTimeout(s.callTimeout())
            .connectionAcquisitionTimeout(s.callTimeout())
            .dnsResolver(counting);
    if (s.trust() != null) {
      b.tlsTrustManagersProvider(s.trust());
    }
    return b.build();
  }

  /**
   * The AWS Common Runtime client. It takes no trust managers: extra trust comes from the {@code
   * javax.net.ssl.trustStore} system property when that is set (it then replaces the system's CA
   * bundle for this client), otherwise the system's CA bundle alone is trusted.
   */
  private static SdkHttpClient crtHttp(SesApiSettings s) {
    if (s.trust() != null) {
      throw new IllegalArgumentException(
          "the CRT HTTP client takes extra trust only from the javax.net.ssl.trustStore system"
              + " property, not from trust managers");
    }
    String store = System.getProperty("javax.net.ssl.trustStore");
    return AwsCrtHttpClient.builder()
        .maxConcurrency(s.maxConnections())
        .connectionTimeout(s.connectTimeout())
        .connectionAcquisitionTimeout(s.callTimeout())
        // The CRT client has no socket read timeout; a connection that moves no byte for the call
        // timeout is closed instead, which bounds a call that hangs the same way.
        .connectionHealthConfiguration(
            h -> h.minimumThroughputInBps(1L).minimumThroughputTimeout(s.callTimeout()))
        .useTrustStoreSystemProperties(store != null && !store.isEmpty())
        .build();
  }

  static SdkAsyncHttpClient asyncHttp(SesApiSettings s) {
    NettyNioAsyncHttpClient.Builder b =
        NettyNioAsyncHttpClient.builder()
            .maxConcurrency(s.maxConnections())
            .connectionTimeout(s.connectTimeout())
            .readTimeout(s.callTimeout())
            .connectionAcquisitionTimeout(s.callTimeout());
    if (s.trust() != null) {
      b.tlsTrustManagersProvider(s.trust());
    }
    return b.build();
  }

  static <B extends AwsClientBuilder<B, ?>> B configure(B builder, SesApiSettings s) {
    builder
        .region(Region.of(s.region()))
        .credentialsProvider(
            s.credentials() == null
                ? DefaultCredentialsProvider.builder().build()
                : s.credentials());
    if (s.endpoint() != null) {
      builder.endpointOverride(s.endpoint());
    }
    // No apiCallTimeout: the SDK would schedule a timer task for every call, which measurably
    // costs throughput; the HTTP client's connect and socket timeouts bound each call instead.
    ClientOverrideConfiguration.Builder o =
        ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry());
    if (!s.keepAlive()) {
      o.addExecutionInterceptor(new CloseAfterCall());
    }
    return builder.overrideConfiguration(o.build());
  }

  /** Asks the server to close the connection after each call, so every call opens a new one. */
  private static final class CloseAfterCall implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
      return context.httpRequest().toBuilder().putHeader("Connection", "close").build();
    }
  }
}
