package dev.sluice.simulator.auth;

/**
 * A request whose SigV4 authentication is missing, malformed or wrong, carrying the AWS error code
 * the simulator answers with (ses-wire.md §1.2).
 *
 * <p>Immutable and thread-safe.
 */
public final class SigV4Exception extends RuntimeException {
  /** The {@code Authorization} header is absent or blank. */
  public static final String MISSING_AUTHENTICATION_TOKEN = "MissingAuthenticationToken";

  /** The {@code Authorization} header is present but cannot be parsed. */
  public static final String INCOMPLETE_SIGNATURE = "IncompleteSignature";

  /** The signature does not match the request (wrong secret, region, body, headers...). */
  public static final String SIGNATURE_DOES_NOT_MATCH = "SignatureDoesNotMatch";

  /** The access key ID is unknown to the simulator. */
  public static final String INVALID_CLIENT_TOKEN_ID = "InvalidClientTokenId";

  /** The {@code X-Amz-Date} is too far from the simulator's clock. */
  public static final String REQUEST_EXPIRED = "RequestExpired";

  private final String code;

  /** Creates an exception with an AWS error code and a human-readable message. */
  public SigV4Exception(String code, String message) {
    super(message);
    this.code = code;
  }

  /** The AWS error code, e.g. {@code IncompleteSignature}. */
  public String code() {
    return code;
  }

  /** The HTTP status AWS uses for this code: 400 for {@code RequestExpired}, 403 otherwise. */
  public int httpStatus() {
    return REQUEST_EXPIRED.equals(code) ? 400 : 403;
  }
}
