package dev.sluice.simulator.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.ses.MessageTag;
import dev.sluice.simulator.MimeHeaders;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes SES feedback as the JSON SES publishes: the identity-notification form (top key {@code
 * notificationType}, ses-wire.md §8.3, TV7) and the event-publishing form of configuration sets
 * (top key {@code eventType}, with the message's headers and tags in {@code mail}). This is the
 * {@code Message} of an SNS notification; the SNS envelope is SNS's part.
 *
 * <p>Choices and assumptions, all visible to consumers and listed in docs/simulator.md:
 *
 * <ul>
 *   <li>{@code mail.sourceIp} is {@value #SOURCE_IP} (the simulator does not keep the caller's
 *       address) and {@code mail.sourceArn} is the identity of the source's domain.
 *   <li>The remote MTA is {@value #REMOTE_MTA_IP}, a documentation address (RFC 5737).
 *   <li>Out-of-office ({@code ooto@}) is reported as a {@code Transient}/{@code General} bounce
 *       with only {@code emailAddress} per recipient: AWS documents that auto-replies may surface
 *       that way but not the exact payload (ses-wire.md §14 point 6).
 *   <li>Suppressed bounces carry no {@code remoteMtaIp}/{@code reportingMTA}: no MTA was contacted.
 *   <li>{@code complaint.arrivalDate} is the time the message was accepted.
 * </ul>
 *
 * <p>Thread-safe: the JSON factory is shared, every call builds its own generator.
 */
public final class FeedbackJson {
  /** Which of SES's two shapes. */
  public enum Form {
    /** Identity notifications: {@code notificationType}, no tags. */
    NOTIFICATION,
    /** Configuration-set event publishing: {@code eventType}, headers and tags in {@code mail}. */
    EVENT
  }

  /** The most header fields an event's {@code mail.headers} carries; the rest are truncated. */
  public static final int MAX_HEADERS = 50;

  /** The {@code diagnosticCode} of a simulated hard bounce. */
  public static final String BOUNCE_DIAGNOSTIC = "smtp; 550 5.1.1 user unknown";

  /** The {@code diagnosticCode} of a bounce to an address on the global suppression list. */
  public static final String SUPPRESSED_DIAGNOSTIC =
      "Amazon SES has suppressed sending to this address because it has a recent history of"
          + " bouncing as an invalid address.";

  /** The {@code diagnosticCode} of a bounce to an address on the account's suppression list. */
  public static final String ACCOUNT_SUPPRESSED_DIAGNOSTIC =
      "Amazon SES did not send the message to this address because it is on the suppression list"
          + " for your account. For more information about removing addresses from the suppression"
          + " list, see the Amazon SES Developer Guide at"
          + " https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html";

  /** The {@code diagnosticCode} of a simulated delivery delay. */
  public static final String DELAY_DIAGNOSTIC = "smtp; 421 4.4.1 Unable to connect to remote host";

  /** The {@code smtpResponse} of a simulated delivery. */
  public static final String DELIVERY_SMTP_RESPONSE = "250 2.6.0 Message received";

  /** The {@code userAgent} of a simulated complaint. */
  public static final String COMPLAINT_USER_AGENT = "Amazon SES Mailbox Simulator";

  static final String REMOTE_MTA_IP = "192.0.2.10";
  static final String SOURCE_IP = "127.0.0.1";
  static final String REPORTING_MTA = "a8-70.smtp-out.amazonses.com";
  static final String OUTGOING_IP = "192.0.2.20";

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = new JsonFactory();

  private FeedbackJson() {}

  /** A Send event: SES accepted the message and will try to deliver it. */
  public static String send(Feedback f) {
    return write(
        g -> {
          g.writeStringField("eventType", "Send");
          writeMail(g, Form.EVENT, f, false);
          g.writeObjectFieldStart("send");
          g.writeEndObject();
        });
  }

  /** A Reject event: SES accepted the message, found a virus in it and did not send it. */
  public static String reject(Feedback f) {
    return write(
        g -> {
          g.writeStringField("eventType", "Reject");
          writeMail(g, Form.EVENT, f, false);
          g.writeObjectFieldStart("reject");
          g.writeStringField("reason", f.rejected());
          g.writeEndObject();
        });
  }

  /** A Rendering Failure event: the template could not be rendered, nothing was sent. */
  public static String renderingFailure(Feedback f) {
    return write(
        g -> {
          g.writeStringField("eventType", "Rendering Failure");
          writeMail(g, Form.EVENT, f, false);
          g.writeObjectFieldStart("failure");
          g.writeStringField("errorMessage", f.renderingFailure().errorMessage());
          g.writeStringField("templateName", f.renderingFailure().templateName());
          g.writeEndObject();
        });
  }

  /** A Delivery for the recipients whose mail servers accepted the message. */
  public static String delivery(Form form, Feedback f, List<String> recipients, long nowMillis) {
    return write(
        g -> {
          top(g, form, "Delivery");
          g.writeObjectFieldStart("delivery");
          g.writeStringField("timestamp", iso(nowMillis));
          g.writeNumberField(
              "processingTimeMillis", Math.max(0L, nowMillis - f.mail().timestampMillis()));
          g.writeArrayFieldStart("recipients");
          for (String r : recipients) {
            g.writeString(bare(r));
          }
          g.writeEndArray();
          g.writeStringField("smtpResponse", DELIVERY_SMTP_RESPONSE);
          g.writeStringField("remoteMtaIp", REMOTE_MTA_IP);
          g.writeStringField("reportingMTA", REPORTING_MTA);
          g.writeEndObject();
          writeMail(g, form, f, true);
        });
  }

  /** A DeliveryDelay for the recipients whose delivery was delayed. */
  public static String deliveryDelay(Feedback f, List<String> recipients, long nowMillis) {
    return write(
        g -> {
          g.writeStringField("eventType", "DeliveryDelay");
          writeMail(g, Form.EVENT, f, true);
          g.writeObjectFieldStart("deliveryDelay");
          g.writeStringField("timestamp", iso(nowMillis));
          g.writeStringField("delayType", "TransientCommunicationFailure");
          // SES keeps trying for up to 14 hours in all.
          g.writeStringField("expirationTime", iso(f.mail().timestampMillis() + 14 * 3_600_000L));
          g.writeArrayFieldStart("delayedRecipients");
          for (String r : recipients) {
            g.writeStartObject();
            g.writeStringField("emailAddress", bare(r));
            g.writeStringField("status", "4.4.1");
            g.writeStringField("diagnosticCode", DELAY_DIAGNOSTIC);
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeStringField("reportingMTA", "dns; " + REPORTING_MTA);
          g.writeEndObject();
        });
  }

  /**
   * A Bounce for one recipient of fate {@link Fate#BOUNCED}, {@link Fate#GLOBALLY_SUPPRESSED},
   * {@link Fate#ACCOUNT_SUPPRESSED} or {@link Fate#AUTO_REPLIED}.
   *
   * @param feedbackId the bounce's id, also kept with a suppression it causes
   */
  public static String bounce(
      Form form, Feedback f, String recipient, Fate fate, String feedbackId, long nowMillis) {
    Bounce b =
        switch (fate) {
          case BOUNCED ->
              new Bounce("Permanent", "General", "failed", "5.1.1", BOUNCE_DIAGNOSTIC, true);
          case GLOBALLY_SUPPRESSED ->
              new Bounce(
                  "Permanent", "Suppressed", "failed", "5.1.1", SUPPRESSED_DIAGNOSTIC, false);
          case ACCOUNT_SUPPRESSED ->
              new Bounce(
                  "Permanent",
                  "OnAccountSuppressionList",
                  "failed",
                  "5.1.1",
                  ACCOUNT_SUPPRESSED_DIAGNOSTIC,
                  false);
          case AUTO_REPLIED -> new Bounce("Transient", "General", null, null, null, true);
          default -> throw new IllegalArgumentException("not a bounce: " + fate);
        };
    return write(
        g -> {
          top(g, form, "Bounce");
          g.writeObjectFieldStart("bounce");
          g.writeStringField("feedbackId", feedbackId);
          g.writeStringField("bounceType", b.type());
          g.writeStringField("bounceSubType", b.subType());
          g.writeArrayFieldStart("bouncedRecipients");
          g.writeStartObject();
          g.writeStringField("emailAddress", bare(recipient));
          if (b.action() != null) {
            g.writeStringField("action", b.action());
            g.writeStringField("status", b.status());
            g.writeStringField("diagnosticCode", b.diagnostic());
          }
          g.writeEndObject();
          g.writeEndArray();
          g.writeStringField("timestamp", iso(nowMillis));
          if (b.viaRemoteMta()) {
            g.writeStringField("remoteMtaIp", REMOTE_MTA_IP);
            g.writeStringField("reportingMTA", "dns; " + REPORTING_MTA);
          }
          g.writeEndObject();
          writeMail(g, form, f, fate != Fate.ACCOUNT_SUPPRESSED);
        });
  }

  /** An abuse complaint from the mailbox simulator for one recipient. */
  public static String complaint(
      Form form, Feedback f, String recipient, String feedbackId, long nowMillis) {
    return write(
        g -> {
          top(g, form, "Complaint");
          g.writeObjectFieldStart("complaint");
          g.writeStringField("feedbackId", feedbackId);
          g.writeNullField("complaintSubType");
          g.writeArrayFieldStart("complainedRecipients");
          g.writeStartObject();
          g.writeStringField("emailAddress", bare(recipient));
          g.writeEndObject();
          g.writeEndArray();
          g.writeStringField("timestamp", iso(nowMillis));
          g.writeStringField("userAgent", COMPLAINT_USER_AGENT);
          g.writeStringField("complaintFeedbackType", "abuse");
          g.writeStringField("arrivalDate", iso(f.mail().timestampMillis()));
          g.writeEndObject();
          writeMail(g, form, f, true);
        });
  }

  private record Bounce(
      String type,
      String subType,
      String action,
      String status,
      String diagnostic,
      boolean viaRemoteMta) {}

  private static void top(JsonGenerator g, Form form, String type) throws IOException {
    g.writeStringField(form == Form.EVENT ? "eventType" : "notificationType", type);
  }

  /**
   * The {@code mail} object. Events also carry the header fields and the tags, SES's own among them
   * ({@code ses:outgoing-ip} only once the message left SES).
   */
  private static void writeMail(JsonGenerator g, Form form, Feedback f, boolean sent)
      throws IOException {
    SentMail mail = f.mail();
    g.writeObjectFieldStart("mail");
    g.writeStringField("timestamp", iso(mail.timestampMillis()));
    g.writeStringField("source", mail.source());
    g.writeStringField("sourceArn", sourceArn(mail));
    if (form == Form.NOTIFICATION) {
      g.writeStringField("sourceIp", SOURCE_IP);
      g.writeStringField("callerIdentity", mail.callerIdentity());
    }
    g.writeStringField("sendingAccountId", mail.sendingAccountId());
    g.writeStringField("messageId", mail.messageId());
    g.writeArrayFieldStart("destination");
    for (String d : mail.destination()) {
      g.writeString(d);
    }
    g.writeEndArray();
    if (form == Form.EVENT) {
      g.writeBooleanField("headersTruncated", f.headersTruncated());
      g.writeArrayFieldStart("headers");
      for (MimeHeaders.Field h : f.headers()) {
        g.writeStartObject();
        g.writeStringField("name", h.name());
        g.writeStringField("value", h.value());
        g.writeEndObject();
      }
      g.writeEndArray();
      writeCommonHeaders(g, f);
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, List<String>> t : tags(f, sent).entrySet()) {
        g.writeArrayFieldStart(t.getKey());
        for (String v : t.getValue()) {
          g.writeString(v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeCommonHeaders(JsonGenerator g, Feedback f) throws IOException {
    g.writeObjectFieldStart("commonHeaders");
    List<String> from = new ArrayList<>();
    List<String> to = new ArrayList<>();
    String messageId = null;
    for (MimeHeaders.Field h : f.headers()) {
      switch (h.name().toLowerCase(Locale.ROOT)) {
        case "from" -> from.add(h.value());
        case "to" -> to.add(h.value());
        case "message-id" -> messageId = h.value();
        default -> {}
      }
    }
    if (from.isEmpty()) {
      from.add(f.mail().source());
    }
    writeList(g, "from", from);
    if (!to.isEmpty()) {
      writeList(g, "to", to);
    }
    if (messageId != null) {
      g.writeStringField("messageId", messageId);
    }
    g.writeStringField("subject", f.subject());
    g.writeEndObject();
  }

  private static void writeList(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** The event's tags: SES's own, then the message's; each value in a list, as SES writes them. */
  static Map<String, List<String>> tags(Feedback f, boolean sent) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (f.configurationSet() != null) {
      out.put("ses:configuration-set", List.of(f.configurationSet()));
    }
    out.put("ses:source-ip", List.of(SOURCE_IP));
    String source = bare(f.mail().source());
    out.put("ses:from-domain", List.of(source.substring(source.lastIndexOf('@') + 1)));
    out.put("ses:caller-identity", List.of(f.mail().callerIdentity()));
    if (sent) {
      out.put("ses:outgoing-ip", List.of(OUTGOING_IP));
    }
    for (MessageTag t : f.tags()) {
      out.put(t.name(), List.of(t.value()));
    }
    return out;
  }

  /** The SES identity ARN of the source's domain, e.g. {@code ...:identity/example.com}. */
  private static String sourceArn(SentMail mail) {
    String source = bare(mail.source());
    String identity = source.substring(source.lastIndexOf('@') + 1);
    return "arn:aws:ses:" + mail.region() + ':' + mail.sendingAccountId() + ":identity/" + identity;
  }

  /** Reduces {@code Name <addr>} or {@code <addr>} to {@code addr}, as SES reports addresses. */
  static String bare(String address) {
    String s = Objects.requireNonNull(address, "address").strip();
    int open = s.lastIndexOf('<');
    if (open >= 0 && s.endsWith(">")) {
      return s.substring(open + 1, s.length() - 1).strip();
    }
    return s;
  }

  static String iso(long epochMillis) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
  }

  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Fields fields) {
    StringWriter out = new StringWriter(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string cannot fail", e);
    }
    return out.toString();
  }
}
