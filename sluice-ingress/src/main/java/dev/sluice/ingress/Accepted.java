package dev.sluice.ingress;

import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.ses.MessageTags;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import java.util.List;
import java.util.Objects;

/**
 * A message a door has made durable, as an {@link AcceptListener} is told of it: its entry as the
 * spool stored it and the configuration set its header names, so that a listener needs neither to
 * read it back from the spool nor to parse its header section again. Holds no content.
 *
 * @param entry the message's spool entry as stored (queue id, envelope, size, received, origin)
 * @param configurationSet the value of its last {@code X-SES-CONFIGURATION-SET} header field,
 *     stripped, or empty when it names none
 */
public record Accepted(SpoolEntry entry, String configurationSet) {
  /** Checks for nulls. */
  public Accepted {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(configurationSet, "configurationSet");
  }

  /** The message's queue id. */
  public QueueId id() {
    return entry.id();
  }

  /** The set the message is sent with: the one it names, else {@code defaultSet}. */
  public String setOr(String defaultSet) {
    return configurationSet.isEmpty() ? defaultSet : configurationSet;
  }

  /**
   * The configuration set a header section names: its last {@code X-SES-CONFIGURATION-SET} field
   * (the one SES and the v2 transport read), stripped; empty when there is none or it is empty.
   *
   * @param fields the header section as the door read it ({@link HeaderSection#fields})
   */
  public static String configurationSet(List<HeaderSection.Field> fields) {
    List<HeaderSection.Field> named = HeaderSection.named(fields, MessageTags.SET_HEADER);
    return named.isEmpty() ? "" : named.get(named.size() - 1).value().strip();
  }
}
