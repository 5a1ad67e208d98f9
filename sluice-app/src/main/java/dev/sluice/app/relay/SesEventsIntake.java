package dev.sluice.app.relay;

import dev.sluice.core.Clock;
import dev.sluice.core.config.ConfigException;
import dev.sluice.feedback.SesEventRecorder;
import dev.sluice.feedback.intake.SnsEndpoint;
import dev.sluice.feedback.intake.SnsIntake;
import dev.sluice.feedback.intake.SqsReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The relay's intake of SES's events, as {@link SesEventsSettings} asks: the SNS endpoint on its
 * own listener and/or the SQS reader, both handing events to the given recorder.
 *
 * <p>Thread-safe: started once, closed once.
 */
final class SesEventsIntake implements AutoCloseable {
  private static final Pattern SQS_HOST = Pattern.compile("sqs\\.([a-z0-9-]+)\\.amazonaws\\.com");

  private final SnsIntake intake;
  private final SnsEndpoint endpoint;
  private final SqsClient sqs;
  private final SqsReader reader;

  private SesEventsIntake(SnsIntake intake, SnsEndpoint endpoint, SqsClient sqs, SqsReader reader) {
    this.intake = intake;
    this.endpoint = endpoint;
    this.sqs = sqs;
    this.reader = reader;
  }

  /**
   * Starts what the settings turn on.
   *
   * @param recorder where events go; null when this build has no event store, which is then a
   *     configuration error
   * @param region the relay's {@code relay.region}, or empty
   * @param env the environment AWS credentials and region are read from
   * @throws IOException when the SNS endpoint cannot listen
   */
  static SesEventsIntake start(
      SesEventsSettings s,
      SesEventRecorder recorder,
      MeterRegistry registry,
      String region,
      Map<String, String> env)
      throws IOException {
    if (recorder == null) {
      throw new ConfigException(
          SesEventsSettings.LISTEN.name()
              + " and "
              + SesEventsSettings.QUEUE.name()
              + " need the feedback store to record SES's events in, and this node has none (another"
              + " relay on this machine holds "
              + "relay.feedback.dir; give each node its own)");
    }
    SnsIntake intake = new SnsIntake(s.trust(), trust(s), recorder, registry, Clock.system());
    SnsEndpoint endpoint = null;
    SqsClient sqs = null;
    SqsReader reader = null;
    try {
      if (s.snsListen().isPresent()) {
        endpoint =
            new SnsEndpoint(
                intake,
                new InetSocketAddress(
                    s.snsListen().get().getHostString(), s.snsListen().get().getPort()));
        endpoint.start();
      }
      if (s.sqsQueueUrl().isPresent()) {
        URI queue = s.sqsQueueUrl().get();
        sqs = sqsClient(queue, region, env);
        reader = new SqsReader(sqs, queue.toString(), intake);
        reader.start();
      }
    } catch (IOException | RuntimeException e) {
      new SesEventsIntake(intake, endpoint, sqs, reader).close();
      throw e;
    }
    return new SesEventsIntake(intake, endpoint, sqs, reader);
  }

  /** The SNS endpoint's port, or -1 when it is off. */
  int snsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /** The TLS trust for certificate fetches: one PEM certificate, or the JDK's CAs (null). */
  private static SSLContext trust(SesEventsSettings s) {
    if (s.trustCa().isEmpty()) {
      return null;
    }
    try (InputStream in = Files.newInputStream(s.trustCa().get())) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry(
          "sns-trust", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          SesEventsSettings.TRUST_CA.name()
              + ": cannot read a PEM certificate from "
              + s.trustCa().get()
              + ": "
              + e.getMessage());
    }
  }

  /**
   * A client for the queue: AWS's endpoint for an AWS queue URL (region from it, unless {@code
   * relay.region} says otherwise), else the URL's own host (an SQS-compatible server).
   */
  private static SqsClient sqsClient(URI queue, String region, Map<String, String> env) {
    SqsClientBuilder b = SqsClient.builder();
    Matcher aws = SQS_HOST.matcher(queue.getHost() == null ? "" : queue.getHost());
    String r = region;
    if (r.isBlank() && aws.matches()) {
      r = aws.group(1);
    }
    if (r.isBlank()) {
      r = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    }
    b.region(Region.of(r));
    if (!aws.matches()) {
      b.endpointOverride(
          URI.create(
              queue.getScheme()
                  + "://"
                  + queue.getHost()
                  + (queue.getPort() == -1 ? "" : ":" + queue.getPort())));
    }
    String key = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (key != null && secret != null && env.get("AWS_SESSION_TOKEN") == null) {
      b.credentialsProvider(
          StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)));
    } else {
      b.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return b.build();
  }

  /**
   * Stops the reader (closing its client ends the long poll in progress rather than waiting up to
   * 20 s for it) and the endpoint; idempotent.
   */
  @Override
  public void close() {
    if (reader != null) {
      reader.stopPolling();
    }
    if (sqs != null) {
      sqs.close();
    }
    if (reader != null) {
      reader.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
    intake.close();
  }
}
