package dev.sluice.app.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The status page: one self-contained HTML file ({@code status.html} beside this class) with its
 * style and script inline, which fetches {@code /api/stats} every two seconds and draws it. It
 * holds no data itself, so it is served without the token; the script sends the token it finds in
 * the URL fragment ({@code /#token=…}), which browsers never put on the wire or in a log.
 *
 * <p>It is sent with a Content-Security-Policy that allows exactly its own inline script and style
 * (by SHA-256 hash) and requests to this server, so nothing else can run on it or be loaded.
 */
final class StatusPage {
  private static final AdminResponse PAGE = load();

  private StatusPage() {}

  /** The page, with its headers. */
  static AdminResponse response() {
    return PAGE;
  }

  private static AdminResponse load() {
    String html;
    try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
      if (in == null) {
        throw new IllegalStateException("status.html is missing from the jar");
      }
      html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read status.html", e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(
        "Content-Security-Policy",
        "default-src 'none'; script-src '"
            + hash(inner(html, "script"))
            + "'; style-src '"
            + hash(inner(html, "style"))
            + "'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'");
    headers.put("Cache-Control", "no-store");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    return new AdminResponse(
        200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** The text between the page's one {@code <tag>} and {@code </tag>}. */
  static String inner(String html, String tag) {
    int open = html.indexOf("<" + tag + ">");
    int close = html.indexOf("</" + tag + ">");
    if (open < 0 || close < open || html.indexOf("<" + tag + ">", open + 1) >= 0) {
      throw new IllegalStateException("status.html must have exactly one <" + tag + "> element");
    }
    return html.substring(open + tag.length() + 2, close);
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
