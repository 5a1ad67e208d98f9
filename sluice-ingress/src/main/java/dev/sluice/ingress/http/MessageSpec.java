package dev.sluice.ingress.http;

import dev.sluice.core.Envelope;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A message as a JSON submission describes it, checked and ready to be written as MIME.
 *
 * @param from the author, also the envelope sender
 * @param to the To recipients
 * @param cc the Cc recipients
 * @param bcc the Bcc recipients: in the envelope only, never in a header
 * @param replyTo where replies go, or empty
 * @param subject the subject, or {@code null} for none
 * @param text the plain-text body, or {@code null}
 * @param html the HTML body, or {@code null}; at least one of the two is present
 * @param fields extra header fields, in order
 */
record MessageSpec(
    Mailbox from,
    List<Mailbox> to,
    List<Mailbox> cc,
    List<Mailbox> bcc,
    List<Mailbox> replyTo,
    String subject,
    String text,
    String html,
    List<Field> fields) {

  /** One extra header field. */
  record Field(String name, String value) {}

  MessageSpec {
    Objects.requireNonNull(from, "from");
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    replyTo = List.copyOf(replyTo);
    fields = List.copyOf(fields);
    if (text == null && html == null) {
      throw new IllegalArgumentException("a message needs a text or an HTML body");
    }
  }

  /** The envelope recipients: To, Cc and Bcc in that order, each address once. */
  List<String> recipients() {
    Set<String> all = new LinkedHashSet<>();
    for (List<Mailbox> list : List.of(to, cc, bcc)) {
      for (Mailbox m : list) {
        all.add(m.address());
      }
    }
    return List.copyOf(all);
  }

  /** The envelope: sender from {@link #from}, recipients from {@link #recipients}. */
  Envelope envelope() {
    return new Envelope(from.address(), recipients());
  }
}
