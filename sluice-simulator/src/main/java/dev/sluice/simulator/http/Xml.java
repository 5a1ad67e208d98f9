package dev.sluice.simulator.http;

/** XML text escaping and the error document of the Query APIs (SES v1, STS). */
final class Xml {
  static final String NS = "http://ses.amazonaws.com/doc/2010-12-01/";

  private Xml() {}

  static String escape(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep =
          switch (c) {
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '&' -> "&amp;";
            case '"' -> "&quot;";
            case '\'' -> "&apos;";
            default -> c < 0x20 && c != '\n' && c != '\r' && c != '\t' ? "" : null;
          };
      if (rep != null) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        sb.append(rep);
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** An {@code ErrorResponse} document in namespace {@code ns}, as the Query APIs answer. */
  static ApiResponse errorResponse(
      String ns, int status, String type, String code, String message, String requestId) {
    String xml =
        "<ErrorResponse xmlns=\""
            + ns
            + "\">\n  <Error>\n    <Type>"
            + type
            + "</Type>\n    <Code>"
            + code
            + "</Code>\n    <Message>"
            + escape(message)
            + "</Message>\n  </Error>\n  <RequestId>"
            + requestId
            + "</RequestId>\n</ErrorResponse>\n";
    return ApiResponse.xml(status, xml);
  }
}
