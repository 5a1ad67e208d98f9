package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.messagemanager.sns.internal.SignatureValidator;
import software.amazon.awssdk.messagemanager.sns.internal.SnsMessageUnmarshaller;
import software.amazon.awssdk.messagemanager.sns.model.SnsMessage;

/**
 * The simulator's signatures checked by the AWS SDK for Java's own SNS verifier (the parser and
 * signature check inside {@code sns-message-manager}), given only the simulator's certificate:
 * seeded-random messages of every type and both SignatureVersions verify, and a changed Message or
 * Signature does not.
 *
 * <p>The SDK's {@code SnsMessageManager} itself cannot be pointed at the simulator: it accepts a
 * SigningCertURL only on the host {@code sns.<region>.amazonaws.com} and a certificate only in
 * SNS's name ({@code sns.amazonaws.com} in most regions); its parser and validator, used here, take
 * any public key.
 */
class SnsSignatureCrossCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHARS = "abcXYZ019 {}[]\":,\\/\n\r\t'<>&=+%éüß中文😀\u2028\u0001";
  private static SnsSigner signer;
  private static PublicKey key;

  @BeforeAll
  static void key() {
    signer = SnsSigner.generate();
    key = signer.certificate().certificate().getPublicKey();
  }

  @Test
  void sdkValidator_seededRandomMessages_acceptsEveryOneAndRefusesTampering() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int i = 0; i < 150; i++) {
      int version = 1 + r.nextInt(2);
      dev.sluice.simulator.sns.SnsMessage m = randomMessage(r);
      String json =
          m.toJson(
              version,
              signer.sign(m, version),
              "https://127.0.0.1:8443/" + signer.fileName(),
              "https://127.0.0.1:8443/?Action=Unsubscribe&SubscriptionArn=" + m.topicArn() + ":x");
      String what = "seed " + seed + ", message " + i + " (" + m.type() + ", v" + version + ")";
      assertThatCode(() -> sdkVerify(json)).as(what).doesNotThrowAnyException();
      assertThat(jdkVerify(m, version, JSON.readTree(json).get("Signature").asText()))
          .as(what)
          .isTrue();

      ObjectNode changed = (ObjectNode) JSON.readTree(json);
      changed.put("Message", m.message() + (char) ('a' + r.nextInt(26)));
      assertThatThrownBy(() -> sdkVerify(changed.toString()))
          .as("changed Message, " + what)
          .isInstanceOf(SdkClientException.class);

      ObjectNode forged = (ObjectNode) JSON.readTree(json);
      byte[] sig = Base64.getDecoder().decode(forged.get("Signature").asText());
      sig[r.nextInt(sig.length)] ^= (byte) (1 + r.nextInt(255));
      forged.put("Signature", Base64.getEncoder().encodeToString(sig));
      assertThatThrownBy(() -> sdkVerify(forged.toString()))
          .as("changed Signature, " + what)
          .isInstanceOf(SdkClientException.class);
    }
  }

  @Test
  void sdkValidator_otherKeysCertificate_refuses() {
    dev.sluice.simulator.sns.SnsMessage m =
        dev.sluice.simulator.sns.SnsMessage.notification(
            "id", SnsMessageTest.TOPIC, null, "hello", 1_700_000_000_123L);
    String json = m.toJson(2, SnsSigner.generate().sign(m, 2), "https://h/c.pem", "https://h/u");
    assertThatThrownBy(() -> sdkVerify(json)).isInstanceOf(SdkClientException.class);
  }

  private static void sdkVerify(String json) {
    SnsMessage parsed =
        new SnsMessageUnmarshaller()
            .unmarshall(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    new SignatureValidator().validateSignature(parsed, key);
  }

  private static boolean jdkVerify(
      dev.sluice.simulator.sns.SnsMessage m, int version, String signature) throws Exception {
    Signature s = Signature.getInstance(version == 1 ? "SHA1withRSA" : "SHA256withRSA");
    s.initVerify(key);
    s.update(m.stringToSign().getBytes(StandardCharsets.UTF_8));
    return s.verify(Base64.getDecoder().decode(signature));
  }

  private static dev.sluice.simulator.sns.SnsMessage randomMessage(Random r) {
    String topic = "arn:aws:sns:us-east-1:123456789012:topic-" + r.nextInt(1000);
    String id = new java.util.UUID(r.nextLong(), r.nextLong()).toString();
    // Whole seconds (".000") included: one in four lands on one.
    long millis =
        1_600_000_000_000L
            + r.nextInt(1_000_000) * 1000L
            + (r.nextInt(4) == 0 ? 0 : r.nextInt(1000));
    String token = Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
    String subscribeUrl = new SnsUrls("https://127.0.0.1:8443").subscribe(topic, token);
    return switch (r.nextInt(3)) {
      case 0 ->
          dev.sluice.simulator.sns.SnsMessage.notification(
              id,
              topic,
              r.nextBoolean() ? null : text(r, 1 + r.nextInt(40)),
              text(r, r.nextInt(600)),
              millis);
      case 1 ->
          dev.sluice.simulator.sns.SnsMessage.subscriptionConfirmation(
              id, topic, token, subscribeUrl, millis);
      default ->
          dev.sluice.simulator.sns.SnsMessage.unsubscribeConfirmation(
              id, topic, topic + ":" + id, token, subscribeUrl, millis);
    };
  }

  private static String text(Random r, int length) {
    StringBuilder sb = new StringBuilder();
    int[] cps = CHARS.codePoints().toArray();
    for (int i = 0; i < length; i++) {
      sb.appendCodePoint(cps[r.nextInt(cps.length)]);
    }
    return sb.toString();
  }
}
