package dev.sluice.simulator.http;

/** XML text escaping for the v1 Query API's responses. */
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
}
