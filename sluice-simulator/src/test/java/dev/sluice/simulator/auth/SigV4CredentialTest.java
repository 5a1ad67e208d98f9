package dev.sluice.simulator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SigV4CredentialTest {
  private static final String SIG =
      "1b0268074c04fb142f61d372720500da20379afe61e03f2627785e453fd15d11";

  @Test
  void parse_sdkForm_extractsEveryPart() {
    SigV4Credential c =
        SigV4Credential.parse(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240115/us-east-1/ses/aws4_request,"
                + " SignedHeaders=content-type;host;x-amz-date, Signature="
                + SIG);

    assertThat(c.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
    assertThat(c.date()).isEqualTo("20240115");
    assertThat(c.region()).isEqualTo("us-east-1");
    assertThat(c.service()).isEqualTo("ses");
    assertThat(c.signedHeaders()).containsExactly("content-type", "host", "x-amz-date");
    assertThat(c.signature()).isEqualTo(SIG);
    assertThat(c.scope()).isEqualTo("20240115/us-east-1/ses/aws4_request");
  }

  @Test
  void parse_commasWithoutSpaces_accepted() {
    SigV4Credential c =
        SigV4Credential.parse(
            "AWS4-HMAC-SHA256 Credential=AKID/20240115/eu-west-1/ses/aws4_request,"
                + "SignedHeaders=host;x-amz-date,Signature="
                + SIG);

    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.signedHeaders()).containsExactly("host", "x-amz-date");
  }

  @Test
  void parse_componentsInAnyOrderWithExtraSpaces_accepted() {
    SigV4Credential c =
        SigV4Credential.parse(
            "  AWS4-HMAC-SHA256   Signature="
                + SIG
                + " ,  SignedHeaders=host , Credential=AKID/20240115/us-east-1/ses/aws4_request ");

    assertThat(c.accessKeyId()).isEqualTo("AKID");
    assertThat(c.signedHeaders()).containsExactly("host");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "\t"})
  void parse_nullOrBlank_missingAuthenticationToken(String header) {
    assertThatThrownBy(() -> SigV4Credential.parse(header))
        .isInstanceOfSatisfying(
            SigV4Exception.class,
            e -> {
              assertThat(e.code()).isEqualTo("MissingAuthenticationToken");
              assertThat(e.httpStatus()).isEqualTo(403);
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AWS4-HMAC-SHA256",
        "AWS AKID:signature",
        "AWS4-HMAC-SHA512 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host, Signature="
            + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host",
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " Signature="
            + SIG,
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/2024011/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host, Signature="
            + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_requestx,"
            + " SignedHeaders=host, Signature="
            + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/aws4_request,"
            + " SignedHeaders=host, Signature="
            + SIG,
        "AWS4-HMAC-SHA256 Credential=/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host, Signature="
            + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=content-type;x-amz-date, Signature="
            + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host;;x-amz-date, Signature="
            + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host, Signature="
            + "1B0268074C04FB142F61D372720500DA20379AFE61E03F2627785E453FD15D11",
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host, Signature="
            + SIG
            + ", Signature="
            + SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host, Signature="
            + SIG
            + ", Foo=bar",
        "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
            + " SignedHeaders=host,, Signature="
            + SIG,
      })
  void parse_malformed_incompleteSignature(String header) {
    assertThatThrownBy(() -> SigV4Credential.parse(header))
        .isInstanceOfSatisfying(
            SigV4Exception.class, e -> assertThat(e.code()).isEqualTo("IncompleteSignature"));
  }

  @Test
  void parse_upperCaseSignedHeaderNames_lowerCased() {
    SigV4Credential c =
        SigV4Credential.parse(
            "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/ses/aws4_request,"
                + " SignedHeaders=Host;X-Amz-Date, Signature="
                + SIG);

    assertThat(c.signedHeaders()).containsExactly("host", "x-amz-date");
  }
}
