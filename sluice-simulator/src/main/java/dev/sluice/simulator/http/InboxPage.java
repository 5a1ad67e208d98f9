package dev.sluice.simulator.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;

/**
 * The inbox page: one self-contained HTML file ({@code inbox.html} beside this class), style and
 * script inline, no asset from anywhere else. It polls {@code /_sluice/messages} and shows the
 * received messages, newest first, and one message's headers, text, HTML, raw source and events
 * (from {@code /{id}/parts}, {@code /{id}/raw} and {@code /{id}}), updating while open.
 *
 * <p>Design: a message is hostile input. The page puts its fields on the page as text only, and its
 * HTML body in an {@code <iframe sandbox srcdoc>} without {@code allow-scripts} or {@code
 * allow-same-origin}. The Content-Security-Policy allows exactly the page's own script (by SHA-256
 * hash), requests to this server, inline styles (which HTML mail needs; the sandboxed body inherits
 * this policy) and {@code data:} images only, so neither a message's markup nor its remote images
 * can run or load anything.
 *
 * <p>Immutable; thread-safe.
 */
final class InboxPage {
  /** Where the page is served. */
  static final String PATH = "/_sluice/inbox";

  private static final byte[] HTML = load();
  private static final String POLICY =
      "default-src 'none'; script-src '"
          + hash(inner(new String(HTML, StandardCharsets.UTF_8), "script"))
          + "'; style-src 'unsafe-inline'; img-src data:; connect-src 'self';"
          + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private InboxPage() {}

  /** The page, with its headers. */
  static ApiResponse page() {
    ApiResponse r =
        new ApiResponse(200, "text/html; charset=utf-8", new LinkedHashMap<>(), HTML)
            .header("Content-Security-Policy", POLICY);
    return noSniff(r).header("Referrer-Policy", "no-referrer");
  }

  /** {@code GET /} for a person: a redirect to the page. */
  static ApiResponse redirect() {
    return ApiResponse.text(302, "text/plain; charset=utf-8", "See " + PATH + "\n")
        .header("Location", PATH);
  }

  /** Headers for content a browser must neither sniff nor cache. */
  static ApiResponse noSniff(ApiResponse r) {
    return r.header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff");
  }

  private static byte[] load() {
    try (InputStream in = InboxPage.class.getResourceAsStream("inbox.html")) {
      if (in == null) {
        throw new IllegalStateException("inbox.html is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read inbox.html", e);
    }
  }

  /** The text of the page's one {@code <script>} element. */
  static String inner(String html, String tag) {
    int open = html.indexOf("<" + tag + ">");
    int close = html.indexOf("</" + tag + ">");
    if (open < 0 || close < open || html.indexOf("<" + tag + ">", open + 1) >= 0) {
      throw new IllegalStateException("inbox.html must have exactly one <" + tag + "> element");
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
