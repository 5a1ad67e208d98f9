package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ByteSize;
import dev.sluice.ingress.AccessPolicy;
import dev.sluice.ingress.Networks;
import dev.sluice.ingress.RefusalWords;
import dev.sluice.ingress.RelayHeaderCases;
import dev.sluice.ingress.SesHeaderCases;
import dev.sluice.ingress.UserStore;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HTTP door refuses, with which status and code, and that it stores none of it. */
class HttpRefusalIT {
  private static final String OK_QUERY = "?from=app%40example.com&to=a%40example.org";
  private static final byte[] OK_RAW =
      "From: app@example.com\r\nSubject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
  private static final String OK_JSON =
      "{\"from\":\"app@example.com\",\"to\":[\"a@example.org\"],\"text\":\"hi\"}";
  private static final Set<String> CODES =
      Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());

  @TempDir Path dir;
  private IngressFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private void expect(IngressFixture.Reply r, int status, ErrorCode code) {
    assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
    assertThat(code.status()).isEqualTo(status);
    assertThat(r.code()).as(r.raw().body()).isEqualTo(code.code());
    assertThat(r.json().path("error").path("message").asText()).isNotBlank();
  }

  private IngressFixture.Reply json(String body) throws Exception {
    return f.postJson("/v1/messages", body);
  }

  private IngressFixture.Reply raw(String query, String message) throws Exception {
    return f.post(
        "/v1/messages" + query, "message/rfc822", message.getBytes(StandardCharsets.UTF_8));
  }

  private static String jsonWith(String extra) {
    return OK_JSON.substring(0, OK_JSON.length() - 1) + "," + extra + "}";
  }

  @Test
  void everyRefusal_hasItsStatusAndCode_andNothingIsStored() throws Exception {
    f =
        IngressFixture.start(
            dir,
            IngressFixture.settings().withCounts(3, 5),
            AccessPolicy.loopbackOnly(),
            1_000_000);

    expect(f.send(f.request("/nope").GET()), 404, ErrorCode.NOT_FOUND);
    IngressFixture.Reply get = f.send(f.request("/v1/messages").GET());
    expect(get, 405, ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(get.raw().headers().firstValue("Allow")).hasValue("POST");
    IngressFixture.Reply postHealth =
        f.send(f.request("/health").POST(HttpRequest.BodyPublishers.noBody()));
    expect(postHealth, 405, ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(postHealth.raw().headers().firstValue("Allow")).hasValue("GET");

    expect(f.post("/v1/messages", "text/plain", OK_RAW), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    expect(
        f.send(f.request("/v1/messages").POST(HttpRequest.BodyPublishers.ofByteArray(OK_RAW))),
        415,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    expect(
        f.post(
            "/v1/messages",
            "application/json; charset=iso-8859-1",
            OK_JSON.getBytes(StandardCharsets.ISO_8859_1)),
        415,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    expect(
        f.post("/v1/messages/batch", "message/rfc822", OK_RAW),
        415,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE);

    expect(json("{"), 400, ErrorCode.INVALID_JSON);
    expect(json("[]"), 400, ErrorCode.INVALID_JSON);
    expect(json(jsonWith("\"attachments\":[]")), 400, ErrorCode.UNKNOWN_FIELD);
    expect(json("{\"to\":[\"a@example.org\"],\"text\":\"x\"}"), 400, ErrorCode.MISSING_FIELD);
    expect(json(jsonWith("\"cc\":[\"not-an-address\"]")), 400, ErrorCode.INVALID_ADDRESS);
    expect(json(jsonWith("\"cc\":[\"x@[192.0.2.1]\"]")), 400, ErrorCode.INVALID_ADDRESS);
    expect(json(jsonWith("\"cc\":[\"jörg@example.org\"]")), 400, ErrorCode.INVALID_ADDRESS);
    expect(
        json(jsonWith("\"cc\":[\"b@example.org\",\"c@example.org\",\"d@example.org\"]")),
        400,
        ErrorCode.TOO_MANY_RECIPIENTS);
    expect(json(jsonWith("\"headers\":{\"Date\":\"now\"}")), 400, ErrorCode.INVALID_HEADER);
    expect(json(jsonWith("\"subject\":\"a\\r\\nBcc: x@y.z\"")), 400, ErrorCode.INVALID_FIELD);
    expect(f.postJson("/v1/messages?to=x%40example.org", OK_JSON), 400, ErrorCode.UNKNOWN_FIELD);

    expect(raw("?to=a%40example.org", "From: a@b.example\r\n\r\n"), 400, ErrorCode.MISSING_FIELD);
    expect(raw("?from=a%40b.example", "From: a@b.example\r\n\r\n"), 400, ErrorCode.MISSING_FIELD);
    expect(raw(OK_QUERY + "&cc=c%40example.org", "From: a@b\r\n"), 400, ErrorCode.UNKNOWN_FIELD);
    expect(raw(OK_QUERY + "&from=b%40example.org", "From: a@b\r\n"), 400, ErrorCode.INVALID_FIELD);
    String badQuery =
        f.exchange(
            "POST /v1/messages?from=a%zz&to=a%40example.org HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: message/rfc822\r\nContent-Length: 11\r\n"
                + "Connection: close\r\n\r\nFrom: a@b\r\n");
    assertThat(badQuery).startsWith("HTTP/1.1 400 ").contains("\"code\":\"bad_request\"");
    String notHttp = f.exchange("\u0000\u0001 garbage\r\n\r\n");
    assertThat(notHttp).startsWith("HTTP/1.1 400 ").contains("\"code\":\"bad_request\"");
    expect(raw("?from=a&to=a%40example.org", "From: a@b\r\n"), 400, ErrorCode.INVALID_ADDRESS);
    expect(raw(OK_QUERY, "From: a@b\r\n\r\nbare\rCR\r\n"), 400, ErrorCode.BARE_NEWLINE);
    expect(
        raw(OK_QUERY, "From: a@b\r\n\r\n" + "x".repeat(999) + "\r\n"),
        400,
        ErrorCode.LINE_TOO_LONG);
    expect(raw(OK_QUERY, "just a body\r\n"), 400, ErrorCode.INVALID_MESSAGE);
    expect(raw(OK_QUERY, "Subject: no From\r\n\r\nx\r\n"), 400, ErrorCode.INVALID_MESSAGE);
    expect(
        raw(OK_QUERY + "&to=b%40x.org&to=c%40x.org&to=d%40x.org", "From: a@b\r\n"),
        400,
        ErrorCode.TOO_MANY_RECIPIENTS);

    String six =
        "{\"messages\":[" + String.join(",", java.util.Collections.nCopies(6, OK_JSON)) + "]}";
    expect(f.postJson("/v1/messages/batch", six), 400, ErrorCode.TOO_MANY_MESSAGES);
    expect(f.postJson("/v1/messages/batch", "{}"), 400, ErrorCode.MISSING_FIELD);
    expect(f.postJson("/v1/messages/batch", "{\"messages\":[]}"), 400, ErrorCode.INVALID_FIELD);
    expect(
        f.postJson("/v1/messages/batch", "{\"messages\":[" + OK_JSON + "],\"x\":1}"),
        400,
        ErrorCode.UNKNOWN_FIELD);

    assertThat(f.spool.stats().total()).isZero();
    assertThat(json(OK_JSON).status()).isEqualTo(202); // and the server still takes mail
  }

  /** What SES would refuse in a raw message: 400 with exactly the SMTP door's words. */
  @Test
  void rawMessage_sesWouldRefuse_is400WithTheSmtpDoorsWords() throws Exception {
    f = IngressFixture.start(dir);
    String[][] cases = {
      {"", RefusalWords.EMPTY},
      {"Subject: no author\r\n\r\nbody\r\n", RefusalWords.NO_FROM},
      {"Subject: x\r\n\r\nFrom: app@example.com\r\n", RefusalWords.NO_FROM},
      {"From: app@example.com\r\nSubject: headers only\r\n", RefusalWords.HEADER_ONLY},
      {"From: app@example.com\r\n\r\nbin\0ary\r\n", RefusalWords.NUL_ON_LINE_3}
    };
    for (String[] c : cases) {
      IngressFixture.Reply r =
          f.post(
              "/v1/messages" + OK_QUERY,
              "message/rfc822",
              c[0].getBytes(StandardCharsets.ISO_8859_1));
      expect(r, 400, ErrorCode.INVALID_MESSAGE);
      assertThat(r.json().path("error").path("message").asText()).isEqualTo(c[1]);
    }
    assertThat(f.spool.stats().total()).isZero();
  }

  /** SES's headers that SES or the relay refuse: 400 with exactly the SMTP door's words. */
  @Test
  void rawMessage_sesHeadersRefused_is400WithTheSmtpDoorsWords() throws Exception {
    f = IngressFixture.start(dir, SesHeaderCases.RULES);
    for (String[] c : SesHeaderCases.refused()) {
      IngressFixture.Reply r = raw(OK_QUERY, SesHeaderCases.message(c[0]));
      expect(r, 400, ErrorCode.INVALID_MESSAGE);
      assertThat(r.json().path("error").path("message").asText()).as(c[0]).isEqualTo(c[1]);
    }
    assertThat(f.spool.stats().total()).isZero();
    assertThat(
            raw(
                    OK_QUERY,
                    SesHeaderCases.message(
                        "X-SES-CONFIGURATION-SET: marketing\r\nX-SES-MESSAGE-TAGS: a=b\r\n"))
                .status())
        .isEqualTo(202);
  }

  /** A route or class the relay does not have: 400 with exactly the SMTP door's words. */
  @Test
  void rawMessage_routeOrClassHeaderNamingNone_is400WithTheSmtpDoorsWords() throws Exception {
    f = IngressFixture.start(dir, RelayHeaderCases.RULES);
    for (Object[] c : RelayHeaderCases.refused()) {
      IngressFixture.Reply r = raw(OK_QUERY, RelayHeaderCases.message((String) c[0]));
      expect(r, 400, (Boolean) c[1] ? ErrorCode.UNKNOWN_ROUTE : ErrorCode.UNKNOWN_CLASS);
      assertThat(r.json().path("error").path("message").asText()).as((String) c[0]).isEqualTo(c[2]);
    }
    assertThat(f.spool.stats().total()).isZero();
    for (String h : RelayHeaderCases.taken()) {
      assertThat(raw(OK_QUERY, RelayHeaderCases.message(h)).status()).as(h).isEqualTo(202);
    }
  }

  /**
   * The JSON fields {@code route} and {@code class}: the header's words for a name the relay does
   * not have (in a batch, naming the message), the header written for a name it has.
   */
  @Test
  void json_routeAndClassFields_checkedAsTheHeadersAndWrittenAsThem() throws Exception {
    f = IngressFixture.start(dir, RelayHeaderCases.RULES);
    String[][] refused = {
      {"\"route\":\"us\"", "unknown_route", RelayHeaderCases.unknownRoute("us")},
      {
        "\"route\":\"\"",
        "unknown_route",
        "The X-Sluice-Route header field is empty; name a route; this relay's routes: default, eu"
      },
      {"\"class\":\"urgent\"", "unknown_class", RelayHeaderCases.unknownClass("urgent")},
      {"\"route\":5", "invalid_field", "'route' must be a string"},
      {"\"class\":[\"bulk\"]", "invalid_field", "'class' must be a string"},
      {
        "\"route\":\"eu\\r\\nBcc: x@example.com\"",
        "invalid_field",
        "'route' must not contain line breaks or control characters"
      },
      {
        "\"route\":\"eu\",\"headers\":{\"X-Sluice-Route\":\"eu\"}",
        "invalid_field",
        "Header 'X-Sluice-Route' and 'route' both given; give one"
      },
      {
        "\"class\":\"bulk\",\"headers\":{\"x-sluice-class\":\"bulk\"}",
        "invalid_field",
        "Header 'x-sluice-class' and 'class' both given; give one"
      },
      {
        "\"headers\":{\"X-Sluice-Class\":\"urgent\"}",
        "unknown_class",
        RelayHeaderCases.unknownClass("urgent")
      }
    };
    for (String[] c : refused) {
      IngressFixture.Reply r = json(jsonWith(c[0]));
      assertThat(r.status()).as(c[0]).isEqualTo(400);
      assertThat(r.code()).as(c[0]).isEqualTo(c[1]);
      assertThat(r.json().path("error").path("message").asText()).as(c[0]).isEqualTo(c[2]);
    }
    IngressFixture.Reply batch =
        f.postJson(
            "/v1/messages/batch",
            "{\"messages\":[" + OK_JSON + "," + jsonWith("\"route\":\"us\"") + "]}");
    assertThat(batch.status()).isEqualTo(400);
    assertThat(batch.code()).isEqualTo("unknown_route");
    assertThat(batch.json().path("error").path("index").asInt()).isEqualTo(1);
    assertThat(batch.json().path("error").path("message").asText())
        .isEqualTo("messages[1]: " + RelayHeaderCases.unknownRoute("us"));
    assertThat(f.spool.stats().total()).isZero();

    IngressFixture.Reply ok = json(jsonWith("\"route\":\"EU\",\"class\":\"transactional\""));
    assertThat(ok.status()).as(ok.raw().body()).isEqualTo(202);
    String stored = new String(f.spool.content(ok.id()).orElseThrow(), StandardCharsets.ISO_8859_1);
    assertThat(stored)
        .contains("\r\nX-Sluice-Route: EU\r\n")
        .contains("\r\nX-Sluice-Class: transactional\r\n");
  }

  /** The JSON fields and headers: SES's words, the same grammar as the raw headers. */
  @Test
  void json_sesFieldsRefused_is400WithSesWords() throws Exception {
    f = IngressFixture.start(dir, SesHeaderCases.RULES);
    String[][] fieldCases = {
      {
        "\"tags\":{\"bad name\":\"v\"}",
        "Invalid tag name <bad name>: only alphanumeric ASCII characters, '_', '-' are allowed."
      },
      {
        "\"tags\":{\"n\":\"a=b\"}",
        "Invalid tag value <a=b>: only alphanumeric ASCII characters, '_', '-' are allowed."
      },
      {"\"tags\":[\"a\"]", "'tags' must be an object of tag names to values"},
      {"\"tags\":{\"n\":1}", "The value of tag 'n' must be a string"},
      {
        "\"configurationSet\":\"my set\"",
        "Configuration set name my set is not valid: use up to 64 letters, digits, '_' and '-'."
      },
      {
        "\"configurationSet\":\"alerts\",\"headers\":{\"X-SES-CONFIGURATION-SET\":\"marketing\"}",
        "Header 'X-SES-CONFIGURATION-SET' and 'configurationSet' both given; give one"
      }
    };
    for (String[] c : fieldCases) {
      IngressFixture.Reply r = json(jsonWith(c[0]));
      expect(r, 400, ErrorCode.INVALID_FIELD);
      assertThat(r.json().path("error").path("message").asText()).as(c[0]).isEqualTo(c[1]);
    }
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"v\"");
    }
    IngressFixture.Reply tooMany = json(jsonWith("\"tags\":{" + many + "}"));
    expect(tooMany, 400, ErrorCode.INVALID_FIELD);
    assertThat(tooMany.json().path("error").path("message").asText())
        .isEqualTo("Too many message tags: 51, at most 50 are allowed.");
    // What only the account can tell, and headers given as headers, get the raw door's words.
    IngressFixture.Reply unknown = json(jsonWith("\"configurationSet\":\"nope\""));
    expect(unknown, 400, ErrorCode.INVALID_MESSAGE);
    assertThat(unknown.json().path("error").path("message").asText())
        .isEqualTo("Configuration set nope does not exist.");
    IngressFixture.Reply arn =
        json(jsonWith("\"headers\":{\"X-SES-FROM-ARN\":\"arn:aws:ses:us-east-1:1:identity/x\"}"));
    expect(arn, 400, ErrorCode.INVALID_MESSAGE);
    assertThat(arn.json().path("error").path("message").asText())
        .isEqualTo(SesHeaderCases.identity("X-SES-FROM-ARN"));
    assertThat(f.spool.stats().total()).isZero();
    IngressFixture.Reply ok =
        json(
            jsonWith(
                "\"configurationSet\":\"alerts\",\"tags\":{\"campaign\":\"spring\",\"tier\":\"\"}"));
    assertThat(ok.status()).as(ok.raw().body()).isEqualTo(202);
    String stored = new String(f.spool.content(ok.id()).orElseThrow(), StandardCharsets.ISO_8859_1);
    assertThat(stored)
        .contains("\r\nX-SES-CONFIGURATION-SET: alerts\r\n")
        .contains("\r\nX-SES-MESSAGE-TAGS: campaign=spring, tier=\r\n");
  }

  /** The field trials' addresses: 400 with exactly the SMTP door's words, in query and JSON. */
  @Test
  void addresses_fromTheFieldTrials_are400WithTheSmtpDoorsWords() throws Exception {
    f = IngressFixture.start(dir);
    String[][] cases = {
      {"\"a b\"@example.com", RefusalWords.QUOTED_A_B},
      {"c@d", RefusalWords.ONE_LABEL_C_AT_D},
      {"x@localhost", RefusalWords.ONE_LABEL_LOCALHOST},
      {"@a,@b:c@d", RefusalWords.SOURCE_ROUTE}
    };
    for (String[] c : cases) {
      String encoded = java.net.URLEncoder.encode(c[0], StandardCharsets.UTF_8);
      IngressFixture.Reply raw =
          raw(OK_QUERY + "&to=" + encoded, "From: app@example.com\r\n\r\nx\r\n");
      expect(raw, 400, ErrorCode.INVALID_ADDRESS);
      assertThat(raw.json().path("error").path("message").asText()).isEqualTo(c[1]);
      IngressFixture.Reply sender =
          raw("?from=" + encoded + "&to=a%40example.org", "From: app@example.com\r\n\r\nx\r\n");
      expect(sender, 400, ErrorCode.INVALID_ADDRESS);
      assertThat(sender.json().path("error").path("message").asText()).isEqualTo(c[1]);
      String quotedJson = c[0].replace("\"", "\\\"");
      IngressFixture.Reply json =
          json(
              "{\"from\":\"app@example.com\",\"to\":[\"ok@example.org\",\"Name <"
                  + quotedJson
                  + ">\"],\"text\":\"hi\"}");
      expect(json, 400, ErrorCode.INVALID_ADDRESS);
      assertThat(json.json().path("error").path("message").asText()).isEqualTo(c[1]);
    }
    assertThat(f.spool.stats().total()).isZero();
  }

  @Test
  void batch_withOneBadMessage_namesItsIndexAndStoresNone() throws Exception {
    f = IngressFixture.start(dir);
    List<String> messages = new java.util.ArrayList<>(java.util.Collections.nCopies(6, OK_JSON));
    messages.set(3, OK_JSON.replace("a@example.org", "a@@example.org"));

    IngressFixture.Reply r =
        f.postJson("/v1/messages/batch", "{\"messages\":[" + String.join(",", messages) + "]}");

    expect(r, 400, ErrorCode.INVALID_ADDRESS);
    assertThat(r.json().path("error").path("index").asInt()).isEqualTo(3);
    assertThat(r.json().path("error").path("message").asText()).startsWith("messages[3]: ");
    assertThat(f.spool.stats().total()).isZero();
  }

  private AccessPolicy usersOnly() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "app:" + UserStore.hash("s3cret".toCharArray(), 1000) + "\n");
    return new AccessPolicy(Networks.NONE, UserStore.load(users));
  }

  @Test
  void basicAuth_fromLoopback_takesTheRightPasswordOnly() throws Exception {
    f = IngressFixture.start(dir.resolve("spool"), IngressFixture.settings(), usersOnly(), 1000);
    Consumer<IngressFixture.Reply> challenged =
        r ->
            assertThat(r.raw().headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));

    IngressFixture.Reply none = json(OK_JSON);
    expect(none, 401, ErrorCode.AUTH_REQUIRED);
    challenged.accept(none);
    IngressFixture.Reply wrong =
        f.send(jsonRequest().header("Authorization", IngressFixture.basic("app", "S3cret")));
    expect(wrong, 401, ErrorCode.INVALID_CREDENTIALS);
    challenged.accept(wrong);
    expect(
        f.send(jsonRequest().header("Authorization", IngressFixture.basic("nobody", "s3cret"))),
        401,
        ErrorCode.INVALID_CREDENTIALS);
    expect(
        f.send(jsonRequest().header("Authorization", "Basic !!!")),
        401,
        ErrorCode.INVALID_CREDENTIALS);
    expect(
        f.send(jsonRequest().header("Authorization", "Bearer abc")),
        401,
        ErrorCode.INVALID_CREDENTIALS);
    assertThat(f.spool.stats().total()).isZero();

    IngressFixture.Reply ok =
        f.send(jsonRequest().header("Authorization", IngressFixture.basic("app", "s3cret")));
    assertThat(ok.status()).as(ok.raw().body()).isEqualTo(202);
    assertThat(f.spool.find(ok.id()).orElseThrow().origin()).isEqualTo("http 127.0.0.1 user=app");
  }

  @Test
  void basicAuth_overPlainHttp_needsTlsWhenLoopbackIsNotExempt() throws Exception {
    HttpIngressSettings strict = IngressFixture.settings().withBasicAuthWithoutTlsOnLoopback(false);
    f = IngressFixture.start(dir.resolve("spool"), strict, usersOnly(), 1000);

    expect(
        f.send(jsonRequest().header("Authorization", IngressFixture.basic("app", "s3cret"))),
        403,
        ErrorCode.TLS_REQUIRED);
    expect(json(OK_JSON), 403, ErrorCode.RELAY_DENIED); // no way to log in here
  }

  @Test
  void basicAuth_overTls_isTaken() throws Exception {
    HttpIngressSettings strict = IngressFixture.settings().withBasicAuthWithoutTlsOnLoopback(false);
    f = IngressFixture.startTls(dir.resolve("spool"), strict, usersOnly());

    expect(json(OK_JSON), 401, ErrorCode.AUTH_REQUIRED);
    IngressFixture.Reply ok =
        f.send(jsonRequest().header("Authorization", IngressFixture.basic("app", "s3cret")));

    assertThat(ok.status()).as(ok.raw().body()).isEqualTo(202);
    assertThat(f.spool.find(ok.id()).orElseThrow().origin())
        .isEqualTo("http 127.0.0.1 user=app tls");
    String stored = new String(f.spool.content(ok.id()).orElseThrow(), StandardCharsets.UTF_8);
    assertThat(stored).contains("(Sluice) with HTTPS\r\n\tfor <a@example.org>; ");
  }

  @Test
  void relay_notInTheNetworksAndNoUsers_isDenied() throws Exception {
    f =
        IngressFixture.start(
            dir, IngressFixture.settings(), new AccessPolicy(Networks.NONE, UserStore.EMPTY), 1000);

    expect(json(OK_JSON), 403, ErrorCode.RELAY_DENIED);
    expect(raw(OK_QUERY, "From: a@b\r\n"), 403, ErrorCode.RELAY_DENIED);
    assertThat(f.spool.stats().total()).isZero();
  }

  @Test
  void backPressure_atTheHighWaterMark_is503WithRetryAfter() throws Exception {
    f = IngressFixture.start(dir, IngressFixture.settings(), AccessPolicy.loopbackOnly(), 1);

    assertThat(json(OK_JSON).status()).isEqualTo(202);
    IngressFixture.Reply full = json(OK_JSON);
    IngressFixture.Reply fullBatch =
        f.postJson("/v1/messages/batch", "{\"messages\":[" + OK_JSON + "]}");

    expect(full, 503, ErrorCode.QUEUE_FULL);
    assertThat(full.raw().headers().firstValue("Retry-After")).hasValue("30");
    expect(fullBatch, 503, ErrorCode.QUEUE_FULL);
    assertThat(f.spool.stats().total()).isEqualTo(1);
  }

  @Test
  void spoolFailure_isNeverAccepted() throws Exception {
    f = IngressFixture.start(dir);
    f.spool.close();

    IngressFixture.Reply r = json(OK_JSON);

    expect(r, 503, ErrorCode.NOT_STORED);
    assertThat(r.raw().headers().firstValue("Retry-After")).hasValue("30");
  }

  @Test
  void oversized_bodies_are413AndTheServerCarriesOn() throws Exception {
    HttpIngressSettings small =
        IngressFixture.settings().withMaxMessageSize(ByteSize.ofBytes(64 * 1024));
    f = IngressFixture.start(dir, small, AccessPolicy.loopbackOnly(), 1000);
    long requestLimit = small.maxRequestSize().bytes();
    byte[] huge = new byte[(int) requestLimit * 2];
    Arrays.fill(huge, (byte) 'x');

    IngressFixture.Reply announced =
        f.send(
            f.request("/v1/messages" + OK_QUERY)
                .expectContinue(true)
                .header("Content-Type", "message/rfc822")
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge)));
    expect(announced, 413, ErrorCode.MESSAGE_TOO_LARGE);

    IngressFixture.Reply streamed = f.post("/v1/messages" + OK_QUERY, "message/rfc822", huge);
    expect(streamed, 413, ErrorCode.MESSAGE_TOO_LARGE);

    String overMessageLimit =
        "From: a@b.example\r\n\r\n" + "x".repeat(998).concat("\r\n").repeat(70);
    expect(raw(OK_QUERY, overMessageLimit), 413, ErrorCode.MESSAGE_TOO_LARGE);
    expect(
        json(jsonWith("\"html\":\"" + "y".repeat(70 * 1024) + "\"")),
        413,
        ErrorCode.MESSAGE_TOO_LARGE);

    assertThat(f.spool.stats().total()).isZero();
    assertThat(json(OK_JSON).status()).isEqualTo(202);

    // A declared oversized body is read and dropped; the connection serves the next request.
    String next =
        f.exchange(
            "POST /v1/messages"
                + OK_QUERY
                + " HTTP/1.1\r\nHost: x\r\nContent-Type: message/rfc822\r\nContent-Length: "
                + huge.length
                + "\r\n\r\n"
                + new String(huge, StandardCharsets.ISO_8859_1)
                + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(IngressFixture.statuses(next)).containsExactly("413", "200");
  }

  @Test
  void garbage_getsA4xxJsonErrorOrIsStored_andTheServerStaysUp() throws Exception {
    f = IngressFixture.start(dir);
    long seed = 0x6A4BA6EL;
    Random random = new Random(seed);
    String[] types = {"application/json", "message/rfc822", "text/plain", "application/json"};
    String[] paths = {"/v1/messages", "/v1/messages/batch", "/v1/messages" + OK_QUERY};
    String batch = "{\"messages\":[" + OK_JSON + "," + OK_JSON + "]}";
    int stored = 0;
    for (int i = 0; i < 300; i++) {
      byte[] body;
      if (random.nextBoolean()) {
        body = new byte[random.nextInt(1500)];
        random.nextBytes(body);
      } else {
        body = mutate(random, random.nextBoolean() ? OK_JSON : batch);
      }
      String where =
          "seed " + seed + " request " + i + ": " + new String(body, StandardCharsets.UTF_8);
      IngressFixture.Reply r =
          f.post(paths[random.nextInt(paths.length)], types[random.nextInt(types.length)], body);
      if (r.status() == 202) {
        stored++;
        r.json()
            .path("ids")
            .forEach(
                id ->
                    assertThat(f.spool.find(new dev.sluice.core.spool.QueueId(id.asText())))
                        .isPresent());
        if (r.json().has("id")) {
          assertThat(f.spool.find(r.id())).as(where).isPresent();
        }
        continue;
      }
      assertThat(r.status()).as(where).isBetween(400, 499);
      assertThat(r.code()).as(where).isIn(CODES);
    }
    assertThat(f.send(f.request("/health").GET()).status()).isEqualTo(200);
    assertThat(stored).isLessThan(300);
  }

  /** A few random edits of a valid body: deleted, doubled or replaced characters. */
  private static byte[] mutate(Random random, String valid) {
    StringBuilder b = new StringBuilder(valid);
    int edits = 1 + random.nextInt(4);
    String alphabet = "{}[]\":,\\ \n\u0000aZ@<>é";
    for (int e = 0; e < edits && b.length() > 0; e++) {
      int at = random.nextInt(b.length());
      switch (random.nextInt(3)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, b.charAt(at));
        default -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
      }
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder jsonRequest() {
    return f.request("/v1/messages")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(OK_JSON));
  }
}
