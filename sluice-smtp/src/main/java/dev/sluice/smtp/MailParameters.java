package dev.sluice.smtp;

import java.util.Locale;
import java.util.Map;

/**
 * Checks MAIL FROM parameters against what the dialect offers: SIZE (RFC 1870), BODY (RFC 6152) and
 * AUTH (RFC 4954 §5). Anything else is refused, as RFC 5321 §4.1.1.11 asks for parameters not
 * advertised.
 *
 * <p>Stateless; thread-safe.
 */
final class MailParameters {
  private MailParameters() {}

  /**
   * Checks the parameters.
   *
   * @return the refusal, or {@code null} if all are acceptable
   */
  static ServerReply check(Map<String, String> params, SmtpDialect dialect, long maxMessageSize) {
    for (Map.Entry<String, String> p : params.entrySet()) {
      ServerReply refusal =
          switch (p.getKey()) {
            case "SIZE" -> size(p.getValue(), dialect, maxMessageSize);
            case "BODY" -> body(p.getValue(), dialect);
            case "AUTH" ->
                dialect.offers(SmtpExtension.AUTH) ? null : ServerReply.UNSUPPORTED_PARAMETER;
            default -> ServerReply.UNSUPPORTED_PARAMETER;
          };
      if (refusal != null) {
        return refusal;
      }
    }
    return null;
  }

  private static ServerReply size(String value, SmtpDialect dialect, long maxMessageSize) {
    if (!dialect.offers(SmtpExtension.SIZE)) {
      return ServerReply.UNSUPPORTED_PARAMETER;
    }
    if (value.isEmpty()
        || value.length() > 18
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return ServerReply.SYNTAX;
    }
    // RFC 1870 §6.1: a declared size over the limit is refused at once with 552.
    return Long.parseLong(value) > maxMessageSize ? ServerReply.MESSAGE_TOO_BIG : null;
  }

  private static ServerReply body(String value, SmtpDialect dialect) {
    String body = value.toUpperCase(Locale.ROOT);
    boolean eightBit = body.equals("8BITMIME") && dialect.offers(SmtpExtension.EIGHTBITMIME);
    return body.equals("7BIT") || eightBit ? null : ServerReply.UNSUPPORTED_PARAMETER;
  }
}
