package dev.sluice.jmh;

import dev.sluice.simulator.auth.SigV4Credential;
import dev.sluice.simulator.auth.SigV4Verifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signature Version 4 on a v2 SendEmail of a 2 KB raw message: the AWS SDK's signer as each of the
 * relay's calls runs it (payload hashed, as the SDK does for SES), and the simulator's {@link
 * SigV4Verifier} checking that signed request, beside the SHA-256 of the body alone (the part of
 * either that grows with the message).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SigV4Bench {
  private static final String KEY = "AKIDBENCH";
  private static final String SECRET = "bench-secret-key";

  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final AwsCredentialsIdentity identity = AwsCredentialsIdentity.create(KEY, SECRET);
  private SdkHttpRequest request;
  private byte[] body;
  private SigV4Credential credential;
  private Map<String, String> signedHeaders;

  /** Builds the request and signs it once for the verifier. */
  @Setup
  public void setUp() {
    body = sendEmailBody().getBytes(StandardCharsets.UTF_8);
    request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(URI.create("http://127.0.0.1:8025/v2/email/outbound-emails"))
            .putHeader("Content-Type", "application/json")
            .putHeader("Content-Length", Integer.toString(body.length))
            .build();
    SdkHttpRequest signed = sdkSign().request();
    signedHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    signed.headers().forEach((name, values) -> signedHeaders.put(name, values.get(0)));
    credential = SigV4Credential.parse(signedHeaders.get("Authorization"));
    if (!simulatorVerify()) {
      throw new IllegalStateException("the simulator does not accept the SDK's signature");
    }
  }

  /** The SDK signing the request, as the relay's call pays it. */
  @Benchmark
  public SignedRequest sdkSign() {
    return signer.sign(
        r ->
            r.identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ses")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
  }

  /** The simulator verifying the signed request. */
  @Benchmark
  public boolean simulatorVerify() {
    return SigV4Verifier.verify(
        credential,
        "POST",
        "/v2/email/outbound-emails",
        "",
        signedHeaders::get,
        body,
        SECRET,
        signedHeaders.get("X-Amz-Date"));
  }

  /** Baseline: the body's SHA-256 alone. */
  @Benchmark
  public byte[] sha256Body() throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(body);
  }

  /** A v2 SendEmail body carrying a 2 KB raw message, as the relay sends it. */
  static String sendEmailBody() {
    byte[] raw = new byte[2048];
    Arrays.fill(raw, (byte) 'x');
    return "{\"Content\":{\"Raw\":{\"Data\":\""
        + Base64.getEncoder().encodeToString(raw)
        + "\"}},\"Destination\":{\"ToAddresses\":[\"rcpt@example.net\"]},"
        + "\"FromEmailAddress\":\"bench@example.com\"}";
  }
}
