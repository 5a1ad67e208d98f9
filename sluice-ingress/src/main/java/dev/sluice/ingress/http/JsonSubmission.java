package dev.sluice.ingress.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.ses.ConfigurationSetNames;
import dev.sluice.core.ses.MessageTag;
import dev.sluice.core.ses.MessageTags;
import dev.sluice.ingress.RelayHeaderRules;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON form of a submission into a {@link MessageSpec}, refusing anything it would have
 * to guess about: unknown fields, wrong types, bad addresses, header fields the relay writes
 * itself.
 *
 * <pre>{@code
 * {"from": "Shop <shop@example.com>", "to": ["a@example.org"], "cc": [], "bcc": [],
 *  "replyTo": [], "subject": "...", "text": "...", "html": "...", "headers": {"X-Tag": "1"},
 *  "configurationSet": "marketing", "tags": {"campaign": "spring"},
 *  "route": "eu", "class": "transactional"}
 * }</pre>
 *
 * <p>{@code configurationSet} and {@code tags} (an object of tag name to value) are SES's, checked
 * by SES's rules with SES's words ({@link MessageTags}, {@link ConfigurationSetNames}) and carried
 * as the {@code X-SES-CONFIGURATION-SET} and {@code X-SES-MESSAGE-TAGS} headers, so every transport
 * handles them as it handles those headers in raw mail.
 *
 * <p>{@code route} and {@code class} name the relay's route and traffic class for the message and
 * are carried as the {@code X-Sluice-Route} and {@code X-Sluice-Class} headers, which the relay
 * takes out before the message is sent; the door checks the names as it checks those headers in raw
 * mail ({@link RelayHeaderRules}), with the same words.
 *
 * <p>{@code to}, {@code cc}, {@code bcc} and {@code replyTo} take one address or a list; a {@code
 * null} field counts as absent.
 *
 * <p>Thread-safe.
 */
final class JsonSubmission {
  private static final Set<String> FIELDS =
      Set.of(
          "from",
          "to",
          "cc",
          "bcc",
          "replyTo",
          "subject",
          "text",
          "html",
          "headers",
          "configurationSet",
          "tags",
          "route",
          "class");

  /** Header fields the relay writes from the message's own fields, or must not be overridden. */
  private static final Set<String> RESERVED =
      Set.of(
          "from",
          "to",
          "cc",
          "bcc",
          "reply-to",
          "subject",
          "date",
          "message-id",
          "mime-version",
          "received",
          "return-path");

  /** The longest custom field name: leaves room for the value on a 76-character line. */
  private static final int MAX_FIELD_NAME = 64;

  private final ObjectMapper mapper;
  private final int maxRecipients;

