package dev.sluice.simulator.notify;

import dev.sluice.core.ses.MessageTag;
import dev.sluice.simulator.MessageTrail;
import dev.sluice.simulator.MimeHeaders;
import java.util.List;
import java.util.Objects;

/**
 * Everything SES reports about one accepted message, before it is written as JSON: the message, how
 * it was sent, and what became of each recipient (or of the whole message).
 *
 * <p>Kept small and built on the send path; the JSON is written later, on the publishing thread,
 * and only for the places that will receive it.
 *
 * @param mail the {@code mail} object's facts
 * @param configurationSet the configuration set the send used, or null
 * @param tags the message tags the send carried
 * @param headers the message's header fields (name, value), in order, at most {@link
 *     FeedbackJson#MAX_HEADERS}; empty for content without a header section
 * @param headersTruncated whether some header fields were left out
 * @param subject the subject, for {@code commonHeaders}
 * @param fates what became of each recipient, in the order of {@code mail.destination()}; empty
 *     when the message as a whole was rejected or not rendered
 * @param rejected why SES rejected the whole message after accepting it (a virus), or null
 * @param renderingFailure the template and why it could not be rendered, or null
 * @param trail the message's trail, where each published event is noted
 */
public record Feedback(
    SentMail mail,
    String configurationSet,
    List<MessageTag> tags,
    List<MimeHeaders.Field> headers,
    boolean headersTruncated,
    String subject,
    List<Fate> fates,
    String rejected,
    RenderingFailure renderingFailure,
    MessageTrail trail) {

  /** A template that could not be rendered. */
  public record RenderingFailure(String templateName, String errorMessage) {}

  /** Copies the lists and checks for nulls. */
  public Feedback {
    Objects.requireNonNull(mail, "mail");
    tags = List.copyOf(tags);
    headers = List.copyOf(headers);
    Objects.requireNonNull(subject, "subject");
    fates = List.copyOf(fates);
    Objects.requireNonNull(trail, "trail");
  }

  /** The recipients with a given fate, in order. */
  public List<String> recipients(Fate fate) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < fates.size(); i++) {
      if (fates.get(i) == fate) {
        out.add(mail.destination().get(i));
      }
    }
    return out;
  }
}
