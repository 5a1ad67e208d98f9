package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSubmissionTest {
  private final JsonSubmission json = new JsonSubmission(1 << 20, 3);

  private MessageSpec message(String body) {
    return json.message(json.readObject(body.getBytes(StandardCharsets.UTF_8)));
  }

  private void refused(String body, ErrorCode code) {
    assertThatThrownBy(() -> message(body))
        .as(body)
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo(code));
  }

  @Test
  void message_allFields_areRead() {
    MessageSpec m =
        message(
            """
            {"from": "Shop <shop@example.com>", "to": "a@example.org", "cc": ["b@example.org"],
             "bcc": ["c@example.org", "a@example.org"], "replyTo": ["help@example.com"],
             "subject": "Hi", "text": "t", "html": "<p>h</p>", "headers": {"X-Tag": "1"}}
            """);
    assertThat(m.from()).isEqualTo(new Mailbox("Shop", "shop@example.com"));
    assertThat(m.to()).containsExactly(new Mailbox("", "a@example.org"));
    assertThat(m.replyTo()).containsExactly(new Mailbox("", "help@example.com"));
    assertThat(m.recipients()).containsExactly("a@example.org", "b@example.org", "c@example.org");
    assertThat(m.envelope().from()).isEqualTo("shop@example.com");
    assertThat(m.fields()).containsExactly(new MessageSpec.Field("X-Tag", "1"));
    assertThat(m.subject()).isEqualTo("Hi");
  }

  @Test
  void message_nullFields_countAsAbsent() {
    MessageSpec m =
        message(
            """
            {"from": "a@example.com", "to": ["b@example.com"], "cc": null, "subject": null,
             "text": "x", "html": null, "headers": null}
            """);
    assertThat(m.subject()).isNull();
    assertThat(m.html()).isNull();
  }

  @Test
  void message_badInput_isRefusedWithItsCode() {
    String ok = "\"from\":\"a@example.com\",\"to\":[\"b@example.com\"],\"text\":\"x\"";
    refused("{" + ok + ",\"attachments\":[]}", ErrorCode.UNKNOWN_FIELD);
    refused("{\"to\":[\"b@example.com\"],\"text\":\"x\"}", ErrorCode.MISSING_FIELD);
    refused("{\"from\":\"a@example.com\",\"text\":\"x\"}", ErrorCode.MISSING_FIELD);
    refused("{\"from\":\"a@example.com\",\"to\":[\"b@example.com\"]}", ErrorCode.MISSING_FIELD);
    refused("{" + ok + ",\"subject\":5}", ErrorCode.INVALID_FIELD);
    refused("{" + ok + ",\"cc\":{\"x\":1}}", ErrorCode.INVALID_FIELD);
    refused("{" + ok + ",\"cc\":[1]}", ErrorCode.INVALID_FIELD);
    refused("{" + ok + ",\"subject\":\"a\\r\\nBcc: x@y.z\"}", ErrorCode.INVALID_FIELD);
    refused("{" + ok + ",\"cc\":[\"not an address\"]}", ErrorCode.INVALID_ADDRESS);
    refused("{" + ok + ",\"headers\":{\"Bad Name\":\"x\"}}", ErrorCode.INVALID_HEADER);
    refused("{" + ok + ",\"headers\":{\"X-A\":\"x\\ny\"}}", ErrorCode.INVALID_HEADER);
    refused("{" + ok + ",\"headers\":{\"X-A\":1}}", ErrorCode.INVALID_HEADER);
    refused("{" + ok + ",\"headers\":{\"x-a:b\":\"1\"}}", ErrorCode.INVALID_HEADER);
    refused("{" + ok + ",\"headers\":[\"X-A: 1\"]}", ErrorCode.INVALID_FIELD);
    refused(
        "{" + ok + ",\"headers\":{\"X-A\":\"" + "x".repeat(1000) + "\"}}",
        ErrorCode.INVALID_HEADER);
    for (String reserved :
        List.of("From", "bcc", "Date", "Message-ID", "MIME-Version", "content-type", "Received")) {
      refused("{" + ok + ",\"headers\":{\"" + reserved + "\":\"x\"}}", ErrorCode.INVALID_HEADER);
    }
  }

  @Test
  void message_recipientLimit_countsDistinctAddresses() {
    message(
        "{\"from\":\"a@x.com\",\"to\":[\"b@x.com\",\"c@x.com\"],\"bcc\":[\"b@x.com\",\"d@x.com\"],"
            + "\"text\":\"x\"}");
    refused(
        "{\"from\":\"a@x.com\",\"to\":[\"b@x.com\",\"c@x.com\"],\"cc\":[\"d@x.com\",\"e@x.com\"],"
            + "\"text\":\"x\"}",
        ErrorCode.TOO_MANY_RECIPIENTS);
  }

  @Test
  void readObject_notOneObject_isInvalidJson() {
    for (String body :
        List.of(
            "",
            "[]",
            "\"x\"",
            "{",
            "{\"from\":1}{}",
            "{\"a\":1,\"a\":2}",
            "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}",
            "{'from':'x'}")) {
      assertThatThrownBy(() -> json.readObject(body.getBytes(StandardCharsets.UTF_8)))
          .as(body)
          .isInstanceOfSatisfying(
              Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.INVALID_JSON));
    }
  }
}
