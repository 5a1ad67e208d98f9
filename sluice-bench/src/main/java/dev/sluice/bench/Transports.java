package dev.sluice.bench;

import dev.sluice.core.transport.Transport;
import dev.sluice.ses.SesApiSettings;
import dev.sluice.ses.SesV1Transport;
import dev.sluice.ses.SesV2Transport;
import dev.sluice.ses.smtp.SmtpTransport;
import dev.sluice.smtp.client.PoolSettings;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.smtp.client.SmtpCredentials;
import java.time.Duration;

/** Opens the transport a target names, sized for a concurrency level. */
final class Transports {
  private Transports() {}

  static Transport open(BenchOptions o, int concurrency) {
    BenchTarget t = o.target();
    return switch (t.kind()) {
      case SES_V2, SES_V1 -> {
        SesApiSettings s =
            SesApiSettings.of(t.region(), t.endpoint(), o.credentials())
                .withMaxConnections(Math.max(1, concurrency))
                .withKeepAlive(o.keepAlive())
                .withAsyncClient(o.asyncClient())
                .withTrust(o.trust());
        yield t.kind() == BenchTarget.Kind.SES_V2
            ? SesV2Transport.create(s)
            : SesV1Transport.create(s);
      }
      case SES_SMTP, SMTP -> smtp(o, concurrency);
    };
  }

  private static Transport smtp(BenchOptions o, int concurrency) {
    BenchTarget t = o.target();
    String host = t.endpoint().getHost();
    int port = t.endpoint().getPort();
    PoolSettings pool =
        PoolSettings.defaults()
            .withMaxConnections(Math.max(1, concurrency))
            .withReuse(o.keepAlive())
            .withAcquireTimeout(Duration.ofSeconds(60));
    SmtpCredentials creds = t.user() == null ? null : new SmtpCredentials(t.user(), t.password());
    if (t.kind() == BenchTarget.Kind.SES_SMTP) {
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
