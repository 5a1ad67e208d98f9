package dev.sluice.simulator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Checks the verifier against the spec's test vectors (ses-wire.md §13, TV1–TV4). */
class SigV4VerifierTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String AMZ_DATE = "20240115T120000Z";
  private static final String HOST = "email.us-east-1.amazonaws.com";
  private static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";
  private static final long SIGNED_AT = Instant.parse("2024-01-15T12:00:00Z").toEpochMilli();

  private static final String TV1_AUTH =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240115/us-east-1/se"
          + "s/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
          + "1b0268074c04fb142f61d372720500da20379afe61e03f2627785e453fd15d11";

  private static final String TV1_BODY =
      "Action=SendEmail&Version=2010-12-01&Source=sender%40example.com&Destin"
          + "ation.ToAddresses.member.1=success%40simulator.amazonses.com&Destinati"
          + "on.CcAddresses.member.1=cc%40example.com&Message.Subject.Data=Hello&Me"
          + "ssage.Subject.Charset=UTF-8&Message.Body.Text.Data=Hi+there&Message.Bo"
          + "dy.Text.Charset=UTF-8&ReplyToAddresses.member.1=reply%40example.com&Co"
          + "nfigurationSetName=my-config-set&Tags.member.1.Name=campaign&Tags.memb"
          + "er.1.Value=jan-2024";

  private static final String TV2_AUTH =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240115/us-east-1/se"
          + "s/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
          + "d5c49c0340c00a490877c81800a2cfd75efdb6b11c5908abee316fb91e398295";

  private static final String TV2_BODY =
      "Action=SendRawEmail&Version=2010-12-01&Source=sender%40example.com&Des"
          + "tinations.member.1=success%40simulator.amazonses.com&RawMessage.Data=R"
          + "nJvbTogc2VuZGVyQGV4YW1wbGUuY29tDQpUbzogc3VjY2Vzc0BzaW11bGF0b3IuYW1hem9"
          + "uc2VzLmNvbQ0KU3ViamVjdDogUmF3IHRlc3QNCk1JTUUtVmVyc2lvbjogMS4wDQpDb250Z"
          + "W50LVR5cGU6IHRleHQvcGxhaW47IGNoYXJzZXQ9VVRGLTgNCg0KSGVsbG8gZnJvbSBTZW5"
          + "kUmF3RW1haWwuDQo%3D";

  private static final String TV3_AUTH =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240115/us-east-1/se"
          + "s/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
          + "14d5b9a9709eca9d4a54abe9de707ca5277f06020a9003c983dcbf120ab5f605";

  private static final String TV3_BODY =
      "{\"FromEmailAddress\":\"sender@example.com\",\"Destination\":{\"ToAddresses\":"
          + "[\"success@simulator.amazonses.com\"]},\"Content\":{\"Simple\":{\"Subject\":{\""
          + "Data\":\"Hello\",\"Charset\":\"UTF-8\"},\"Body\":{\"Text\":{\"Data\":\"Hi there\",\"Ch"
          + "arset\":\"UTF-8\"}}}},\"EmailTags\":[{\"Name\":\"campaign\",\"Value\":\"jan-2024\"}"
          + "],\"ConfigurationSetName\":\"my-config-set\"}";

  private static final String TV4_AUTH =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240115/us-east-1/se"
          + "s/aws4_request, SignedHeaders=host;x-amz-date, Signature=67ca8f9457a87"
          + "644b50d4f0d5ad79ba24022535208840ad55b9434831235f088";

  private static Function<String, String> headers(String contentType) {
    Map<String, String> h =
        contentType == null
            ? Map.of("host", HOST, "x-amz-date", AMZ_DATE)
            : Map.of("content-type", contentType, "host", HOST, "x-amz-date", AMZ_DATE);
    return h::get;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean verifyPost(String auth, String path, String body) {
    return verifyPost(SigV4Credential.parse(auth), path, body, SECRET);
  }

  private static boolean verifyPost(SigV4Credential cred, String path, String body, String secret) {
    String contentType = path.equals("/") ? FORM : "application/json";
    return SigV4Verifier.verify(
        cred, "POST", path, null, headers(contentType), bytes(body), secret, AMZ_DATE);
  }

  @Test
  void canonicalRequest_tv1_matchesSpec() {
    String canonical =
        SigV4Verifier.canonicalRequest(
            "POST",
            "/",
            null,
            List.of("content-type", "host", "x-amz-date"),
            headers(FORM),
            SigV4Verifier.sha256Hex(bytes(TV1_BODY)));

    assertThat(canonical)
        .isEqualTo(
            """
            POST
            /

            content-type:application/x-www-form-urlencoded; charset=utf-8
            host:email.us-east-1.amazonaws.com
            x-amz-date:20240115T120000Z

            content-type;host;x-amz-date
            7e2188d8ded55008d4f2e4a2a062b852ba59a26c68ed4f8f6dae54f0ca3749ac\
            """);
  }

  @Test
  void stringToSign_tv1_matchesSpec() {
    String canonical =
        SigV4Verifier.canonicalRequest(
            "POST",
            "/",
            null,
            List.of("content-type", "host", "x-amz-date"),
            headers(FORM),
            SigV4Verifier.sha256Hex(bytes(TV1_BODY)));

    assertThat(
            SigV4Verifier.stringToSign(AMZ_DATE, "20240115/us-east-1/ses/aws4_request", canonical))
        .isEqualTo(
            """
            AWS4-HMAC-SHA256
            20240115T120000Z
            20240115/us-east-1/ses/aws4_request
            f2f699f6d3d28f9b5ca42b8c1efe0267d54a37ff5c7f1364dabcef9d0bef32a2\
            """);
  }

  @Test
  void verify_tv1SendEmail_true() {
    assertThat(verifyPost(TV1_AUTH, "/", TV1_BODY)).isTrue();
  }

  @Test
  void verify_tv2SendRawEmail_true() {
    assertThat(SigV4Verifier.sha256Hex(bytes(TV2_BODY)))
        .isEqualTo("29d5c61656c526f23c86047cd8301719b04a6af46b7666930ac1e228a3d15ef9");
    assertThat(verifyPost(TV2_AUTH, "/", TV2_BODY)).isTrue();
  }

  @Test
  void verify_tv3V2SendEmail_true() {
    assertThat(bytes(TV3_BODY)).hasSize(321);
    assertThat(SigV4Verifier.sha256Hex(bytes(TV3_BODY)))
        .isEqualTo("638373127e06ab7b4cb683698abb3124d10d4c597174df488b4b0721cf095b89");
    assertThat(verifyPost(TV3_AUTH, "/v2/email/outbound-emails", TV3_BODY)).isTrue();
  }

  @Test
  void verify_tv4GetAccountWithoutBody_true() {
    boolean ok =
        SigV4Verifier.verify(
            SigV4Credential.parse(TV4_AUTH),
            "GET",
            "/v2/email/account",
            null,
            headers(null),
            new byte[0],
            SECRET,
            AMZ_DATE);

    assertThat(ok).isTrue();
  }

  @Test
  void verify_tamperedBody_false() {
    String tampered = TV1_BODY.replace("Hi+there", "Hi+thera");

    assertThat(verifyPost(TV1_AUTH, "/", tampered)).isFalse();
  }

  @Test
  void verify_wrongSecret_false() {
    SigV4Credential cred = SigV4Credential.parse(TV1_AUTH);

    assertThat(verifyPost(cred, "/", TV1_BODY, SECRET.replace('w', 'W'))).isFalse();
  }

  @Test
  void verify_wrongRegionInScope_false() {
    SigV4Credential tv1 = SigV4Credential.parse(TV1_AUTH);
    SigV4Credential otherRegion =
        new SigV4Credential(
            tv1.accessKeyId(),
            tv1.date(),
            "us-west-2",
            tv1.service(),
            tv1.signedHeaders(),
            tv1.signature());

    assertThat(verifyPost(otherRegion, "/", TV1_BODY, SECRET)).isFalse();
  }

  @Test
  void verify_otherPath_false() {
    assertThat(verifyPost(TV3_AUTH, "/v2/email/outbound-bulk-emails", TV3_BODY)).isFalse();
  }

  @Test
  void verify_changedHeaderValue_false() {
    SigV4Credential cred = SigV4Credential.parse(TV4_AUTH);
    Map<String, String> h = Map.of("host", "email.us-west-2.amazonaws.com", "x-amz-date", AMZ_DATE);

    assertThat(
            SigV4Verifier.verify(
                cred, "GET", "/v2/email/account", null, h::get, new byte[0], SECRET, AMZ_DATE))
        .isFalse();
  }

  @Test
  void verify_signedHeaderAbsent_false() {
    SigV4Credential cred = SigV4Credential.parse(TV1_AUTH);

    assertThat(
            SigV4Verifier.verify(
                cred, "POST", "/", null, headers(null), bytes(TV1_BODY), SECRET, AMZ_DATE))
        .isFalse();
  }

  @Test
  void verify_amzDateOnOtherDayThanScope_false() {
    SigV4Credential cred = SigV4Credential.parse(TV1_AUTH);
    Map<String, String> h =
        Map.of("content-type", FORM, "host", HOST, "x-amz-date", "20240116T120000Z");

    assertThat(
            SigV4Verifier.verify(
                cred, "POST", "/", null, h::get, bytes(TV1_BODY), SECRET, "20240116T120000Z"))
        .isFalse();
  }

  @Test
  void verify_headerValueWithExtraWhitespace_trueAfterTrimAll() {
    SigV4Credential cred = SigV4Credential.parse(TV1_AUTH);
    Map<String, String> h =
        Map.of(
            "content-type",
            "  application/x-www-form-urlencoded;   charset=utf-8 ",
            "host",
            HOST,
            "x-amz-date",
            AMZ_DATE);

    assertThat(
            SigV4Verifier.verify(
                cred, "POST", "/", null, h::get, bytes(TV1_BODY), SECRET, AMZ_DATE))
        .isTrue();
  }

  @Test
  void check_tv1AtSigningTime_passes() {
    SigV4Verifier.check(
        SigV4Credential.parse(TV1_AUTH),
        "POST",
        "/",
        null,
        headers(FORM),
        bytes(TV1_BODY),
        SECRET,
        AMZ_DATE,
        SIGNED_AT + 60_000,
        Duration.ofMinutes(15));
  }

  @Test
  void check_staleDate_requestExpired() {
    assertThatThrownBy(
            () ->
                SigV4Verifier.check(
                    SigV4Credential.parse(TV1_AUTH),
                    "POST",
                    "/",
                    null,
                    headers(FORM),
                    bytes(TV1_BODY),
                    SECRET,
                    AMZ_DATE,
                    SIGNED_AT + Duration.ofMinutes(16).toMillis(),
                    Duration.ofMinutes(15)))
        .isInstanceOfSatisfying(
            SigV4Exception.class,
            e -> {
              assertThat(e.code()).isEqualTo("RequestExpired");
              assertThat(e.httpStatus()).isEqualTo(400);
            });
  }

  @Test
  void check_wrongSecret_signatureDoesNotMatch() {
    assertThatThrownBy(
            () ->
                SigV4Verifier.check(
                    SigV4Credential.parse(TV1_AUTH),
                    "POST",
                    "/",
                    null,
                    headers(FORM),
                    bytes(TV1_BODY),
                    "not-the-secret",
                    AMZ_DATE,
                    SIGNED_AT,
                    Duration.ofMinutes(15)))
        .isInstanceOfSatisfying(
            SigV4Exception.class, e -> assertThat(e.code()).isEqualTo("SignatureDoesNotMatch"));
  }

  @Test
  void withinSkew_insideWindowEitherDirection_true() {
    Duration skew = Duration.ofMinutes(15);

    assertThat(SigV4Verifier.withinSkew(AMZ_DATE, SIGNED_AT, skew)).isTrue();
    assertThat(SigV4Verifier.withinSkew(AMZ_DATE, SIGNED_AT + skew.toMillis(), skew)).isTrue();
    assertThat(SigV4Verifier.withinSkew(AMZ_DATE, SIGNED_AT - skew.toMillis(), skew)).isTrue();
  }

  @Test
  void withinSkew_outsideWindowEitherDirection_false() {
    Duration skew = Duration.ofMinutes(15);

    assertThat(SigV4Verifier.withinSkew(AMZ_DATE, SIGNED_AT + skew.toMillis() + 1, skew)).isFalse();
    assertThat(SigV4Verifier.withinSkew(AMZ_DATE, SIGNED_AT - skew.toMillis() - 1, skew)).isFalse();
  }

  @Test
  void withinSkew_malformedOrMissingDate_false() {
    Duration skew = Duration.ofDays(365_000);

    assertThat(SigV4Verifier.withinSkew(null, SIGNED_AT, skew)).isFalse();
    assertThat(SigV4Verifier.withinSkew("2024-01-15T12:00:00Z", SIGNED_AT, skew)).isFalse();
    assertThat(SigV4Verifier.withinSkew("20240115T120000", SIGNED_AT, skew)).isFalse();
    assertThat(SigV4Verifier.withinSkew("20240230T120000Z", SIGNED_AT, skew)).isFalse();
    assertThat(SigV4Verifier.withinSkew("20240115T250000Z", SIGNED_AT, skew)).isFalse();
  }

  @Test
  void canonicalQuery_unsortedAndVariouslyEncoded_sortedAndReencoded() {
    assertThat(SigV4Verifier.canonicalQuery("b=2&a=x%2fy&a=%41+b&c&d=%7e"))
        .isEqualTo("a=A%2Bb&a=x%2Fy&b=2&c=&d=~");
    assertThat(SigV4Verifier.canonicalQuery(null)).isEmpty();
    assertThat(SigV4Verifier.canonicalQuery("")).isEmpty();
  }

  @Test
  void canonicalUri_plainPath_unchanged() {
    assertThat(SigV4Verifier.canonicalUri("/v2/email/outbound-emails"))
        .isEqualTo("/v2/email/outbound-emails");
    assertThat(SigV4Verifier.canonicalUri("")).isEqualTo("/");
  }

  @Test
  void canonicalUri_percentEncodedPath_encodedAgainLikeTheSdks() {
    assertThat(SigV4Verifier.canonicalUri("/v2/email/identities/user%40example.com"))
        .isEqualTo("/v2/email/identities/user%2540example.com");
  }

  @Test
  void trimAll_runsOfBlanks_collapsed() {
    assertThat(SigV4Verifier.trimAll("  a \t  b   c ")).isEqualTo("a b c");
  }
}
