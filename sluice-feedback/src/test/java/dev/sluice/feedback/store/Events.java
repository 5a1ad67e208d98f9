package dev.sluice.feedback.store;

import dev.sluice.feedback.SesEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** SES events for tests. */
final class Events {
  private Events() {}

  static SesEvent delivery(String id, String sesId, Instant t, String... to) {
    return event(id, SesEvent.Type.DELIVERY, sesId, t, "", "", "", to);
  }

  static SesEvent hardBounce(String id, String sesId, Instant t, String set, String... to) {
    return event(id, SesEvent.Type.BOUNCE, sesId, t, "Permanent", "General", set, to);
  }

  static SesEvent softBounce(String id, String sesId, Instant t, String... to) {
    return event(id, SesEvent.Type.BOUNCE, sesId, t, "Transient", "MailboxFull", "", to);
  }

  static SesEvent complaint(String id, String sesId, Instant t, String set, String... to) {
    return event(id, SesEvent.Type.COMPLAINT, sesId, t, "", "", set, to);
  }

  static SesEvent event(
      String id,
      SesEvent.Type type,
      String sesId,
      Instant t,
      String bounceType,
      String subType,
      String set,
      String... to) {
    List<SesEvent.Recipient> rs =
        java.util.Arrays.stream(to)
            .map(a -> new SesEvent.Recipient(a, type == SesEvent.Type.BOUNCE ? "5.1.1" : "", ""))
            .toList();
    return new SesEvent(id, type, sesId, t, rs, bounceType, subType, "", "", set, Map.of(), "{}");
  }
}
