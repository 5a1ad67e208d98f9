package dev.sluice.simulator.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a stored message the way a person's mail client would show it: the header fields with
 * encoded words decoded, the first plain-text and the first HTML body, and the other parts as
 * attachments (type, name, size).
 *
 * <p>Design: enough of RFC 2045-2047 and 2231 for the inbox page, not a full MIME library. It walks
 * the octets in place (no copy of a 40 MB message), descends into {@code multipart/*} at most
 * {@link #MAX_DEPTH} deep and through at most {@link #MAX_PARTS} parts, decodes base64 and
 * quoted-printable bodies only up to the caller's bound, and treats a message without a header
 * section as one plain-text body. Malformed input never fails: what cannot be read is shown as it
 * is. Parsing on the server rather than in the page keeps one tested decoder and gives tests the
 * same view over {@code GET /_sluice/messages/{id}/parts}.
 *
 * <p>Stateless; thread-safe.
 */
public final class MimeReader {
  /** Deepest multipart nesting followed. */
  static final int MAX_DEPTH = 8;

  /** Most parts looked at. */
  static final int MAX_PARTS = 200;

  /** Most header fields kept for the top-level header section. */
  static final int MAX_HEADERS = 500;

  /** Longest header field value kept, in characters. */
  static final int MAX_HEADER_VALUE = 16 * 1024;

  /**
   * A header field, its value unfolded and its encoded words decoded.
   *
   * @param name the field name as written
   * @param value the decoded value
   */
  public record Header(String name, String value) {}

  /**
   * A part that is not the message's text or HTML body.
   *
   * @param contentType the media type, lower case
   * @param filename its file name, or null
   * @param size its size once decoded, in octets
   */
  public record Attachment(String contentType, String filename, long size) {}

  /**
   * What a person sees of a message.
   *
   * @param headers the top-level header fields, in order
   * @param text the first plain-text body, or null
   * @param textTruncated whether the text was cut at the bound
   * @param html the first HTML body, or null
   * @param htmlTruncated whether the HTML was cut at the bound
   * @param attachments the other parts
   */
  public record View(
      List<Header> headers,
      String text,
      boolean textTruncated,
      String html,
      boolean htmlTruncated,
      List<Attachment> attachments) {}

  private MimeReader() {}

  /** Reads {@code message}, decoding at most {@code maxBodyOctets} of its text and HTML bodies. */
  public static View read(byte[] message, int maxBodyOctets) {
    Walk w = new Walk(message, maxBodyOctets);
    int end = message.length;
    if (!startsWithHeader(message)) {
      MimeText.Decoded d = MimeText.decode(message, 0, end, null, maxBodyOctets);
      return new View(
          List.of(), MimeText.text(d.octets(), null), d.truncated(), null, false, List.of());
    }
    w.entity(0, end, 0, true);
    return new View(
        List.copyOf(w.headers),
        w.text,
        w.textTruncated,
        w.html,
        w.htmlTruncated,
        List.copyOf(w.attachments));
  }

  /** Whether the first line is a header field ({@code name:}, RFC 5322 §2.2 field-name). */
  private static boolean startsWithHeader(byte[] m) {
    for (int i = 0; i < m.length && i < 1000; i++) {
      byte b = m[i];
      if (b == ':') {
        return i > 0;
      }
      if (b < 33 || b > 126) {
        return false;
      }
    }
    return false;
  }

  /** The state of one read: what has been found so far. */
  private static final class Walk {
    final byte[] m;
    final int limit;
    final List<Header> headers = new ArrayList<>();
    final List<Attachment> attachments = new ArrayList<>();
    String text;
    boolean textTruncated;
    String html;
    boolean htmlTruncated;
    int parts;

    Walk(byte[] m, int limit) {
      this.m = m;
      this.limit = limit;
    }

    void entity(int start, int end, int depth, boolean top) {
      if (++parts > MAX_PARTS) {
        return;
      }
      int bodyStart = bodyStart(start, end);
      List<Header> fields = fields(start, bodyStart == end ? end : bodyStart);
      if (top) {
        headers.addAll(fields.subList(0, Math.min(fields.size(), MAX_HEADERS)));
      }
      Map<String, String> h = new LinkedHashMap<>();
      for (Header f : fields) {
        h.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f.value());
      }
      HeaderValue type = HeaderValue.parse(h.getOrDefault("content-type", "text/plain"));
      String mediaType = type.value().isEmpty() ? "text/plain" : type.value();
      String encoding = h.get("content-transfer-encoding");
      HeaderValue disposition = HeaderValue.parse(h.getOrDefault("content-disposition", ""));
      String boundary = type.param("boundary");
      if (mediaType.startsWith("multipart/") && boundary != null && depth < MAX_DEPTH) {
        multipart(bodyStart, end, boundary, depth);
        return;
      }
      boolean attachment = disposition.value().equals("attachment");
      String filename = disposition.param("filename");
      if (filename == null) {
        filename = type.param("name");
      }
      if (!attachment && mediaType.equals("text/plain") && text == null) {
        MimeText.Decoded d = MimeText.decode(m, bodyStart, end, encoding, limit);
        text = MimeText.text(d.octets(), type.param("charset"));
        textTruncated = d.truncated();
      } else if (!attachment && mediaType.equals("text/html") && html == null) {
        MimeText.Decoded d = MimeText.decode(m, bodyStart, end, encoding, limit);
        html = MimeText.text(d.octets(), type.param("charset"));
        htmlTruncated = d.truncated();
      } else {
        attachments.add(
            new Attachment(
                mediaType,
                filename == null ? null : EncodedWords.decode(filename),
                MimeText.decodedSize(m, bodyStart, end, encoding)));
      }
    }

    /** Splits a multipart body on its delimiter lines (RFC 2046 §5.1.1) and reads each part. */
    void multipart(int start, int end, String boundary, int depth) {
      byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      int line = findDelimiter(start, end, delimiter);
      while (line >= 0) {
        int after = line + delimiter.length;
        if (after + 1 < end && m[after] == '-' && m[after + 1] == '-') {
          return; // the close delimiter; the epilogue is ignored
        }
        int partStart = nextLine(after, end);
        int next = findDelimiter(partStart, end, delimiter);
        // The line break before a delimiter belongs to the delimiter, not to the part.
        int partEnd = next < 0 ? end : trimLineBreak(partStart, next);
        entity(partStart, partEnd, depth + 1, false);
        line = next;
      }
    }

    /** The start of the next line at or after {@code from}, where a delimiter begins, or -1. */
    int findDelimiter(int from, int end, byte[] d) {
      int i = from;
      while (i < end) {
        if ((i == from || m[i - 1] == '\n')
            && regionMatches(i, end, d)
            && delimiterEnds(i + d.length, end)) {
          return i;
        }
        int nl = indexOf((byte) '\n', i, end);
        if (nl < 0) {
          return -1;
        }
        i = nl + 1;
      }
      return -1;
    }

    /**
     * Whether a delimiter line ends at {@code at}: with {@code --} (the close delimiter) or only
     * whitespace to the end of the line, so that boundary {@code b1} does not match {@code --b10}.
     */
    boolean delimiterEnds(int at, int end) {
      if (at + 1 < end && m[at] == '-' && m[at + 1] == '-') {
        return true;
      }
      for (int i = at; i < end && m[i] != '\n'; i++) {
        if (m[i] != ' ' && m[i] != '\t' && m[i] != '\r') {
          return false;
        }
      }
      return true;
    }

    boolean regionMatches(int at, int end, byte[] d) {
      if (end - at < d.length) {
        return false;
      }
      for (int k = 0; k < d.length; k++) {
        if (m[at + k] != d[k]) {
          return false;
        }
      }
      return true;
    }

    int indexOf(byte b, int from, int end) {
      for (int i = from; i < end; i++) {
        if (m[i] == b) {
          return i;
        }
      }
      return -1;
    }

    int nextLine(int from, int end) {
      int nl = indexOf((byte) '\n', from, end);
      return nl < 0 ? end : nl + 1;
    }

    int trimLineBreak(int start, int at) {
      int e = at;
      if (e > start && m[e - 1] == '\n') {
        e--;
        if (e > start && m[e - 1] == '\r') {
          e--;
        }
      }
      return e;
    }

    /** Where the body starts: after the first empty line, or {@code end} when there is none. */
    int bodyStart(int start, int end) {
      int i = start;
      while (i < end) {
        if (m[i] == '\n') {
          return i + 1; // an empty line right at the start: no header fields
        }
        if (m[i] == '\r' && i + 1 < end && m[i + 1] == '\n') {
          return i + 2;
        }
        int nl = indexOf((byte) '\n', i, end);
        if (nl < 0) {
          return end;
        }
        i = nl + 1;
      }
      return end;
    }

    /** The header fields of {@code m[start, end)}, unfolded (RFC 5322 §2.2.3) and decoded. */
    List<Header> fields(int start, int end) {
      List<Header> out = new ArrayList<>();
      // Header text is read as UTF-8: 8BITMIME and raw API mail may carry UTF-8 in header fields.
      String section = new String(m, start, end - start, StandardCharsets.UTF_8);
      String name = null;
      StringBuilder value = new StringBuilder();
      for (String line : section.split("\r?\n", -1)) {
        if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
          if (name != null && value.length() < MAX_HEADER_VALUE) {
            value.append(line);
          }
          continue;
        }
        add(out, name, value);
        int colon = line.indexOf(':');
        name = colon > 0 ? line.substring(0, colon).strip() : null;
        value.setLength(0);
        if (name != null) {
          value.append(line, colon + 1, Math.min(line.length(), colon + 1 + MAX_HEADER_VALUE));
        }
      }
      add(out, name, value);
      return out;
    }

    private static void add(List<Header> out, String name, StringBuilder value) {
      if (name != null && !name.isEmpty()) {
        String v =
            value.length() > MAX_HEADER_VALUE
                ? value.substring(0, MAX_HEADER_VALUE)
                : value.toString();
        out.add(new Header(name, EncodedWords.decode(v.strip())));
      }
    }
  }
}
