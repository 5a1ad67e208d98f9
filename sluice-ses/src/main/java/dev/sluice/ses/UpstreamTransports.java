package dev.sluice.ses;

import dev.sluice.core.transport.Transport;
import dev.sluice.ses.smtp.SmtpTransport;
import dev.sluice.smtp.client.PoolSettings;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.smtp.client.SmtpCredentials;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

/**
 * Opens the transport a target URL names, sized for a concurrency level: what {@code sluice bench}
 * measures and what the relay delivers through.
 */
public final class UpstreamTransports {
  private UpstreamTransports() {}

  /**
   * How to reach a target beyond its URL.
   *
   * @param credentials credentials for the SES APIs, or null for the SDK's default chain
   * @param keepAlive whether connections are reused
   * @param asyncClient whether the SES APIs use the SDK's async client
   * @param trust extra trust for HTTPS, or null
   * @param tls the context for STARTTLS, or null for the JDK default
   * @param httpClient the HTTP client under the blocking SDK client
   */
  public record Connection(
      AwsCredentialsProvider credentials,
      boolean keepAlive,
      boolean asyncClient,
      TlsTrustManagersProvider trust,
      SSLContext tls,
      HttpClientKind httpClient) {
    /** The SDK's default credentials, keep-alive, the sync client on Apache5, the JDK's trust. */
    public static Connection defaults() {
      return new Connection(null, true, false, null, null, HttpClientKind.APACHE5);
    }
  }

  /** Opens the transport for {@code t} with up to {@code concurrency} connections. */
  public static Transport open(UpstreamUrl t, int concurrency, Connection o) {
    return switch (t.kind()) {
      case SES_V2, SES_V1 -> {
        SesApiSettings s =
            SesApiSettings.of(t.region(), t.endpoint(), o.credentials())
                .withMaxConnections(Math.max(1, concurrency))
                .withKeepAlive(o.keepAlive())
                .withAsyncClient(o.asyncClient())
                .withHttpClient(o.httpClient())
                .withTrust(o.trust());
        yield t.kind() == UpstreamUrl.Kind.SES_V2
            ? SesV2Transport.create(s)
            : SesV1Transport.create(s);
      }
      case SES_SMTP, SMTP -> smtp(t, concurrency, o);
    };
  }

  private static Transport smtp(UpstreamUrl t, int concurrency, Connection o) {
    String host = t.endpoint().getHost();
    int port = t.endpoint().getPort();
    PoolSettings pool =
        PoolSettings.defaults()
            .withMaxConnections(Math.max(1, concurrency))
            .withReuse(o.keepAlive())
            .withAcquireTimeout(Duration.ofSeconds(60));
    SmtpCredentials creds = t.user() == null ? null : new SmtpCredentials(t.user(), t.password());
    if (t.kind() == UpstreamUrl.Kind.SES_SMTP) {
      return SmtpTransport.ses(host, port, o.tls(), creds, Duration.ofSeconds(30), pool);
    }
    SmtpClientConfig.Builder c =
        SmtpClientConfig.builder(host, port)
            .startTls(SmtpClientConfig.StartTls.IF_OFFERED, o.tls())
            .connectTimeout(Duration.ofSeconds(10))
            .readTimeout(Duration.ofSeconds(60))
            .writeTimeout(Duration.ofSeconds(60));
    if (creds != null) {
      c.credentials(creds);
    }
    return SmtpTransport.relay(
        c.build(), SmtpTransport.DEFAULT_RELAY_MAX_RECIPIENTS, 64L * 1024 * 1024, pool);
  }
}
