package dev.sluice.bench;

import dev.sluice.core.transport.Transport;
import dev.sluice.ses.HttpClientKind;
import dev.sluice.ses.UpstreamTransports;
import dev.sluice.ses.UpstreamUrl;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

/**
 * One benchmark's settings.
 *
 * @param target where to send
 * @param levels the concurrency levels to run, in order (one for a fixed-concurrency run)
 * @param processes worker processes per level (1: this process only)
 * @param messages messages per level and process, or -1 to run for {@code duration}
 * @param duration how long each level runs when {@code messages} is -1
 * @param warmup how long each level runs before measuring
 * @param recipients the recipient addresses to cycle through
 * @param recipientsPerMessage recipients on each message
 * @param messageSize approximate message size in bytes
 * @param maxSendRate recipients per second to shape to; NaN follows the account, negative is
 *     unlimited
 * @param keepAlive false to open a new connection for every call
 * @param asyncClient use the SDK's asynchronous client for API targets
 * @param credentials credentials for API targets, or null for the SDK's default chain
 * @param trust extra trust for HTTPS, or null
 * @param tls the TLS context for SMTP STARTTLS, or null for the JDK default
 * @param httpClient the HTTP client under the blocking SDK client for API targets
 */
public record BenchOptions(
    UpstreamUrl target,
    List<Integer> levels,
    int processes,
    long messages,
    Duration duration,
    Duration warmup,
    List<String> recipients,
    int recipientsPerMessage,
    int messageSize,
    double maxSendRate,
    boolean keepAlive,
    boolean asyncClient,
    AwsCredentialsProvider credentials,
    TlsTrustManagersProvider trust,
    SSLContext tls,
    HttpClientKind httpClient) {
  /** Copies the lists and checks the values. */
  public BenchOptions {
    levels = List.copyOf(levels);
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(httpClient, "httpClient");
    if (levels.isEmpty() || levels.stream().anyMatch(l -> l < 1)) {
      throw new IllegalArgumentException("concurrency levels must be >= 1");
    }
    if (processes < 1 || recipientsPerMessage < 1 || recipients.isEmpty()) {
      throw new IllegalArgumentException(
          "processes, recipients per message and recipients must be >= 1");
    }
  }

  /** The levels 1, 2, 4 … up to and including {@code max}. */
  public static List<Integer> ramp(int max) {
    List<Integer> out = new java.util.ArrayList<>();
    for (int c = 1; c < max; c *= 2) {
      out.add(c);
    }
    out.add(max);
    return out;
  }

  /** Opens the transport to the target with up to {@code concurrency} connections. */
  Transport openTransport(int concurrency) {
    return UpstreamTransports.open(
        target(),
        concurrency,
        new UpstreamTransports.Connection(
            credentials(), keepAlive(), asyncClient(), trust(), tls(), httpClient()));
  }
}
