package dev.sluice.simulator;

import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Real AWS SDK v2 clients pointed at a running simulator, with SDK retries off so every answer is
 * seen.
 */
final class SesClients {
  static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  /** The simulator setting that verifies signatures against these credentials. */
  static final String STRICT = "strict-auth=" + ACCESS_KEY + ":" + SECRET;

  private SesClients() {}

  static SdkHttpClient http(Simulator sim, Duration socketTimeout) {
    return Apache5HttpClient.builder()
        .socketTimeout(socketTimeout)
        .maxConnections(64)
        .tlsTrustManagersProvider(
            () -> {
              try {
                TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(sim.certificate().trustStore());
                return tmf.getTrustManagers();
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
              }
            })
        .build();
  }

  /** A JavaMail session for the simulator's SMTP endpoint: STARTTLS required, AUTH on. */
  static jakarta.mail.Session smtpSession(Simulator sim) {
    java.util.Properties p = new java.util.Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", String.valueOf(sim.smtpPort()));
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", sim.certificate().clientContext().getSocketFactory());
    p.put("mail.smtp.timeout", "10000");
    return jakarta.mail.Session.getInstance(p);
  }

  static SesV2Client v2(Simulator sim, URI endpoint) {
    return v2(sim, endpoint, SECRET, Duration.ofSeconds(10));
  }

  static SesV2Client v2(Simulator sim, URI endpoint, String secret, Duration socketTimeout) {
    return SesV2Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, secret)))
        .httpClient(http(sim, socketTimeout))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  static SesClient v1(Simulator sim, URI endpoint) {
    return SesClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET)))
        .httpClient(http(sim, Duration.ofSeconds(10)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }
}
