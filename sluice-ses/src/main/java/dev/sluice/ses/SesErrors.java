package dev.sluice.ses;

import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.CallResult.ThrottleKind;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The one place where SES API errors become {@link CallResult}s, for v1 and v2 alike, following the
 * SES wire specification's error tables.
 *
 * <ul>
 *   <li>Throttle: v2 429 {@code TooManyRequestsException}, v1 {@code Throttling}, and v2 {@code
 *       LimitExceededException} (an assumption: SES does not document which code v2 uses for the
 *       daily quota). The daily quota is told apart from the rate by its text, "Daily message quota
 *       exceeded", because v1 (and possibly v2) use the same code for both.
 *   <li>Transient: HTTP 5xx, {@code RequestTimeout}, and every client-side failure (connection
 *       refused or reset, timeouts).
 *   <li>Permanent for the account: sending paused or the account suspended, and authentication
 *       failures (a wrong key will not right itself; an expired session token, which the
 *       credentials' renewal replaces, closes the account's gate until then rather than failing the
 *       message).
 *   <li>Permanent for the message: every other 4xx ({@code MessageRejected}, {@code
 *       MailFromDomainNotVerifiedException}, {@code InvalidParameterValue}, {@code
 *       BadRequestException}, …).
 * </ul>
 *
 * <p>Stateless; thread-safe.
 */
public final class SesErrors {
  private static final Set<String> THROTTLE_CODES =
      Set.of(
          "TooManyRequestsException",
          "Throttling",
          "ThrottlingException",
          "LimitExceededException");
  private static final Set<String> ACCOUNT_CODES =
      Set.of(
          "SendingPausedException",
          "AccountSendingPausedException",
          "AccountSuspendedException",
          "InvalidClientTokenId",
          "UnrecognizedClientException",
          "SignatureDoesNotMatch",
          "InvalidSignatureException",
          "MissingAuthenticationToken",
          "ExpiredToken",
          "ExpiredTokenException",
          "AccessDenied",
          "AccessDeniedException",
          "OptInRequired");
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "InternalFailure",
          "ServiceUnavailable",
          "RequestTimeout",
          "RequestTimeoutException",
          "InternalServiceErrorException",
          "ConcurrentModificationException");

  private static final List<String> ADDRESS_PROBLEMS =
      List.of(
          "missing final '@domain'",
          "invalid email address",
          "illegal address",
          "local address contains",
          "domain contains",
          "domain starts with",
          "domain ends with",
          "missing local name",
          "missing domain",
          "address unknown");

  private SesErrors() {}

  /** Classifies a failed SDK call. */
  public static CallResult classify(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof AwsServiceException ase) {
      String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
      String message =
          ase.awsErrorDetails() == null || ase.awsErrorDetails().errorMessage() == null
              ? String.valueOf(ase.getMessage())
              : ase.awsErrorDetails().errorMessage();
      return classify(ase.statusCode(), code, message);
    }
    if (e instanceof SdkClientException) {
      return new CallResult.Transient(String.valueOf(e.getMessage()));
    }
    return new CallResult.Transient(e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /** Classifies an error by HTTP status, error code and message. */
  public static CallResult classify(int status, String code, String message) {
    String text = (code == null ? "HTTP " + status : code) + ": " + message;
    if (isDaily(message) && (code == null || THROTTLE_CODES.contains(code) || status == 429)) {
      return new CallResult.Throttled(ThrottleKind.DAILY, message);
    }
    if (status == 429 || (code != null && THROTTLE_CODES.contains(code))) {
      return new CallResult.Throttled(ThrottleKind.RATE, message);
    }
    if (status >= 500 || (code != null && TRANSIENT_CODES.contains(code))) {
      return new CallResult.Transient(text);
    }
    if ((code != null && ACCOUNT_CODES.contains(code)) || status == 401 || status == 403) {
      return new CallResult.Permanent(text, true);
    }
    return new CallResult.Permanent(text, false);
  }

  /**
   * Whether a permanent refusal's text is about an address rather than the message: SES's address
   * errors ({@code Missing final '@domain'} and {@code Invalid email address …} are seen in real
   * traffic; the others are the rest of the same family of parser messages, an assumption). Used to
   * narrow a refused call down to the recipients at fault (see {@code Refusals}).
   */
  public static boolean isAddressProblem(String text) {
    if (text == null) {
      return false;
    }
    String t = text.toLowerCase(Locale.ROOT);
    for (String s : ADDRESS_PROBLEMS) {
      if (t.contains(s)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an SES message text says the daily quota is spent. */
  public static boolean isDaily(String message) {
    return message != null
        && message.toLowerCase(Locale.ROOT).contains("daily message quota exceeded");
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof java.util.concurrent.CompletionException
            || e instanceof java.util.concurrent.ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
