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
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds the AWS SDK clients every SES transport uses: SDK retries off (throttles must reach our
 * shaper, and attempts are counted once), a pool sized to the concurrency, and a DNS resolver that
 * counts lookups — the blocking client resolves once per new connection, so the count is the number
 * of connections opened.
 */
final class SdkClients {
  private SdkClients() {}

  static SdkHttpClient blockingHttp(SesApiSettings s, AtomicLong connections) {
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
