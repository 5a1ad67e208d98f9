package dev.sluice.app.admin;

import java.util.Locale;

/**
 * The stable error codes of the admin API, each with its HTTP status. Every error is sent as {@code
 * {"error":{"code":"...","message":"..."}}}; clients branch on the code, never on the message.
 *
 * <table>
 *   <caption>Error codes</caption>
 *   <tr><th>status</th><th>code</th><th>meaning</th></tr>
 *   <tr><td>400</td><td>{@code bad_request}</td><td>not parseable as HTTP, or a malformed query
 *       string</td></tr>
 *   <tr><td>400</td><td>{@code unknown_parameter}</td><td>a query parameter the endpoint does not
 *       have</td></tr>
 *   <tr><td>400</td><td>{@code invalid_parameter}</td><td>a parameter with an unusable
 *       value</td></tr>
 *   <tr><td>400</td><td>{@code invalid_id}</td><td>not a queue id (1 to 40 of
 *       {@code [0-9A-Za-z]})</td></tr>
 *   <tr><td>400</td><td>{@code invalid_address}</td><td>an address SES would refuse, with its
 *       words</td></tr>
 *   <tr><td>400</td><td>{@code invalid_config}</td><td>a reload found the configuration invalid;
 *       the running one is kept</td></tr>
 *   <tr><td>401</td><td>{@code auth_required}</td><td>a token is configured and the request has
 *       no {@code Authorization: Bearer} header (sent with {@code WWW-Authenticate})</td></tr>
 *   <tr><td>401</td><td>{@code invalid_token}</td><td>the bearer token is wrong</td></tr>
 *   <tr><td>404</td><td>{@code not_found}</td><td>no such path</td></tr>
 *   <tr><td>404</td><td>{@code no_such_message}</td><td>neither the spool nor the history holds
 *       that message</td></tr>
 *   <tr><td>404</td><td>{@code reload_unavailable}</td><td>the relay was started without a
 *       configuration to read again (embedded in a program)</td></tr>
 *   <tr><td>404</td><td>{@code not_suppressed}</td><td>the address is not on the suppression
 *       list</td></tr>
 *   <tr><td>405</td><td>{@code method_not_allowed}</td><td>the path exists; {@code Allow} names its
 *       methods</td></tr>
 *   <tr><td>409</td><td>{@code message_active}</td><td>retry of a message being delivered right
 *       now</td></tr>
 *   <tr><td>413</td><td>{@code request_too_large}</td><td>a request over 64 KB</td></tr>
 *   <tr><td>500</td><td>{@code internal_error}</td><td>a fault in the relay</td></tr>
 *   <tr><td>503</td><td>{@code busy}</td><td>too many admin requests at once; retry</td></tr>
 *   <tr><td>503</td><td>{@code spool_unavailable}</td><td>the spool cannot answer (closed or
 *       failing)</td></tr>
 * </table>
 */
public enum AdminError {
  BAD_REQUEST(400),
  UNKNOWN_PARAMETER(400),
  INVALID_PARAMETER(400),
  INVALID_ID(400),
  INVALID_ADDRESS(400),
  INVALID_CONFIG(400),
  AUTH_REQUIRED(401),
  INVALID_TOKEN(401),
  NOT_FOUND(404),
  NO_SUCH_MESSAGE(404),
  NOT_SUPPRESSED(404),
  RELOAD_UNAVAILABLE(404),
  METHOD_NOT_ALLOWED(405),
  MESSAGE_ACTIVE(409),
  REQUEST_TOO_LARGE(413),
  INTERNAL_ERROR(500),
  BUSY(503),
  SPOOL_UNAVAILABLE(503);

  private final int status;

  AdminError(int status) {
    this.status = status;
  }

  /** The HTTP status this code is sent with. */
  public int status() {
    return status;
  }

  /** The code as it appears on the wire, e.g. {@code no_such_message}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
