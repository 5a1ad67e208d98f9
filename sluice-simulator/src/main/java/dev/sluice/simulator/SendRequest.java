package dev.sluice.simulator;

import dev.sluice.core.ses.MessageTag;
import java.util.List;
import java.util.Objects;

/**
 * One send as the simulator's core sees it, whatever the interface it came through.
 *
 * @param via the interface that carried it
 * @param accessKeyId the caller's access key id (from SigV4 or SMTP AUTH), or {@code anonymous}
 * @param region the region named in the request's credential scope
 * @param from the envelope sender
 * @param recipients every envelope recipient (To, Cc and Bcc together), as given
 * @param subject the subject, or empty when not known without parsing MIME
 * @param content the message bytes (raw MIME, or the simple content's text), for inspection
 * @param operation the operation name as the client called it, e.g. {@code SendEmail}
 * @param configurationSet the configuration set named by the request, or null
 * @param tags the message tags the request carried, in order
 * @param template the template the content was rendered from, or null
 * @param renderingFailure why the template could not be rendered, or null: SES accepts such a send
 *     and reports the failure later (a RenderingFailure event); the message is not delivered
 */
public record SendRequest(
    SesInterface via,
    String accessKeyId,
    String region,
    String from,
    List<String> recipients,
    String subject,
    byte[] content,
    String operation,
    String configurationSet,
    List<MessageTag> tags,
    String template,
    String renderingFailure) {
  /** Copies the recipient list and checks for nulls. */
  public SendRequest {
    Objects.requireNonNull(via, "via");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(from, "from");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(operation, "operation");
    tags = List.copyOf(tags);
  }

  /** A request that names no configuration set. */
  public SendRequest(
      SesInterface via,
      String accessKeyId,
      String region,
      String from,
      List<String> recipients,
      String subject,
      byte[] content,
      String operation) {
    this(
        via,
        accessKeyId,
        region,
        from,
        recipients,
        subject,
        content,
        operation,
        null,
        List.of(),
        null,
        null);
  }

  /** A copy naming a configuration set (null or blank for none). */
  public SendRequest withConfigurationSet(String name) {
    String set = name == null || name.isBlank() ? null : name.strip();
    return new SendRequest(
        via,
        accessKeyId,
        region,
        from,
        recipients,
        subject,
        content,
        operation,
        set,
        tags,
        template,
        renderingFailure);
  }

  /**
   * A copy rendered from a template: {@code failure} says why it could not be rendered, or is null
   * when it was.
   */
  public SendRequest withTemplate(String templateName, String failure) {
    return new SendRequest(
        via,
        accessKeyId,
        region,
        from,
        recipients,
        subject,
        content,
        operation,
        configurationSet,
        tags,
        templateName,
        failure);
  }

  /** A copy carrying these message tags. */
  public SendRequest withTags(List<MessageTag> newTags) {
    return new SendRequest(
        via,
        accessKeyId,
        region,
        from,
        recipients,
        subject,
        content,
        operation,
        configurationSet,
        newTags,
        template,
        renderingFailure);
  }
}
