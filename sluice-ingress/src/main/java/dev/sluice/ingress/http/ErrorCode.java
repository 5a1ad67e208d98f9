package dev.sluice.ingress.http;

import java.util.Locale;

/**
 * The stable error codes of the HTTP submit API, each with its HTTP status. A client branches on
 * the code, never on the message text, which may change.
 *
 * <table>
 *   <caption>Error codes</caption>
 *   <tr><th>status</th><th>code</th><th>meaning</th></tr>
 *   <tr><td>400</td><td>{@code bad_request}</td><td>not parseable as HTTP, or a malformed query
 *       string</td></tr>
 *   <tr><td>400</td><td>{@code invalid_json}</td><td>the body is not one JSON object</td></tr>
 *   <tr><td>400</td><td>{@code unknown_field}</td><td>a JSON field or query parameter this API
 *       does not have</td></tr>
 *   <tr><td>400</td><td>{@code missing_field}</td><td>a required field or parameter is
 *       absent</td></tr>
 *   <tr><td>400</td><td>{@code invalid_field}</td><td>a field has the wrong type or an unusable
 *       value</td></tr>
 *   <tr><td>400</td><td>{@code invalid_address}</td><td>an address outside {@link
 *       dev.sluice.core.address.SesAddressGrammar}, with its words</td></tr>
 *   <tr><td>400</td><td>{@code too_many_recipients}</td><td>more envelope recipients than the
 *       limit</td></tr>
 *   <tr><td>400</td><td>{@code invalid_header}</td><td>a custom header with a bad name or value,
 *       or one the relay writes itself</td></tr>
 *   <tr><td>400</td><td>{@code invalid_message}</td><td>a raw message {@link
 *       dev.sluice.ingress.MessageCheck} refuses (empty, no header section, header fields only, no
 *       From field, a NUL octet), with its words</td></tr>
 *   <tr><td>400</td><td>{@code bare_newline}</td><td>a raw message with a CR not followed by
 *       LF</td></tr>
 *   <tr><td>400</td><td>{@code line_too_long}</td><td>a raw message line over 1000 octets with its
 *       CRLF</td></tr>
 *   <tr><td>400</td><td>{@code too_many_messages}</td><td>a batch over the batch limit</td></tr>
 *   <tr><td>400</td><td>{@code recipient_suppressed}</td><td>every recipient of a message is on
 *       the relay's suppression list, each named with the reason and date</td></tr>
 *   <tr><td>400</td><td>{@code unknown_route}</td><td>the message's route ({@code X-Sluice-Route}
 *       or {@code route}) is empty, given twice or not one of the relay's routes</td></tr>
 *   <tr><td>400</td><td>{@code unknown_class}</td><td>the message's traffic class ({@code
 *       X-Sluice-Class} or {@code class}) is empty, given twice or not one of the relay's
 *       classes</td></tr>
 *   <tr><td>401</td><td>{@code auth_required}</td><td>log in with HTTP Basic (sent with {@code
 *       WWW-Authenticate})</td></tr>
 *   <tr><td>401</td><td>{@code invalid_credentials}</td><td>malformed Basic credentials, unknown
 *       user or wrong password</td></tr>
 *   <tr><td>403</td><td>{@code relay_denied}</td><td>neither in the relay networks nor able to
 *       log in here</td></tr>
 *   <tr><td>403</td><td>{@code tls_required}</td><td>credentials sent without TLS from a client
 *       that must use it</td></tr>
 *   <tr><td>404</td><td>{@code not_found}</td><td>no such path</td></tr>
 *   <tr><td>405</td><td>{@code method_not_allowed}</td><td>the path exists; {@code Allow} names
 *       its methods</td></tr>
 *   <tr><td>413</td><td>{@code message_too_large}</td><td>the request body or a message built
 *       from it is over the size limit</td></tr>
 *   <tr><td>415</td><td>{@code unsupported_media_type}</td><td>a {@code Content-Type} the path
 *       does not take</td></tr>
 *   <tr><td>500</td><td>{@code internal_error}</td><td>a fault in the relay; nothing was
 *       stored</td></tr>
 *   <tr><td>503</td><td>{@code queue_full}</td><td>back-pressure: the spool is at its high-water
 *       mark or its disk is nearly full; retry after {@code Retry-After} seconds</td></tr>
 *   <tr><td>503</td><td>{@code not_stored}</td><td>the spool could not store the message; retry
 *       after {@code Retry-After} seconds</td></tr>
 * </table>
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  INVALID_JSON(400),
  UNKNOWN_FIELD(400),
  MISSING_FIELD(400),
  INVALID_FIELD(400),
  INVALID_ADDRESS(400),
  TOO_MANY_RECIPIENTS(400),
  INVALID_HEADER(400),
  INVALID_MESSAGE(400),
  BARE_NEWLINE(400),
  LINE_TOO_LONG(400),
  TOO_MANY_MESSAGES(400),
  RECIPIENT_SUPPRESSED(400),
  UNKNOWN_ROUTE(400),
  UNKNOWN_CLASS(400),
  AUTH_REQUIRED(401),
  INVALID_CREDENTIALS(401),
  RELAY_DENIED(403),
  TLS_REQUIRED(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  MESSAGE_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  INTERNAL_ERROR(500),
  QUEUE_FULL(503),
  NOT_STORED(503);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP status this code is sent with. */
  public int status() {
    return status;
  }

  /** The code as it appears on the wire, e.g. {@code queue_full}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
