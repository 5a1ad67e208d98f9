package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.CallResult.ThrottleKind;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ses.model.SesException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/** Every error of the SES wire specification lands in the right class. */
class SesErrorsTest {
  @ParameterizedTest(name = "{0} {1}: {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "429|TooManyRequestsException|Maximum sending rate exceeded.|RATE",
        "429|TooManyRequestsException|Daily message quota exceeded.|DAILY",
        "400|LimitExceededException|Daily message quota exceeded.|DAILY",
        "400|LimitExceededException|Too many instances|RATE",
        "400|Throttling|Maximum sending rate exceeded.|RATE",
        "400|Throttling|Daily message quota exceeded.|DAILY",
        "400|Throttling|Maximum SigV2 SMTP sending rate exceeded|RATE",
        "400|Throttling|Rate exceeded|RATE",
        "500|InternalFailure|x|TRANSIENT",
        "503|ServiceUnavailable|x|TRANSIENT",
        "502||Bad gateway|TRANSIENT",
        "504||Gateway timeout|TRANSIENT",
        "400|RequestTimeout|x|TRANSIENT",
        "500|InternalServiceErrorException|x|TRANSIENT",
        "400|MessageRejected|Email address is not verified.|PERMANENT",
        "400|MailFromDomainNotVerifiedException|x|PERMANENT",
        "400|ConfigurationSetDoesNotExist|x|PERMANENT",
        "400|InvalidParameterValue|Missing final '@domain'|PERMANENT",
        "400|MissingParameter|x|PERMANENT",
        "400|BadRequestException|Recipient count exceeds 50.|PERMANENT",
        "404|NotFoundException|x|PERMANENT",
        "400|TemplateDoesNotExist|x|PERMANENT",
        "400|SendingPausedException|x|ACCOUNT",
        "400|AccountSendingPausedException|x|ACCOUNT",
        "400|ConfigurationSetSendingPausedException|x|PERMANENT",
        "400|AccountSuspendedException|x|ACCOUNT",
        "403|SignatureDoesNotMatch|x|ACCOUNT",
        "403|InvalidClientTokenId|x|ACCOUNT",
        "403|AccessDenied|x|ACCOUNT",
        "400|IncompleteSignature|x|PERMANENT",
        "403|MissingAuthenticationToken|x|ACCOUNT",
        "403|ExpiredTokenException|The security token included in the request is expired|ACCOUNT",
        // The Query protocol's common errors list ExpiredToken with status 400: by its status alone
        // it would fail the message.
        "400|ExpiredToken|The security token included in the request is expired|ACCOUNT",
      })
  void classify_specErrors(int status, String code, String message, String expected) {
    CallResult a = SesErrors.classify(status, code, message);
    switch (expected) {
      case "RATE" -> assertThat(a).isEqualTo(new CallResult.Throttled(ThrottleKind.RATE, message));
      case "DAILY" ->
          assertThat(a).isEqualTo(new CallResult.Throttled(ThrottleKind.DAILY, message));
      case "TRANSIENT" -> assertThat(a).isInstanceOf(CallResult.Transient.class);
      case "PERMANENT" ->
          assertThat(a)
              .isInstanceOfSatisfying(
                  CallResult.Permanent.class, p -> assertThat(p.accountWide()).isFalse());
      case "ACCOUNT" ->
          assertThat(a)
              .isInstanceOfSatisfying(
                  CallResult.Permanent.class, p -> assertThat(p.accountWide()).isTrue());
      default -> throw new AssertionError(expected);
    }
  }

  @Test
  void classify_sdkExceptions() {
    TooManyRequestsException tm =
        TooManyRequestsException.builder()
            .statusCode(429)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("TooManyRequestsException")
                    .errorMessage("Maximum sending rate exceeded.")
                    .build())
            .build();
    assertThat(SesErrors.classify(tm))
        .isEqualTo(new CallResult.Throttled(ThrottleKind.RATE, "Maximum sending rate exceeded."));
    SesException v1 =
        (SesException)
            SesException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("Throttling")
                        .errorMessage("Daily message quota exceeded.")
                        .build())
                .build();
    assertThat(SesErrors.classify(new java.util.concurrent.CompletionException(v1)))
        .isEqualTo(new CallResult.Throttled(ThrottleKind.DAILY, "Daily message quota exceeded."));
    MessageRejectedException mr =
        MessageRejectedException.builder()
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode("MessageRejected").errorMessage("no").build())
            .build();
    assertThat(SesErrors.classify(mr)).isInstanceOf(CallResult.Permanent.class);
    assertThat(
            SesErrors.classify(
                SdkClientException.create(
                    "Unable to execute HTTP request", new IOException("reset"))))
        .isInstanceOf(CallResult.Transient.class);
    assertThat(SesErrors.classify(new IllegalStateException("odd")))
        .isInstanceOf(CallResult.Transient.class);
  }

  @Test
  void isAddressProblem_addressErrorsYes_messageErrorsNo() {
    assertThat(SesErrors.isAddressProblem("InvalidParameterValue: Missing final '@domain'"))
        .isTrue();
    assertThat(SesErrors.isAddressProblem("BadRequestException: Invalid email address a@b."))
        .isTrue();
    assertThat(SesErrors.isAddressProblem("rcpt: 553 <x@y> address unknown")).isTrue();
    assertThat(
            SesErrors.isAddressProblem(
                "MessageRejected: Email address is not verified. The following identities failed"
                    + " the check in region US-EAST-1: s@example.com"))
        .isFalse();
    assertThat(SesErrors.isAddressProblem("MessageRejected: Message contains a virus")).isFalse();
    assertThat(SesErrors.isAddressProblem(null)).isFalse();
  }
}
