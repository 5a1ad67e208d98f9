package dev.sluice.feedback.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.simulator.sns.SnsMessage;
import org.junit.jupiter.api.Test;

/** The envelope reads what the simulator's SNS writes, and signs the same canonical string. */
class SnsEnvelopeTest {
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:ses";

  private static void sameStringToSign(SnsMessage m) throws SnsRefusal {
    SnsEnvelope e =
        SnsEnvelope.parse(m.toJson(2, "c2ln", "https://127.0.0.1:1/a.pem", "https://x/unsub"));
    assertThat(e.stringToSign()).isEqualTo(m.stringToSign());
    assertThat(e.type()).isEqualTo(m.type().wire());
    assertThat(e.signatureVersion()).isEqualTo("2");
  }

  @Test
  void stringToSign_everyType_sameAsTheSimulatorSigns() throws Exception {
    sameStringToSign(SnsMessage.notification("id-1", TOPIC, "Subj", "{\"a\":\"\\n\"}", 0));
    sameStringToSign(SnsMessage.notification("id-2", TOPIC, null, "body", 0));
    sameStringToSign(
        SnsMessage.subscriptionConfirmation("id-3", TOPIC, "tok", "https://h/?Action=C", 0));
    sameStringToSign(
        SnsMessage.unsubscribeConfirmation("id-4", TOPIC, TOPIC + ":sub", "tok", "https://h/", 0));
  }

  @Test
  void parse_missingOrMistypedFields_malformed() {
    String ok =
        SnsMessage.notification("id-1", TOPIC, null, "body", 0)
            .toJson(1, "c2ln", "https://h/a.pem", "https://h/u");
    assertThat(catchReason(ok.replace("\"SignatureVersion\" : \"1\"", "\"SignatureVersion\" : 1")))
        .isEqualTo(SnsRefusal.Reason.MALFORMED);
    assertThat(catchReason(ok.replace("\"Type\" : \"Notification\"", "\"Type\" : \"Other\"")))
        .isEqualTo(SnsRefusal.Reason.MALFORMED);
    assertThat(catchReason(ok.replace("\"MessageId\"", "\"Id\"")))
        .isEqualTo(SnsRefusal.Reason.MALFORMED);
    assertThat(catchReason("[]")).isEqualTo(SnsRefusal.Reason.MALFORMED);
    assertThatThrownBy(() -> SnsEnvelope.parse("{")).hasMessageStartingWith("malformed: ");
  }

  private static SnsRefusal.Reason catchReason(String json) {
    try {
      SnsEnvelope.parse(json);
      return null;
    } catch (SnsRefusal r) {
      return r.reason();
    }
  }
}
