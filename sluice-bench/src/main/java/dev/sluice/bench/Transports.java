package dev.sluice.bench;

import dev.sluice.core.transport.Transport;
import dev.sluice.ses.SesApiSettings;
import dev.sluice.ses.SesV1Transport;
import dev.sluice.ses.SesV2Transport;

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
    throw new IllegalArgumentException("SMTP targets are wired in the next step");
  }
}
