package dev.sluice.feedback.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.SesEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of the relay's event stream that the feedback store tells of once it has recorded it:
 * what SES said of one recipient ({@code ses.*}), or a recipient put on the suppression list or
 * dropped from a message because it is on it ({@code suppressed}). Every field is written, null
 * when absent, so every line has the same schema:
 *
 * <pre>{@code
 * {"type":"ses.bounce","queueId":"0KQ8...","time":"2026-12-06T07:00:00.500Z","recipient":"a@b.c",
 *  "sesMessageId":"0100...","subType":"Permanent/General","configurationSet":null,
 *  "status":"5.1.1","diagnostic":"smtp; 550 5.1.1 user unknown","reason":null,"eventId":"..."}
 * }</pre>
 *
 * @param type {@code ses.} and SES's event type in lower case ({@code ses.delivery}, {@code
 *     ses.bounce}, {@code ses.complaint}, {@code ses.delivery_delay}, {@code ses.reject}, {@code
 *     ses.send}, …), or {@code suppressed}
 * @param queueId the relay's queue id of the message; null when the relay has not recorded sending
 *     the SES MessageId (yet: an event can overtake the relay's own record; or at all: another
 *     relay sent it)
 * @param time for SES's events, SES's own time; for {@code suppressed}, when it happened here
 * @param recipient the recipient it is about, as SES or the submitter wrote it; null for an SES
 *     event that names none
 * @param sesMessageId the SES MessageId; null for a recipient dropped at a door (never sent)
 * @param subType bounces: {@code bounceType/bounceSubType} ({@code Permanent/General}, {@code
 *     Transient/MailboxFull}, …); complaints: the feedback type ({@code abuse}) when given; {@code
 *     suppressed}: {@code listed} (put on the list by this SES event) or {@code dropped} (dropped
 *     from the message at the door); else null
 * @param configurationSet the configuration set the message was sent with, when known; else null
 * @param status SES's SMTP status for the recipient ({@code 5.1.1}); else null
 * @param diagnostic the remote server's words for an SES event; the door's refusal for a dropped
 *     recipient; else null
 * @param reason for {@code suppressed}: why the address is on the list ({@code bounce}, {@code
 *     complaint}, {@code ses}, {@code manual}); else null
 * @param eventId the id SES's event was deduplicated by (its SNS MessageId); null for a dropped
 *     recipient
 */
public record FeedbackEvent(
    String type,
    String queueId,
    Instant time,
    String recipient,
    String sesMessageId,
    String subType,
    String configurationSet,
    String status,
    String diagnostic,
    String reason,
    String eventId) {

  /** The type of a recipient put on the suppression list or dropped at a door. */
  public static final String SUPPRESSED = "suppressed";

  private static final JsonFactory FACTORY = new JsonFactory();

  /** Checks the type and time are there; every other field may be null. */
  public FeedbackEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
  }

  /** The stream's type of an SES event: {@code ses.bounce}, {@code ses.delivery_delay}, … */
  public static String typeOf(SesEvent.Type t) {
    return "ses." + t.name().toLowerCase(Locale.ROOT);
  }

  /** What SES said of one recipient (or of none, for an event that names none). */
  static FeedbackEvent of(
      SesEvent e, String queueId, String configurationSet, SesEvent.Recipient r) {
    String subType = null;
    if (!e.bounceType().isEmpty()) {
      subType = e.bounceType() + (e.bounceSubType().isEmpty() ? "" : "/" + e.bounceSubType());
    } else if (!e.complaintFeedbackType().isEmpty()) {
      subType = e.complaintFeedbackType();
    }
    return new FeedbackEvent(
        typeOf(e.type()),
        queueId,
        e.time(),
        r == null ? null : r.address(),
        e.sesMessageId(),
        subType,
        orNull(configurationSet),
        r == null ? null : orNull(r.status()),
        r == null ? null : orNull(r.diagnostic()),
        null,
        e.id());
  }

  /** A recipient this SES event put on the suppression list. */
  static FeedbackEvent listed(SesEvent e, String queueId, String configurationSet, Suppression s) {
    return new FeedbackEvent(
        SUPPRESSED,
        queueId,
        e.time(),
        s.address(),
        e.sesMessageId(),
        "listed",
        orNull(configurationSet),
        null,
        null,
        reason(s.reason()),
        e.id());
  }

  /** A recipient dropped from a message at a door because it is on the list. */
  static FeedbackEvent dropped(
      String queueId, Instant time, String configurationSet, String given, Suppression s) {
    return new FeedbackEvent(
        SUPPRESSED,
        queueId,
        time,
        given,
        null,
        "dropped",
        orNull(configurationSet),
        null,
        s.refusal(given),
        reason(s.reason()),
        null);
  }

  /** A suppression reason as the stream writes it: {@code bounce}, {@code complaint}, … */
  static String reason(Suppression.Reason r) {
    return r.name().toLowerCase(Locale.ROOT);
  }

  private static String orNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Appends the line as one JSON object, without a line end. */
  public void writeJson(StringBuilder b) {
    StringWriter out = new StringWriter(320);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", type);
      g.writeStringField("queueId", queueId);
      g.writeStringField("time", time.toString());
      g.writeStringField("recipient", recipient);
      g.writeStringField("sesMessageId", sesMessageId);
      g.writeStringField("subType", subType);
      g.writeStringField("configurationSet", configurationSet);
      g.writeStringField("status", status);
      g.writeStringField("diagnostic", diagnostic);
      g.writeStringField("reason", reason);
      g.writeStringField("eventId", eventId);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    b.append(out);
  }
}
