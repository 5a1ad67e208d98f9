package dev.sluice.simulator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Uses the AWS SDK for Java v2 signer (a test dependency) as an oracle: whatever it signs, with
 * paths, queries and headers drawn from a seeded {@link Random}, the verifier must accept.
 */
class SigV4SdkCrossCheckTest {
  private static final String AKID = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final Instant NOW = Instant.parse("2024-01-15T12:00:00Z");
  private static final String SEGMENT_CHARS = "abcXYZ019-_.~%@+=:! é";

  private static SignedRequest sign(SdkHttpRequest request, byte[] body, String region) {
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(AwsCredentialsIdentity.create(AKID, SECRET))
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ses")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private static boolean verify(SignedRequest signed, byte[] body, String secret) {
    SdkHttpRequest r = signed.request();
    URI uri = r.getUri();
    SigV4Credential cred =
        SigV4Credential.parse(r.firstMatchingHeader("Authorization").orElse(null));
    return SigV4Verifier.verify(
        cred,
        r.method().name(),
        uri.getRawPath(),
        uri.getRawQuery(),
        name -> r.firstMatchingHeader(name).orElse(null),
        body,
        secret,
        r.firstMatchingHeader("X-Amz-Date").orElseThrow());
  }

  private static String encodedSegment(Random rnd) {
    StringBuilder raw = new StringBuilder();
    int len = 1 + rnd.nextInt(8);
    for (int i = 0; i < len; i++) {
      raw.append(SEGMENT_CHARS.charAt(rnd.nextInt(SEGMENT_CHARS.length())));
    }
    // Dot segments are out of scope: the SDK normalises them away, the verifier does not.
    return raw.toString().matches("\\.+") ? "dots" : SigV4Verifier.encode(raw.toString(), false);
  }

  @Test
  void verify_sdkSignedTv3Shape_true() {
    byte[] body = "{\"FromEmailAddress\":\"sender@example.com\"}".getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(URI.create("https://email.us-east-1.amazonaws.com/v2/email/outbound-emails"))
            .putHeader("Content-Type", "application/json")
            .build();

    SignedRequest signed = sign(request, body, "us-east-1");

    assertThat(verify(signed, body, SECRET)).isTrue();
    assertThat(verify(signed, "{}".getBytes(StandardCharsets.UTF_8), SECRET)).isFalse();
  }

  @Test
  void verify_sdkSignedRandomRequests_true() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int i = 0; i < 40; i++) {
      StringBuilder path = new StringBuilder("/v2/email");
      for (int s = rnd.nextInt(3); s >= 0; s--) {
        path.append('/').append(encodedSegment(rnd));
      }
      SdkHttpRequest.Builder b =
          SdkHttpRequest.builder()
              .method(rnd.nextBoolean() ? SdkHttpMethod.GET : SdkHttpMethod.PUT)
              .protocol("https")
              .host("email.eu-west-1.amazonaws.com")
              .encodedPath(path.toString())
              .putHeader("X-Custom-" + i, "  spaced   value\t" + rnd.nextInt(1000) + "  ");
      for (int q = rnd.nextInt(4); q > 0; q--) {
        b.appendRawQueryParameter(
            SEGMENT_CHARS.substring(rnd.nextInt(4), 6).toLowerCase(Locale.ROOT),
            rnd.nextBoolean() ? "" : encodedSegment(rnd));
      }
      byte[] body = new byte[rnd.nextInt(64)];
      rnd.nextBytes(body);

      SignedRequest signed = sign(b.build(), body, "eu-west-1");

      assertThat(verify(signed, body, SECRET))
          .as("seed=%d request=%s", seed, signed.request().getUri())
          .isTrue();
      assertThat(verify(signed, body, SECRET + "x")).as("seed=%d wrong secret", seed).isFalse();
    }
  }
}
