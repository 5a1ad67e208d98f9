package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.simulator.template.MimeComposer.Attachment;
import dev.sluice.simulator.template.MimeComposer.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parts a v2 send adds to its message, read from the request and checked as SES's model
 * constrains them: custom {@code Headers} (at most 15, names of printable ASCII without a colon,
 * values of 1 to 995 characters) and {@code Attachments} (base64 content, a file name, an optional
 * type, disposition, Content-ID and description).
 *
 * <p>Stateless.
 */
final class V2MessageParts {
  /** Headers the message is built with, which a send's own headers may not repeat. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "from",
          "to",
          "cc",
          "bcc",
          "subject",
          "date",
          "message-id",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "return-path");

  private static final Pattern HEADER_NAME = Pattern.compile("[!-9;-@A-~]{1,126}");

  private V2MessageParts() {}

  /** Custom headers, checked as SES's model constrains them. */
  static List<Header> headers(JsonNode list, String where) throws V2Api.BadRequest {
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new V2Api.BadRequest(where + " must be a list.");
    }
    if (list.size() > V2Api.MAX_HEADERS) {
      throw new V2Api.BadRequest(
          "Too many headers: at most " + V2Api.MAX_HEADERS + " are allowed.");
    }
    List<Header> out = new ArrayList<>();
    for (JsonNode h : list) {
      String name = V2Api.text(h, "Name");
      String value = V2Api.text(h, "Value");
      if (name == null || value == null) {
        throw new V2Api.BadRequest("Each header in " + where + " needs a Name and a Value.");
      }
      if (!HEADER_NAME.matcher(name).matches()) {
        throw new V2Api.BadRequest(
            "Invalid header name <" + name + ">: 1 to 126 printable ASCII characters, no ':'.");
      }
      if (value.isEmpty() || value.length() > 995 || name.length() + value.length() > 996) {
        throw new V2Api.BadRequest(
            "Invalid value of header "
                + name
                + ": 1 to 995 characters, name and value together"
                + " at most 996.");
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new V2Api.BadRequest(
            "Header "
                + name
                + " is set by SES from the request; it cannot be given in "
                + where
                + ".");
      }
      out.add(new Header(name, value));
    }
    return out;
  }

  /** Attachments, checked as SES's model constrains them. */
  static List<Attachment> attachments(JsonNode list) throws V2Api.BadRequest {
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new V2Api.BadRequest("Attachments must be a list.");
    }
    List<Attachment> out = new ArrayList<>();
    for (JsonNode a : list) {
      String raw = V2Api.text(a, "RawContent");
      String fileName = V2Api.text(a, "FileName");
      if (raw == null || fileName == null || fileName.isEmpty() || fileName.length() > 255) {
        throw new V2Api.BadRequest(
            "Each attachment needs RawContent and a FileName of 1 to 255 characters.");
      }
      byte[] bytes;
      try {
        bytes = Base64s.decode(raw);
      } catch (IllegalArgumentException e) {
        throw new V2Api.BadRequest("Attachment " + fileName + ": RawContent is not valid base64.");
      }
      String type = V2Api.text(a, "ContentType");
      String id = V2Api.text(a, "ContentId");
      String description = V2Api.text(a, "ContentDescription");
      if ((type != null && (type.isEmpty() || type.length() > 78))
          || (id != null && (id.isEmpty() || id.length() > 78))
          || (description != null && description.length() > 1000)) {
        throw new V2Api.BadRequest(
            "Attachment "
                + fileName
                + ": ContentType and ContentId take 1 to 78 characters,"
                + " ContentDescription at most 1000.");
      }
      out.add(
          new Attachment(
              bytes,
              fileName,
              type == null ? "application/octet-stream" : type,
              "INLINE".equals(V2Api.text(a, "ContentDisposition")),
              id,
              description,
              "QUOTED_PRINTABLE".equals(V2Api.text(a, "ContentTransferEncoding"))));
    }
    return out;
  }
}
