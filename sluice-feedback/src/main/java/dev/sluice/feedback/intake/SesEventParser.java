package dev.sluice.feedback.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.feedback.SesEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads SES's event JSON (the {@code Message} of an SNS notification, or an SQS message body with
 * raw delivery) into a {@link SesEvent}. Both of SES's forms are read: identity notifications (top
 * key {@code notificationType}) and configuration-set event publishing (top key {@code eventType});
 * ses-wire.md §8.
 *
 * <h2>Design note</h2>
 *
 * <p>Lenient where SES says it may change (unknown fields are ignored, an unknown type becomes
 * {@link SesEvent.Type#UNKNOWN} and is still recorded, optional fields default to empty) and strict
 * only on what an event cannot be recorded without: {@code mail.messageId}, a time, and the
 * recipients of a bounce, complaint or delivery. A tree model rather than data binding, because
 * SES's shapes differ per type and a binding would either reject or silently drop what it does not
 * expect.
 *
 * <p>SES also publishes one message that is not an event: {@code
 * {"notificationType":"AmazonSnsSubscriptionSucceeded", …}} when a topic is first set up for an
 * identity. {@link #parse} returns empty for it, so the intake acknowledges it without recording.
 *
 * <p>Thread-safe and stateless.
 */
public final class SesEventParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** SES's notice that a topic was set up; not about any message. */
  static final String SETUP_NOTICE = "AmazonSnsSubscriptionSucceeded";

  private SesEventParser() {}

  /**
   * Reads one SES event.
   *
   * @param id the event's deduplication id (see {@link SesEvent#id})
   * @param json SES's JSON, as received
   * @return the event, or empty for SES's topic set-up notice, which is not an event
   * @throws SesEventFormatException when it is not JSON or lacks what every event has
   */
  public static Optional<SesEvent> parse(String id, String json) throws SesEventFormatException {
    if (id == null || id.isEmpty()) {
      throw new SesEventFormatException("no event id");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SesEventFormatException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new SesEventFormatException("not a JSON object");
    }
    String typeName = text(root, "eventType");
    if (typeName.isEmpty()) {
      typeName = text(root, "notificationType");
    }
    if (typeName.isEmpty()) {
      throw new SesEventFormatException("neither eventType nor notificationType");
    }
    if (typeName.equals(SETUP_NOTICE)) {
      return Optional.empty();
    }
    SesEvent.Type type = type(typeName);
    JsonNode mail = root.path("mail");
    String sesMessageId = text(mail, "messageId");
    if (sesMessageId.isEmpty()) {
      throw new SesEventFormatException(typeName + " without mail.messageId");
    }
    JsonNode detail = root.path(detailKey(type));
    Instant time = time(detail, mail, typeName);
    List<SesEvent.Recipient> recipients = recipients(type, detail, mail);
    if (recipients.isEmpty()
        && (type == SesEvent.Type.BOUNCE
            || type == SesEvent.Type.COMPLAINT
            || type == SesEvent.Type.DELIVERY)) {
      throw new SesEventFormatException(typeName + " without recipients");
    }
    Map<String, List<String>> tags = tags(mail.path("tags"));
    List<String> set = tags.getOrDefault("ses:configuration-set", List.of());
    return Optional.of(
        new SesEvent(
            id,
            type,
            sesMessageId,
            time,
            recipients,
            type == SesEvent.Type.BOUNCE ? text(detail, "bounceType") : "",
            type == SesEvent.Type.BOUNCE ? text(detail, "bounceSubType") : "",
            type == SesEvent.Type.BOUNCE || type == SesEvent.Type.COMPLAINT
                ? text(detail, "feedbackId")
                : "",
            type == SesEvent.Type.COMPLAINT ? text(detail, "complaintFeedbackType") : "",
            set.isEmpty() ? "" : set.get(0),
            tags,
            json));
  }

  /** SES's name of a type, in either form, to ours; anything else is UNKNOWN. */
  static SesEvent.Type type(String name) {
    return switch (name) {
      case "Send" -> SesEvent.Type.SEND;
      case "Delivery" -> SesEvent.Type.DELIVERY;
      case "Bounce" -> SesEvent.Type.BOUNCE;
      case "Complaint" -> SesEvent.Type.COMPLAINT;
      case "DeliveryDelay" -> SesEvent.Type.DELIVERY_DELAY;
      case "Reject" -> SesEvent.Type.REJECT;
      case "Rendering Failure" -> SesEvent.Type.RENDERING_FAILURE;
      case "Open" -> SesEvent.Type.OPEN;
      case "Click" -> SesEvent.Type.CLICK;
      case "Subscription" -> SesEvent.Type.SUBSCRIPTION;
      default -> SesEvent.Type.UNKNOWN;
    };
  }

  /** The key of the object that tells the type's details. */
  private static String detailKey(SesEvent.Type type) {
    return switch (type) {
      case SEND -> "send";
      case DELIVERY -> "delivery";
      case BOUNCE -> "bounce";
      case COMPLAINT -> "complaint";
      case DELIVERY_DELAY -> "deliveryDelay";
      case REJECT -> "reject";
      case RENDERING_FAILURE -> "failure";
      case OPEN -> "open";
      case CLICK -> "click";
      case SUBSCRIPTION -> "subscription";
      case UNKNOWN -> "";
    };
  }

  /** The event's own timestamp where it has one, else the send's ({@code mail.timestamp}). */
  private static Instant time(JsonNode detail, JsonNode mail, String typeName)
      throws SesEventFormatException {
    for (String t : List.of(text(detail, "timestamp"), text(mail, "timestamp"))) {
      if (!t.isEmpty()) {
        try {
          return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
          // SES writes ISO-8601 with Z; try the next one before giving up.
        }
      }
    }
    throw new SesEventFormatException(typeName + " without a readable timestamp");
  }

  private static List<SesEvent.Recipient> recipients(
      SesEvent.Type type, JsonNode detail, JsonNode mail) {
    List<SesEvent.Recipient> out = new ArrayList<>();
    switch (type) {
      case BOUNCE -> objects(detail.path("bouncedRecipients"), out);
      case COMPLAINT -> objects(detail.path("complainedRecipients"), out);
      case DELIVERY_DELAY -> objects(detail.path("delayedRecipients"), out);
      case DELIVERY -> strings(detail.path("recipients"), "", text(detail, "smtpResponse"), out);
      case REJECT -> strings(mail.path("destination"), "", text(detail, "reason"), out);
      case RENDERING_FAILURE ->
          strings(mail.path("destination"), "", text(detail, "errorMessage"), out);
      default -> strings(mail.path("destination"), "", "", out);
    }
    return out;
  }

  /** Recipients written as {@code {emailAddress, status?, diagnosticCode?}}. */
  private static void objects(JsonNode array, List<SesEvent.Recipient> out) {
    for (JsonNode r : array) {
      String address = r.isTextual() ? r.asText() : text(r, "emailAddress");
      if (!address.isEmpty()) {
        out.add(new SesEvent.Recipient(address, text(r, "status"), text(r, "diagnosticCode")));
      }
    }
  }

  /** Recipients written as plain strings. */
  private static void strings(
      JsonNode array, String status, String diagnostic, List<SesEvent.Recipient> out) {
    for (JsonNode r : array) {
      if (r.isTextual() && !r.asText().isEmpty()) {
        out.add(new SesEvent.Recipient(r.asText(), status, diagnostic));
      }
    }
  }

  /** {@code mail.tags}: name to a list of values; a lone value is read as a list of one. */
  private static Map<String, List<String>> tags(JsonNode tags) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    tags.properties()
        .forEach(
            e -> {
              List<String> values = new ArrayList<>();
              if (e.getValue().isArray()) {
                for (JsonNode v : e.getValue()) {
                  if (v.isValueNode() && !v.isNull()) {
                    values.add(v.asText());
                  }
                }
              } else if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                values.add(e.getValue().asText());
              }
              out.put(e.getKey(), List.copyOf(values));
            });
    return out;
  }

  /** A field's text, or empty when it is missing, null or not a scalar. */
  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }
}
