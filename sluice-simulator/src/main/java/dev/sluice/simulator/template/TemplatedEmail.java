package dev.sluice.simulator.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.simulator.template.MimeComposer.Attachment;
import dev.sluice.simulator.template.MimeComposer.Header;
import java.util.ArrayList;
import java.util.List;

/**
 * One templated message before its data is applied: the template, the addressing and what the send
 * adds (headers, attachments). Rendering it gives the MIME message SES would send, or the failure
 * SES would report in a RenderingFailure event.
 *
 * @param templateName the stored template's name, or {@code (inline)}
 * @param content the template, parsed
 * @param from the From field as the send gave it
 * @param to the To addresses
 * @param cc the Cc addresses
 * @param bcc the Bcc addresses (in the envelope, in no header)
 * @param replyTo the Reply-To addresses
 * @param headers the send's own headers
 * @param attachments the send's attachments
 */
public record TemplatedEmail(
    String templateName,
    CompiledContent content,
    String from,
    List<String> to,
    List<String> cc,
    List<String> bcc,
    List<String> replyTo,
    List<Header> headers,
    List<Attachment> attachments) {
  /** Copies the lists. */
  public TemplatedEmail {
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    replyTo = List.copyOf(replyTo);
    headers = List.copyOf(headers);
    attachments = List.copyOf(attachments);
  }

  /**
   * The message for one set of data.
   *
   * @param subject the rendered subject, or the template's own when rendering failed
   * @param mime the MIME message, empty when rendering failed
   * @param failure why the data could not render the template, or null
   */
  public record Result(String subject, byte[] mime, String failure) {}

  /** Every envelope recipient: To, Cc and Bcc. */
  public List<String> recipients() {
    List<String> out = new ArrayList<>(to);
    out.addAll(cc);
    out.addAll(bcc);
    return out;
  }

  /**
   * Renders and composes the message; a message larger than {@code maxBytes} fails as a rendering
   * does, since SES finds both only after it has accepted the send.
   */
  public Result render(JsonNode data, long nowMillis, long maxBytes) {
    try {
      RenderedContent rendered = content.render(data, maxBytes);
      byte[] mime =
          MimeComposer.compose(
              new MimeComposer.Email(
                  from, to, cc, replyTo, rendered, headers, attachments, nowMillis));
      if (mime.length > maxBytes) {
        throw new RenderingException(
            "The rendered message is "
                + mime.length
                + " bytes, more than the "
                + maxBytes
                + " bytes a message may have.");
      }
      return new Result(rendered.subject(), mime, null);
    } catch (RenderingException e) {
      String s = content.source().subject();
      return new Result(s == null ? "" : s, new byte[0], e.getMessage());
    }
  }
}
