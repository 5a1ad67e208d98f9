package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.core.suppress.Suppressions;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Submissions the HTTP door takes: stored durably, then answered 202 with the queue id. */
class HttpSubmitIT {
  @TempDir Path dir;
  private IngressFixture f;

  @BeforeEach
  void start() throws Exception {
    f = IngressFixture.start(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private String content(QueueId id) {
    return new String(f.spool.content(id).orElseThrow(), StandardCharsets.UTF_8);
  }

  private void suppress(String... addresses) {
    java.util.Map<String, Suppression> listed = new java.util.HashMap<>();
    for (String a : addresses) {
      listed.put(
          a,
          new Suppression(
              a, Suppression.Reason.COMPLAINT, Instant.parse("2026-12-05T10:00:00Z"), "", "test"));
    }
    f.suppressions = a -> java.util.Optional.ofNullable(listed.get(Suppressions.normalise(a)));
  }

  @Test
  void everyForm_accepted_theListenerIsToldTheStoredEntryAndTheNamedSet() throws Exception {
    suppress("gone@example.org");
    IngressFixture.Reply raw =
        f.post(
            "/v1/messages?from=app%40example.com&to=gone%40example.org&to=b%40example.org",
            "message/rfc822",
            "X-SES-CONFIGURATION-SET: marketing\r\nFrom: a@example.com\r\n\r\nhi\r\n"
                .getBytes(StandardCharsets.UTF_8));
    IngressFixture.Reply json =
        f.postJson(
            "/v1/messages",
            "{\"from\":\"app@example.com\",\"to\":[\"b@example.org\"],\"subject\":\"s\","
                + "\"text\":\"t\",\"configurationSet\":\"alerts\"}");
    IngressFixture.Reply batch =
        f.postJson(
            "/v1/messages/batch",
            "{\"messages\":[{\"from\":\"app@example.com\",\"to\":[\"b@example.org\"],"
                + "\"subject\":\"s\",\"text\":\"t\"},{\"from\":\"app@example.com\","
                + "\"to\":[\"b@example.org\"],\"subject\":\"s\",\"text\":\"t\","
                + "\"headers\":{\"X-SES-CONFIGURATION-SET\":\"tx\"}}]}");
    assertThat(raw.status()).as(raw.raw().body()).isEqualTo(202);
    assertThat(json.status()).as(json.raw().body()).isEqualTo(202);
    assertThat(batch.status()).as(batch.raw().body()).isEqualTo(202);

    List<QueueId> ids = new ArrayList<>(List.of(raw.id(), json.id()));
    batch.json().get("ids").forEach(id -> ids.add(new QueueId(id.asText())));
    assertThat(f.told).extracting(dev.sluice.ingress.Accepted::id).containsExactlyElementsOf(ids);
    for (dev.sluice.ingress.Accepted a : f.told) {
      assertThat(a.entry())
          .as("the entry as stored, the suppressed recipient dropped")
          .isEqualTo(f.spool.find(a.id()).orElseThrow());
    }
    assertThat(f.told)
        .extracting(dev.sluice.ingress.Accepted::configurationSet)
        .containsExactly("marketing", "alerts", "", "tx");
  }

  @Test
  void raw_someRecipientsSuppressed_acceptedForTheOthersAndListed() throws Exception {
    suppress("gone@example.org");
    IngressFixture.Reply r =
        f.post(
            "/v1/messages?from=app%40example.com&to=Gone%40example.org&to=b%40example.org",
            "message/rfc822", "From: a@example.com\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    assertThat(f.spool.find(r.id()).orElseThrow().envelope().recipients())
        .containsExactly("b@example.org");
    JsonNode s = r.json().path("suppressed");
    assertThat(s.size()).as(r.raw().body()).isEqualTo(1);
    assertThat(s.get(0).path("address").asText()).isEqualTo("gone@example.org");
    assertThat(s.get(0).path("reason").asText()).isEqualTo("COMPLAINT");
    assertThat(s.get(0).path("since").asText()).isEqualTo("2026-12-05T10:00:00Z");
    assertThat(s.get(0).path("message").asText())
        .isEqualTo(
            "5.1.1 <gone@example.org>: on the relay's suppression list since 2026-12-05"
                + " (complaint); not sent");
    assertThat(f.suppressed)
        .as("the accept listener hears of the dropped recipient")
        .containsExactly(r.id().value() + " gone@example.org");
  }

  @Test
  void json_everyRecipientSuppressed_400AndNothingStored() throws Exception {
    suppress("gone@example.org", "also@example.org");
    IngressFixture.Reply r =
        f.postJson(
            "/v1/messages",
            """
            {"from": "shop@example.com", "to": ["gone@example.org"], "bcc": ["Also@example.org"],
             "subject": "s", "text": "t"}
            """);

    assertThat(r.status()).as(r.raw().body()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("recipient_suppressed");
    assertThat(r.json().path("error").path("message").asText())
        .isEqualTo(
            "5.1.1 <gone@example.org>: on the relay's suppression list since 2026-12-05"
                + " (complaint); not sent; <Also@example.org>: on the relay's suppression list"
                + " since 2026-12-05 (complaint); not sent");
    assertThat(f.spool.stats().total()).isZero();
    assertThat(f.suppressed).as("no message, nothing to tell").isEmpty();
  }

  @Test
  void batch_suppressedRecipients_droppedAndListedWithTheirIndex() throws Exception {
    suppress("gone@example.org");
    IngressFixture.Reply r =
        f.postJson(
            "/v1/messages/batch",
            """
            {"messages": [
              {"from": "shop@example.com", "to": ["a@example.org"], "subject": "1", "text": "t"},
              {"from": "shop@example.com", "to": ["gone@example.org", "b@example.org"],
               "subject": "2", "text": "t"}]}
            """);

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    assertThat(r.json().path("ids").size()).isEqualTo(2);
    QueueId second = new QueueId(r.json().path("ids").get(1).asText());
    assertThat(f.spool.find(second).orElseThrow().envelope().recipients())
        .containsExactly("b@example.org");
    JsonNode s = r.json().path("suppressed");
    assertThat(s.size()).as(r.raw().body()).isEqualTo(1);
    assertThat(s.get(0).path("index").asInt()).isEqualTo(1);
    assertThat(s.get(0).path("address").asText()).isEqualTo("gone@example.org");
    assertThat(f.suppressed)
        .as("the accept listener hears of the recipient dropped from the second message")
        .containsExactly(second.value() + " gone@example.org");
  }

  @Test
  void raw_lfMessage_isStoredWithCrlfTraceFieldAndEnvelope() throws Exception {
    String message = "From: App <app@example.com>\nSubject: raw\n\nline one\nline two\n";
    IngressFixture.Reply r =
        f.post(
            "/v1/messages?from=app%40example.com&to=a%40example.org&to=b%40b%C3%BCcher.example",
            "message/rfc822", message.getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    SpoolEntry e = f.spool.find(r.id()).orElseThrow(); // durable before the answer
    assertThat(e.state()).isEqualTo(SpoolState.QUEUED);
    assertThat(e.envelope().from()).isEqualTo("app@example.com");
    assertThat(e.envelope().recipients())
        .containsExactly("a@example.org", "b@xn--bcher-kva.example");
    assertThat(e.origin()).isEqualTo("http 127.0.0.1");
    String stored = content(r.id());
    assertThat(stored)
        .startsWith(
            "Received: from [127.0.0.1] ([127.0.0.1])\r\n\tby relay.test (Sluice) with HTTP; ")
        .endsWith(
            "\r\nFrom: App <app@example.com>\r\nSubject: raw\r\n\r\nline one\r\nline two\r\n");
    assertThat(stored.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    assertThat(e.size()).isEqualTo(stored.length());
  }

  @Test
  void raw_emptyFrom_isTheNullSenderAndOneRecipientIsNamedInTheTrace() throws Exception {
    IngressFixture.Reply r =
        f.post(
            "/v1/messages?from=&to=a%2Btag%40example.org",
            "message/rfc822; charset=utf-8",
            "From: a@example.com\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    SpoolEntry e = f.spool.find(r.id()).orElseThrow();
    assertThat(e.envelope().from()).isEmpty();
    assertThat(e.envelope().recipients()).containsExactly("a+tag@example.org");
    assertThat(content(r.id())).contains("\r\n\tfor <a+tag@example.org>; ");
  }

  @Test
  void json_message_isStoredAsValidMimeWithBccOnlyInTheEnvelope() throws Exception {
    IngressFixture.Reply r =
        f.postJson(
            "/v1/messages",
            """
            {"from": "Zoë Shop <shop@example.com>",
             "to": ["Jane Doe <jane@example.org>"], "cc": ["cc@bücher.example"],
             "bcc": ["hidden@example.net"], "replyTo": "help@example.com",
             "subject": "Ihre Bestellung – Grüße",
             "text": "Hallo Jane,\\nIhre Bestellung ist unterwegs. Grüße, Zoë",
             "html": "<p>Hallo Jane,</p><p>Grüße, Zoë</p>",
             "headers": {"X-Campaign": "spring", "X-SES-CONFIGURATION-SET": "shop"}}
            """);

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    SpoolEntry e = f.spool.find(r.id()).orElseThrow();
    assertThat(e.envelope().from()).isEqualTo("shop@example.com");
    assertThat(e.envelope().recipients())
        .containsExactly("jane@example.org", "cc@xn--bcher-kva.example", "hidden@example.net");
    String stored = content(r.id());
    assertThat(stored).doesNotContainIgnoringCase("hidden@example.net").doesNotContain("Bcc");
    assertThat(stored.chars().allMatch(c -> c < 0x80)).isTrue();
    for (String line : stored.split("\r\n")) {
      assertThat(line.length()).isLessThanOrEqualTo(78);
    }
    assertThat(stored).startsWith("Received: from [127.0.0.1] ([127.0.0.1])\r\n");

    MimeMessage m = MimeComposerTest.parse(stored.getBytes(StandardCharsets.US_ASCII));
    assertThat(m.getHeader("Received")).hasSize(1);
    assertThat(m.getSubject()).isEqualTo("Ihre Bestellung – Grüße");
    assertThat(m.getHeader("Subject", null)).startsWith("=?UTF-8?B?");
    InternetAddress from = (InternetAddress) m.getFrom()[0];
    assertThat(from.getPersonal()).isEqualTo("Zoë Shop");
    assertThat(from.getAddress()).isEqualTo("shop@example.com");
    assertThat(((InternetAddress) m.getRecipients(RecipientType.TO)[0]).getPersonal())
        .isEqualTo("Jane Doe");
    assertThat(((InternetAddress) m.getRecipients(RecipientType.CC)[0]).getAddress())
        .isEqualTo("cc@xn--bcher-kva.example");
    assertThat(m.getRecipients(RecipientType.BCC)).isNull();
    assertThat(((InternetAddress) m.getReplyTo()[0]).getAddress()).isEqualTo("help@example.com");
    assertThat(m.getMessageID()).endsWith("@relay.test>");
    assertThat(m.getSentDate()).isNotNull();
    assertThat(m.getHeader("X-Campaign", null)).isEqualTo("spring");
    assertThat(m.getHeader("X-SES-CONFIGURATION-SET", null)).isEqualTo("shop");

    assertThat(m.isMimeType("multipart/alternative")).isTrue();
    String boundary =
        new jakarta.mail.internet.ContentType(m.getContentType()).getParameter("boundary");
    assertThat(stored)
        .contains("\r\n--" + boundary + "\r\n")
        .endsWith("\r\n--" + boundary + "--\r\n");
    Multipart parts = (Multipart) m.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
    assertThat(parts.getBodyPart(0).getHeader("Content-Transfer-Encoding"))
        .containsExactly("quoted-printable");
    assertThat(stored).contains("Gr=C3=BC=C3=9Fe, Zo=C3=AB");
    assertThat(parts.getBodyPart(0).getContent())
        .isEqualTo("Hallo Jane,\r\nIhre Bestellung ist unterwegs. Grüße, Zoë");
    assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
    assertThat(parts.getBodyPart(1).getContent()).isEqualTo("<p>Hallo Jane,</p><p>Grüße, Zoë</p>");
  }

  @Test
  void batch_messages_areStoredInOrderAndEachIdIsFound() throws Exception {
    StringBuilder body = new StringBuilder("{\"messages\": [");
    int n = 25;
    for (int i = 0; i < n; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"from\":\"app@example.com\",\"to\":[\"user")
          .append(i)
          .append("@example.org\"],\"subject\":\"number ")
          .append(i)
          .append("\",\"text\":\"hello ")
          .append(i)
          .append("\"}");
    }
    body.append("]}");

    IngressFixture.Reply r = f.postJson("/v1/messages/batch", body.toString());

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    List<QueueId> ids = new ArrayList<>();
    r.json().get("ids").forEach(id -> ids.add(new QueueId(id.asText())));
    assertThat(ids).hasSize(n).doesNotHaveDuplicates();
    for (int i = 0; i < n; i++) {
      SpoolEntry e = f.spool.find(ids.get(i)).orElseThrow();
      assertThat(e.envelope().recipients()).containsExactly("user" + i + "@example.org");
      MimeMessage m = MimeComposerTest.parse(f.spool.content(ids.get(i)).orElseThrow());
      assertThat(m.getSubject()).isEqualTo("number " + i);
    }
    assertThat(f.spool.stats().total()).isEqualTo(n);
    assertThat(f.accepted)
        .as("the accept listener hears of the batch")
        .containsExactlyElementsOf(ids);
  }

  @Test
  void submissions_onOneKeptAliveConnection_eachGetTheirOwnId() throws Exception {
    List<QueueId> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      IngressFixture.Reply r =
          f.postJson(
              "/v1/messages",
              "{\"from\":\"a@example.com\",\"to\":\"b@example.com\",\"text\":\"" + i + "\"}");
      assertThat(r.status()).isEqualTo(202);
      ids.add(r.id());
      assertThat(f.spool.find(r.id())).isPresent();
    }
    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder() throws Exception {
    String json = "{\"from\":\"a@example.com\",\"to\":\"b@example.com\",\"text\":\"x\"}";
    String submit =
        "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + json.length()
            + "\r\n\r\n"
            + json;
    String answers =
        f.exchange(
            submit
                + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                + submit
                + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(IngressFixture.statuses(answers)).containsExactly("202", "404", "202", "200");
    assertThat(f.spool.stats().total()).isEqualTo(2);
  }

  @Test
  void health_answers200() throws Exception {
    IngressFixture.Reply r = f.send(f.request("/health").GET());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("status").asText()).isEqualTo("ok");
  }
}
