package dev.sluice.feedback;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One thing SES says happened to a message it accepted, as read from an SNS notification or an SQS
 * message, in either of SES's two forms (identity notifications, {@code notificationType}, and
 * configuration-set event publishing, {@code eventType}). Fields SES's JSON has that this record
 * does not name are kept only in {@link #json}.
 *
 * @param id what identifies this event for deduplication: the SNS {@code MessageId} of the
 *     notification that carried it (the same event delivered twice, by a retry or by both SNS and
 *     SQS, has the same one); never empty
 * @param type what happened
 * @param sesMessageId the SES MessageId of the message ({@code mail.messageId}); never empty
 * @param time when it happened at SES (the bounce's, complaint's, delivery's … own timestamp, else
 *     {@code mail.timestamp})
 * @param recipients whom it is about, each with what SES said of it: the bounced, complained or
 *     delivered recipients, or for a Send/Reject the message's destinations; never empty for
 *     BOUNCE, COMPLAINT and DELIVERY
 * @param bounceType for BOUNCE: {@code Permanent}, {@code Transient} or {@code Undetermined}; empty
 *     otherwise
 * @param bounceSubType for BOUNCE: e.g. {@code General}, {@code Suppressed}, {@code
 *     OnAccountSuppressionList}, {@code MailboxFull}; empty otherwise
 * @param feedbackId for BOUNCE and COMPLAINT: SES's feedbackId; empty otherwise
 * @param complaintFeedbackType for COMPLAINT: the ARF feedback type when the report gave one (e.g.
 *     {@code abuse}); empty otherwise
 * @param configurationSet the configuration set the message was sent with ({@code
 *     ses:configuration-set} tag or the event's own field); empty when none is known
 * @param tags the message's tags as SES reports them ({@code mail.tags}: name to values)
 * @param json the notification's message, as received
 */
public record SesEvent(
    String id,
    Type type,
    String sesMessageId,
    Instant time,
    List<Recipient> recipients,
    String bounceType,
    String bounceSubType,
    String feedbackId,
    String complaintFeedbackType,
    String configurationSet,
    Map<String, List<String>> tags,
    String json) {

  /** What SES says happened. */
  public enum Type {
    SEND,
    DELIVERY,
    BOUNCE,
    COMPLAINT,
    DELIVERY_DELAY,
    REJECT,
    RENDERING_FAILURE,
    OPEN,
    CLICK,
    SUBSCRIPTION,
    /** A type this version does not know; kept, counted, not acted on. */
    UNKNOWN;

    /** Whether this event tells that the recipient's address must not be mailed again. */
    public boolean suppresses(String bounceType) {
      return this == COMPLAINT || (this == BOUNCE && "Permanent".equals(bounceType));
    }
  }

  /**
   * One recipient the event is about.
   *
   * @param address the address as SES reports it
   * @param status the SMTP status SES gives ({@code 5.1.1}); empty when none
   * @param diagnostic the remote server's words ({@code diagnosticCode} or {@code smtpResponse});
   *     empty when none
   */
  public record Recipient(String address, String status, String diagnostic) {
    public Recipient {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(diagnostic, "diagnostic");
    }
  }

  /** Copies the collections and checks for nulls. */
  public SesEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sesMessageId, "sesMessageId");
    Objects.requireNonNull(time, "time");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(bounceType, "bounceType");
    Objects.requireNonNull(bounceSubType, "bounceSubType");
    Objects.requireNonNull(feedbackId, "feedbackId");
    Objects.requireNonNull(complaintFeedbackType, "complaintFeedbackType");
    Objects.requireNonNull(configurationSet, "configurationSet");
    tags = Map.copyOf(tags);
    Objects.requireNonNull(json, "json");
  }

  /** Whether the event puts its recipients on the suppression list (hard bounce or complaint). */
  public boolean suppresses() {
    return type.suppresses(bounceType);
  }
}
