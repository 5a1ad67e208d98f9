package dev.sluice.ses;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Credentials of an assumed IAM role, for an upstream whose account is reached through a role: the
 * SDK's {@link StsAssumeRoleCredentialsProvider}, calling STS with the base credentials (a profile,
 * or the default chain) and renewing the temporary credentials before they expire.
 *
 * <p>Design note. STS is asked in the upstream's region; an upstream at an endpoint of its own (the
 * simulator, a test server) gets STS at that same endpoint, since a fake SES account has no real
 * role to assume, while real SES (a region, or an {@code amazonaws.com} host) gets the regional STS
 * endpoint. Renewal is the SDK's: the credentials are fetched again a few minutes before they
 * expire, on the thread of the call that finds them due (others keep the current ones meanwhile).
 * {@link #check()} assumes the role once at start so a refusal (a role that does not exist or does
 * not trust the caller, a wrong external id) stops the start instead of deferring every message.
 *
 * <p>Thread-safe; {@link #close()} releases the STS client and the base credentials it made.
 */
public final class AssumedRole implements AwsCredentialsProvider, SdkAutoCloseable {
  private final String roleArn;
  private final StsClient sts;
  private final StsAssumeRoleCredentialsProvider provider;
  private final SdkAutoCloseable ownedBase;

  /**
   * What to assume.
   *
   * @param roleArn the role's ARN
   * @param externalId the external id the role's trust policy asks for, if any
   * @param sessionName the session name (shown in CloudTrail)
   */
  public record Role(String roleArn, Optional<String> externalId, String sessionName) {
    /** Checks for nulls. */
    public Role {
      Objects.requireNonNull(roleArn, "roleArn");
      Objects.requireNonNull(externalId, "externalId");
      Objects.requireNonNull(sessionName, "sessionName");
    }
  }

  private AssumedRole(
      Role role, String region, URI stsEndpoint, AwsCredentialsProvider base, boolean owned) {
    this.roleArn = role.roleArn();
    StsClientBuilder b =
        StsClient.builder()
            .region(Region.of(region))
            .credentialsProvider(base)
            .httpClient(Apache5HttpClient.builder().maxConnections(2).build());
    if (stsEndpoint != null) {
      b.endpointOverride(stsEndpoint);
    }
    this.sts = b.build();
    this.provider =
        StsAssumeRoleCredentialsProvider.builder()
            .stsClient(sts)
            .refreshRequest(
                r -> {
                  r.roleArn(role.roleArn()).roleSessionName(role.sessionName());
                  if (role.externalId().isPresent()) {
                    r.externalId(role.externalId().get());
                  }
                })
            .build();
    this.ownedBase = owned ? (SdkAutoCloseable) base : null;
  }

  /**
   * Assumes {@code role} in {@code region}.
   *
   * @param stsEndpoint STS's endpoint, or null for the region's
   * @param base the caller's credentials, or null for the SDK's default chain
   */
  public static AssumedRole of(
      Role role, String region, URI stsEndpoint, AwsCredentialsProvider base) {
    return base == null
        ? new AssumedRole(
            role, region, stsEndpoint, DefaultCredentialsProvider.builder().build(), true)
        : new AssumedRole(role, region, stsEndpoint, base, false);
  }

  @Override
  public AwsCredentials resolveCredentials() {
    return provider.resolveCredentials();
  }

  /**
   * Assumes the role now.
   *
   * @return empty when STS gave credentials; a warning when STS could not be asked (unreachable, or
   *     no base credentials found); the role is then asked again at the first call
   * @throws IllegalStateException when STS refused, with its code and words
   */
  public Optional<String> check() {
    try {
      provider.resolveCredentials();
      return Optional.empty();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      String words =
          e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      throw new IllegalStateException(
          "STS refused to assume role "
              + roleArn
              + ": "
              + e.statusCode()
              + " "
              + code
              + ": "
              + words,
          e);
    } catch (SdkException e) {
      return Optional.of(
          "could not assume role "
              + roleArn
              + " now (asked again at the first call): "
              + e.getMessage());
    }
  }

  /** The role's ARN. */
  public String roleArn() {
    return roleArn;
  }

  @Override
  public void close() {
    provider.close();
    sts.close();
    if (ownedBase != null) {
      ownedBase.close();
    }
  }
}
