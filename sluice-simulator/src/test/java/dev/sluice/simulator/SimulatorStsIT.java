package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.SesException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The STS endpoint's AssumeRole with the real SDK: signed calls from known credentials get
 * temporary ones, SES calls signed with those (and their session token) are taken and recorded
 * under the temporary key, and a wrong or expired token, a wrong caller and a role not allowed are
 * refused with AWS's errors.
 */
class SimulatorStsIT {
  private static final String ROLE = "arn:aws:iam::123456789012:role/sender";

  private static Simulator strict(ManualClock clock, String... more) {
    String[] settings = new String[more.length + 3];
    settings[0] = SesClients.STRICT;
    settings[1] = "https-port=off";
    settings[2] = "smtp-port=off";
    System.arraycopy(more, 0, settings, 3, more.length);
    SimulatorConfig c = SimulatorConfig.onFreePorts(settings);
    return clock == null ? Simulator.start(c) : Simulator.start(c, clock);
  }

  private static StsClient sts(Simulator sim, String secret) {
    return StsClient.builder()
        .endpointOverride(sim.httpEndpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(SesClients.ACCESS_KEY, secret)))
        .httpClient(SesClients.http(sim, Duration.ofSeconds(10)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static SesV2Client v2(Simulator sim, AwsCredentialsProvider credentials) {
    return SesV2Client.builder()
        .endpointOverride(sim.httpEndpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .httpClient(SesClients.http(sim, Duration.ofSeconds(10)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static StaticCredentialsProvider session(Credentials c, String token) {
    return StaticCredentialsProvider.create(
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), token));
  }

  @Test
  void assumeRole_providerOfTheSdk_sesCallsSignedWithTemporaryKeyAreTakenAndRecorded() {
    try (Simulator sim = strict(null);
        StsClient sts = sts(sim, SesClients.SECRET);
        StsAssumeRoleCredentialsProvider role =
            StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> r.roleArn(ROLE).roleSessionName("relay"))
                .build();
        SesV2Client ses = v2(sim, role)) {
      String id = ses.sendEmail(SimulatorV2IT.simple("a@example.net")).messageId();
      String key = role.resolveCredentials().accessKeyId();
      assertThat(key).startsWith("ASIA").hasSize(20);
      assertThat(sim.core().inbox().find(id).accessKeyId()).isEqualTo(key);
      assertThat(sim.core().temporaryCredentials().find(key).roleArn()).isEqualTo(ROLE);
    }
  }

  @Test
  void assumeRole_answer_carriesTheSessionAndItsExpiry() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z").toEpochMilli());
    try (Simulator sim = strict(clock);
        StsClient sts = sts(sim, SesClients.SECRET)) {
      var r = sts.assumeRole(b -> b.roleArn(ROLE).roleSessionName("relay-eu").durationSeconds(900));
      assertThat(r.credentials().expiration()).isEqualTo(Instant.parse("2026-12-06T12:15:00Z"));
      assertThat(r.credentials().sessionToken()).isNotBlank();
      assertThat(r.assumedRoleUser().arn())
          .isEqualTo("arn:aws:sts::123456789012:assumed-role/sender/relay-eu");
    }
  }

  @Test
  void sesCall_expiredOrWrongSessionToken_isRefusedWithSesErrors() {
    ManualClock clock = new ManualClock(System.currentTimeMillis());
    try (Simulator sim = strict(clock);
        StsClient sts = sts(sim, SesClients.SECRET)) {
      Credentials c =
          sts.assumeRole(b -> b.roleArn(ROLE).roleSessionName("relay").durationSeconds(900))
              .credentials();
      try (SesV2Client wrongToken = v2(sim, session(c, "not-the-token"))) {
        assertThatThrownBy(() -> wrongToken.sendEmail(SimulatorV2IT.simple("a@example.net")))
            .isInstanceOfSatisfying(
                SesV2Exception.class,
                e -> {
                  assertThat(e.statusCode()).isEqualTo(403);
                  assertThat(e.awsErrorDetails().errorCode())
                      .isEqualTo("UnrecognizedClientException");
                });
      }
      clock.advance(Duration.ofSeconds(901));
      try (SesV2Client expired = v2(sim, session(c, c.sessionToken()));
          SesClient v1 =
              SesClient.builder()
                  .endpointOverride(sim.httpEndpoint())
                  .region(Region.US_EAST_1)
                  .credentialsProvider(session(c, c.sessionToken()))
                  .httpClient(SesClients.http(sim, Duration.ofSeconds(10)))
                  .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                  .build()) {
        assertThatThrownBy(() -> expired.sendEmail(SimulatorV2IT.simple("a@example.net")))
            .isInstanceOfSatisfying(
                SesV2Exception.class,
                e -> {
                  assertThat(e.statusCode()).isEqualTo(403);
                  assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException");
                  assertThat(e.awsErrorDetails().errorMessage()).contains("expired");
                });
        assertThatThrownBy(() -> v1.sendEmail(SimulatorV1IT.simple("a@example.net")))
            .isInstanceOfSatisfying(
                SesException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken"));
      }
      assertThat(sim.core().inbox().total()).isZero();
    }
  }

  @Test
  void assumeRole_wrongCallerSecret_isRefusedBeforeAnyRoleIsGiven() {
    try (Simulator sim = strict(null);
        StsClient sts = sts(sim, "not-the-secret")) {
      assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(ROLE).roleSessionName("relay")))
          .isInstanceOfSatisfying(
              StsException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
              });
    }
  }

  @Test
  void assumeRole_roleNotListedOrWrongExternalId_isAccessDenied() {
    try (Simulator sim = strict(null, "sts-roles=" + ROLE + "=ext-42");
        StsClient sts = sts(sim, SesClients.SECRET)) {
      assertThat(
              sts.assumeRole(b -> b.roleArn(ROLE).roleSessionName("relay").externalId("ext-42"))
                  .credentials()
                  .accessKeyId())
          .startsWith("ASIA");
      assertThatThrownBy(
              () ->
                  sts.assumeRole(
                      b -> b.roleArn(ROLE).roleSessionName("relay").externalId("ext-41")))
          .isInstanceOfSatisfying(
              StsException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
              });
      assertThatThrownBy(
              () ->
                  sts.assumeRole(
                      b ->
                          b.roleArn("arn:aws:iam::123456789012:role/other")
                              .roleSessionName("relay")))
          .isInstanceOfSatisfying(
              StsException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(e.awsErrorDetails().errorMessage())
                    .contains("not authorized to perform: sts:AssumeRole")
                    .contains("role/other");
              });
      assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn("sender").roleSessionName("relay")))
          .isInstanceOfSatisfying(
              StsException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
    }
  }
}
