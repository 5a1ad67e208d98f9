package dev.sluice.app.relay;

import dev.sluice.core.OutboundMessage;
import dev.sluice.core.ses.HeaderSection;
import java.util.List;
import java.util.Locale;

/**
 * What route rules look at in one message: its envelope sender's domain, who submitted it, its
 * configuration set and the route its {@code X-Sluice-Route} header names.
 *
 * @param senderDomain the envelope sender's domain in lower case, or null for the null sender
 * @param user the SMTP AUTH or HTTP API user, or null when it came in without one
 * @param configurationSet the {@code X-SES-CONFIGURATION-SET} header's, else the relay's default,
 *     or null
 * @param headerRoute the route the {@code X-Sluice-Route} header names, or null
 */
record MessageFacts(String senderDomain, String user, String configurationSet, String headerRoute) {
  /** The header that names a message's route; removed before the message is sent. */
  static final String ROUTE_HEADER = dev.sluice.ingress.RelayHeaderRules.ROUTE_HEADER;

  private static final String SET_HEADER = "X-SES-CONFIGURATION-SET";

  /**
   * Reads the facts of a message.
   *
   * @param origin the spool's record of who submitted it, e.g. {@code smtp 127.0.0.1 user=app}
   * @param defaultSet the relay's configuration set for messages naming none, or empty
   */
  static MessageFacts of(
      OutboundMessage m, List<HeaderSection.Field> fields, String origin, String defaultSet) {
    String from = m.envelope().from();
    int at = from.lastIndexOf('@');
    String domain = at < 0 ? null : from.substring(at + 1).toLowerCase(Locale.ROOT);
    String set = first(fields, SET_HEADER);
    if (set == null && !defaultSet.isEmpty()) {
      set = defaultSet;
    }
    String route = first(fields, ROUTE_HEADER);
    return new MessageFacts(
        domain, user(origin), set, route == null ? null : route.toLowerCase(Locale.ROOT));
  }

  /** The user named in an origin ({@code ... user=NAME ...}), or null. */
  static String user(String origin) {
    if (origin == null) {
      return null;
    }
    int i = origin.indexOf(" user=");
    if (i < 0) {
      return null;
    }
    int start = i + " user=".length();
    int end = origin.indexOf(' ', start);
    String u = end < 0 ? origin.substring(start) : origin.substring(start, end);
    return u.isEmpty() ? null : u;
  }

  private static String first(List<HeaderSection.Field> fields, String name) {
    for (HeaderSection.Field f : fields) {
      if (f.is(name) && !f.value().isEmpty()) {
        return f.value();
      }
    }
    return null;
  }
}