  /**
   * @param maxRequestSize the request bound, which also bounds each JSON string
   * @param maxRecipients the most envelope recipients per message
   */
  JsonSubmission(long maxRequestSize, int maxRecipients) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxRequestSize))
                    .maxNestingDepth(16)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.maxRecipients = maxRecipients;
  }

  /**
   * Parses a body that must be one JSON object.
   *
   * @throws Refusal with {@link ErrorCode#INVALID_JSON}
   */
  JsonNode readObject(byte[] body) {
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Refusal(
          ErrorCode.INVALID_JSON, "The body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Refusal(ErrorCode.INVALID_JSON, "The body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new Refusal(ErrorCode.INVALID_JSON, "The body must be a JSON object");
    }
    return node;
  }

  /**
   * Checks one message object.
   *
   * @throws Refusal naming the field at fault
   */
  MessageSpec message(JsonNode node) {
    if (!node.isObject()) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "A message must be a JSON object");
    }
    onlyFields(node, FIELDS);
    String fromText = string(node, "from");
    if (fromText == null) {
      throw new Refusal(ErrorCode.MISSING_FIELD, "'from' is required");
    }
    Mailbox from = Mailbox.parse(fromText);
    List<Mailbox> to = mailboxes(node, "to");
    List<Mailbox> cc = mailboxes(node, "cc");
    List<Mailbox> bcc = mailboxes(node, "bcc");
    List<Mailbox> replyTo = mailboxes(node, "replyTo");
    if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
      throw new Refusal(
          ErrorCode.MISSING_FIELD, "'to', 'cc' or 'bcc' must name at least one recipient");
    }
    String subject = string(node, "subject");
    if (subject != null && hasControl(subject)) {
      throw new Refusal(
          ErrorCode.INVALID_FIELD, "'subject' must not contain line breaks or control characters");
    }
    String text = string(node, "text");
    String html = string(node, "html");
    if (text == null && html == null) {
      throw new Refusal(ErrorCode.MISSING_FIELD, "'text' or 'html' is required");
    }
    List<MessageSpec.Field> fields = new ArrayList<>(fields(node));
    fields.addAll(controlFields(node, fields));
    MessageSpec spec =
        new MessageSpec(from, to, cc, bcc, replyTo, subject, text, html, List.copyOf(fields));
    int count = spec.recipients().size();
    if (count > maxRecipients) {
      throw new Refusal(
          ErrorCode.TOO_MANY_RECIPIENTS,
          count + " recipients, more than the limit of " + maxRecipients + " per message");
    }
    return spec;
  }

  /** Refuses fields a JSON object should not have. */
  static void onlyFields(JsonNode node, Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new Refusal(ErrorCode.UNKNOWN_FIELD, "Unknown field '" + Mailbox.shorten(name) + "'");
      }
    }
  }

  private static String string(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "'" + field + "' must be a string");
    }
    return v.textValue();
  }

  private static List<Mailbox> mailboxes(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isTextual()) {
      return List.of(Mailbox.parse(v.textValue()));
    }
    if (!v.isArray()) {
      throw new Refusal(
          ErrorCode.INVALID_FIELD, "'" + field + "' must be an address or a list of addresses");
    }
    List<Mailbox> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new Refusal(
            ErrorCode.INVALID_FIELD, "'" + field + "' must hold only strings (addresses)");
      }
      out.add(Mailbox.parse(item.textValue()));
    }
    return out;
  }

  private static List<MessageSpec.Field> fields(JsonNode node) {
    JsonNode v = node.get("headers");
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isObject()) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "'headers' must be an object of strings");
    }
    List<MessageSpec.Field> out = new ArrayList<>(v.size());
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      String name = e.getKey();
      checkFieldName(name);
      if (!e.getValue().isTextual()) {
        throw new Refusal(
            ErrorCode.INVALID_HEADER, "The value of header '" + name + "' must be a string");
      }
      String value = e.getValue().textValue();
      if (hasControl(value)) {
        throw new Refusal(
            ErrorCode.INVALID_HEADER,
            "The value of header '"
                + name
                + "' must not contain line breaks or control characters");
      }
      if (HeaderFields.custom(name, value) == null) {
        throw new Refusal(
            ErrorCode.INVALID_HEADER,
            "The value of header '"
                + name
                + "' has a run of text too long to fold into lines of "
                + HeaderFields.MAX_LINE
                + " characters");
      }
      out.add(new MessageSpec.Field(name, value));
    }
    return out;
  }

  /**
   * The header fields for {@code configurationSet} and {@code tags} (SES's), {@code route} and
   * {@code class} (the relay's).
   */
  private static List<MessageSpec.Field> controlFields(
      JsonNode node, List<MessageSpec.Field> headers) {
    List<MessageSpec.Field> out = new ArrayList<>(4);
    Map<String, String> fieldOf = new java.util.HashMap<>();
    String set = string(node, "configurationSet");
    if (set != null) {
      String problem = ConfigurationSetNames.problem(set);
      if (problem != null) {
        throw new Refusal(ErrorCode.INVALID_FIELD, problem);
      }
      out.add(new MessageSpec.Field(MessageTags.SET_HEADER, set));
      fieldOf.put(MessageTags.SET_HEADER, "configurationSet");
    }
    JsonNode t = node.get("tags");
    if (t != null && !t.isNull()) {
      if (!t.isObject()) {
        throw new Refusal(
            ErrorCode.INVALID_FIELD, "'tags' must be an object of tag names to values");
      }
      List<MessageTag> tags = new ArrayList<>(t.size());
      for (Map.Entry<String, JsonNode> e : t.properties()) {
        if (!e.getValue().isTextual()) {
          throw new Refusal(
              ErrorCode.INVALID_FIELD,
              "The value of tag '" + Mailbox.shorten(e.getKey()) + "' must be a string");
        }
        String problem = MessageTags.problem(e.getKey(), e.getValue().textValue());
        if (problem != null) {
          throw new Refusal(ErrorCode.INVALID_FIELD, problem);
        }
        tags.add(new MessageTag(e.getKey(), e.getValue().textValue()));
      }
      String problem = MessageTags.problem(tags);
      if (problem != null) {
        throw new Refusal(ErrorCode.INVALID_FIELD, problem);
      }
      if (!tags.isEmpty()) {
        out.add(new MessageSpec.Field(MessageTags.HEADER, MessageTags.toHeader(tags)));
        fieldOf.put(MessageTags.HEADER, "tags");
      }
    }
    for (String[] f :
        new String[][] {
          {"route", RelayHeaderRules.ROUTE_HEADER}, {"class", RelayHeaderRules.CLASS_HEADER}
        }) {
      String name = string(node, f[0]);
      if (name != null) {
        if (hasControl(name)) {
          throw new Refusal(
              ErrorCode.INVALID_FIELD,
              "'" + f[0] + "' must not contain line breaks or control characters");
        }
        // The door checks the name itself, with the words it has for the header in raw mail.
        out.add(new MessageSpec.Field(f[1], name));
        fieldOf.put(f[1], f[0]);
      }
    }
    for (MessageSpec.Field f : out) {
      for (MessageSpec.Field h : headers) {
        if (h.name().equalsIgnoreCase(f.name())) {
          throw new Refusal(
              ErrorCode.INVALID_FIELD,
              "Header '" + h.name() + "' and '" + fieldOf.get(f.name()) + "' both given; give one");
        }
      }
    }
    return out;
  }

  private static void checkFieldName(String name) {
    boolean ok = !name.isEmpty() && name.length() <= MAX_FIELD_NAME;
    for (int i = 0; ok && i < name.length(); i++) {
      char c = name.charAt(i);
      ok = c >= 33 && c <= 126 && c != ':'; // ftext, RFC 5322 §3.6.8
    }
    if (!ok) {
      throw new Refusal(
          ErrorCode.INVALID_HEADER,
          "'"
              + Mailbox.shorten(name)
              + "' is not a header name (1 to "
              + MAX_FIELD_NAME
              + " printable ASCII characters, no colon)");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (RESERVED.contains(lower) || lower.startsWith("content-")) {
      throw new Refusal(
          ErrorCode.INVALID_HEADER,
          "Header '" + name + "' is written by the relay; use the message's own fields");
    }
  }

  /** Whether text holds a control character other than tab (CR and LF included). */
  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < ' ' && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }
}
