package dev.sluice.simulator.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.simulator.mailbox.MessageIds;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Builds SES feedback notifications (identity-notification form, top key {@code notificationType})
 * wrapped in the SNS envelope an HTTP subscriber receives (ses-wire.md §8.2, §8.3, TV7).
 *
 * <p>Choices and assumptions, all visible to consumers:
 *
 * <ul>
 *   <li>The envelope is <b>unsigned</b>: {@code Signature} is the fixed placeholder {@link
 *       #UNSIGNED_SIGNATURE} and {@code SigningCertURL} names a certificate that does not exist.
 *       Consumers must not verify SNS signatures against the simulator.
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
public final class NotificationFactory {
  /** The SNS topic name used when none is given. */
  public static final String DEFAULT_TOPIC = "sluice-simulator-feedback";

  /** The placeholder in {@code Signature}: base64 of a note saying the message is unsigned. */
  public static final String UNSIGNED_SIGNATURE =
      Base64.getEncoder()
          .encodeToString(
              "sluice-simulator: this notification is not signed"
                  .getBytes(StandardCharsets.US_ASCII));

  /** The {@code diagnosticCode} of a simulated hard bounce. */
  public static final String BOUNCE_DIAGNOSTIC = "smtp; 550 5.1.1 user unknown";

  /** The {@code diagnosticCode} of a bounce to an address on the global suppression list. */
  public static final String SUPPRESSED_DIAGNOSTIC =
      "Amazon SES has suppressed sending to this address because it has a recent history of"
          + " bouncing as an invalid address.";

  /** The {@code smtpResponse} of a simulated delivery. */
  public static final String DELIVERY_SMTP_RESPONSE = "250 2.6.0 Message received";

  /** The {@code userAgent} of a simulated complaint. */
  public static final String COMPLAINT_USER_AGENT = "Amazon SES Mailbox Simulator";

  static final String REMOTE_MTA_IP = "192.0.2.10";
  static final String SOURCE_IP = "127.0.0.1";
  static final String REPORTING_MTA = "a8-70.smtp-out.amazonses.com";

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = new JsonFactory();

  private final String topic;
  private final String subscriptionId = MessageIds.requestId();

  /** Creates a factory publishing on the topic {@value #DEFAULT_TOPIC}. */
  public NotificationFactory() {
    this(DEFAULT_TOPIC);
  }

  /** Creates a factory publishing on the named SNS topic (in the mail's account and region). */
  public NotificationFactory(String topicName) {
    if (topicName == null || topicName.isBlank()) {
      throw new IllegalArgumentException("SNS topic name must not be blank");
    }
    this.topic = topicName;
  }

  /** Returns a Permanent/General hard bounce (550 5.1.1 user unknown) for one recipient. */
  public String bounce(SentMail mail, String recipient, long nowMillis) {
    return bounceNotification(
        mail,
        nowMillis,
        "Permanent",
        "General",
        new Recipient(bare(recipient), "failed", "5.1.1", BOUNCE_DIAGNOSTIC),
        true);
  }

  /** Returns a Permanent/Suppressed bounce, as for an address on the global suppression list. */
  public String suppressed(SentMail mail, String recipient, long nowMillis) {
    return bounceNotification(
        mail,
        nowMillis,
        "Permanent",
        "Suppressed",
        new Recipient(bare(recipient), "failed", "5.1.1", SUPPRESSED_DIAGNOSTIC),
        false);
  }

  /** Returns a Transient/General bounce standing for an out-of-office auto-reply (assumed form). */
  public String ooto(SentMail mail, String recipient, long nowMillis) {
    Recipient autoReply = new Recipient(bare(recipient), null, null, null);
    return bounceNotification(mail, nowMillis, "Transient", "General", autoReply, true);
  }

  /** Returns an abuse complaint from the mailbox simulator for one recipient. */
  public String complaint(SentMail mail, String recipient, long nowMillis) {
    String message =
        write(
            g -> {
              g.writeStringField("notificationType", "Complaint");
              g.writeObjectFieldStart("complaint");
              g.writeStringField("feedbackId", MessageIds.messageId(mail.region(), nowMillis));
              g.writeNullField("complaintSubType");
              g.writeArrayFieldStart("complainedRecipients");
              g.writeStartObject();
              g.writeStringField("emailAddress", bare(recipient));
              g.writeEndObject();
              g.writeEndArray();
              g.writeStringField("timestamp", iso(nowMillis));
              g.writeStringField("userAgent", COMPLAINT_USER_AGENT);
              g.writeStringField("complaintFeedbackType", "abuse");
              g.writeStringField("arrivalDate", iso(mail.timestampMillis()));
              g.writeEndObject();
              writeMail(g, mail);
            });
    return envelope(mail, message, nowMillis);
  }

  /** Returns a delivery notification for the recipients that accepted the message. */
  public String delivery(SentMail mail, List<String> recipients, long nowMillis) {
    String message =
        write(
            g -> {
              g.writeStringField("notificationType", "Delivery");
              g.writeObjectFieldStart("delivery");
              g.writeStringField("timestamp", iso(nowMillis));
              g.writeNumberField(
                  "processingTimeMillis", Math.max(0L, nowMillis - mail.timestampMillis()));
              g.writeArrayFieldStart("recipients");
              for (String r : recipients) {
                g.writeString(bare(r));
              }
              g.writeEndArray();
              g.writeStringField("smtpResponse", DELIVERY_SMTP_RESPONSE);
              g.writeStringField("remoteMtaIp", REMOTE_MTA_IP);
              g.writeStringField("reportingMTA", REPORTING_MTA);
              g.writeEndObject();
              writeMail(g, mail);
            });
    return envelope(mail, message, nowMillis);
  }

  /** Returns the ARN of the topic notifications about this mail are published on. */
  public String topicArn(SentMail mail) {
    return "arn:aws:sns:" + mail.region() + ':' + mail.sendingAccountId() + ':' + topic;
  }

  private record Recipient(String emailAddress, String action, String status, String diagnostic) {}

  private String bounceNotification(
      SentMail mail,
      long nowMillis,
      String type,
      String subType,
      Recipient recipient,
      boolean viaRemoteMta) {
    String message =
        write(
            g -> {
              g.writeStringField("notificationType", "Bounce");
              g.writeObjectFieldStart("bounce");
              g.writeStringField("feedbackId", MessageIds.messageId(mail.region(), nowMillis));
              g.writeStringField("bounceType", type);
              g.writeStringField("bounceSubType", subType);
              g.writeArrayFieldStart("bouncedRecipients");
              g.writeStartObject();
              g.writeStringField("emailAddress", recipient.emailAddress());
              if (recipient.action() != null) {
                g.writeStringField("action", recipient.action());
                g.writeStringField("status", recipient.status());
                g.writeStringField("diagnosticCode", recipient.diagnostic());
              }
              g.writeEndObject();
              g.writeEndArray();
              g.writeStringField("timestamp", iso(nowMillis));
              if (viaRemoteMta) {
                g.writeStringField("remoteMtaIp", REMOTE_MTA_IP);
                g.writeStringField("reportingMTA", "dns; " + REPORTING_MTA);
              }
              g.writeEndObject();
              writeMail(g, mail);
            });
    return envelope(mail, message, nowMillis);
  }

  private static void writeMail(JsonGenerator g, SentMail mail) throws IOException {
    g.writeObjectFieldStart("mail");
    g.writeStringField("timestamp", iso(mail.timestampMillis()));
    g.writeStringField("source", mail.source());
    g.writeStringField("sourceArn", sourceArn(mail));
    g.writeStringField("sourceIp", SOURCE_IP);
    g.writeStringField("callerIdentity", mail.callerIdentity());
    g.writeStringField("sendingAccountId", mail.sendingAccountId());
    g.writeStringField("messageId", mail.messageId());
    g.writeArrayFieldStart("destination");
    for (String d : mail.destination()) {
      g.writeString(d);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private String envelope(SentMail mail, String message, long nowMillis) {
    String topicArn = topicArn(mail);
    String sns = "https://sns." + mail.region() + ".amazonaws.com/";
    return write(
        g -> {
          g.writeStringField("Type", "Notification");
          g.writeStringField("MessageId", MessageIds.requestId());
          g.writeStringField("TopicArn", topicArn);
          g.writeStringField("Message", message);
          g.writeStringField("Timestamp", iso(nowMillis));
          g.writeStringField("SignatureVersion", "1");
          g.writeStringField("Signature", UNSIGNED_SIGNATURE);
          g.writeStringField(
              "SigningCertURL", sns + "SimpleNotificationService-sluice-simulator-unsigned.pem");
          g.writeStringField(
              "UnsubscribeURL",
              sns + "?Action=Unsubscribe&SubscriptionArn=" + topicArn + ':' + subscriptionId);
        });
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
