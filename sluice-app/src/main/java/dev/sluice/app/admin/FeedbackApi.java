package dev.sluice.app.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.address.AddressCheck;
import dev.sluice.core.address.SesAddressGrammar;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.feedback.store.Page;
import dev.sluice.feedback.store.RecipientHit;
import dev.sluice.feedback.store.SuppressionCsv;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The admin endpoints over the relay's {@link FeedbackStore}: message history by SES MessageId and
 * by recipient, and the suppression list.
 *
 * <pre>
 * GET    /api/history?ses-message-id=X           the history of the message SES gave X
 * GET    /api/history?recipient=A &amp;after &amp;limit  messages to A, newest first, paged
 * GET    /api/suppression?prefix &amp;reason &amp;after &amp;limit  the list in address order, paged
 * GET    /api/suppression/{address}              one entry, or 404 not_suppressed
 * PUT    /api/suppression/{address}?reason=manual&amp;cause=…  adds it (an entry there stays)
 * DELETE /api/suppression/{address}              removes it
 * POST   /api/suppression/import?first-line=N    CSV lines in the body (at most 64 KB a request;
 *                                                bad lines are numbered from N)
 * </pre>
 *
 * <p>Thread-safe; calls the store, so run it off the network threads.
 */
final class FeedbackApi {
  static final String HISTORY = "/api/history";
  static final String SUPPRESSION = "/api/suppression";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final FeedbackStore store;

  FeedbackApi(FeedbackStore store) {
    this.store = store;
  }

  /** A history entry as JSON. */
  static ObjectNode entry(HistoryEntry h) {
    ObjectNode o = F.objectNode();
    o.put("time", h.time().toString());
    o.put("kind", h.kind().name().toLowerCase(Locale.ROOT));
    if (!h.recipient().isEmpty()) {
      o.put("recipient", h.recipient());
    }
    if (!h.sesMessageId().isEmpty()) {
      o.put("sesMessageId", h.sesMessageId());
    }
    o.put("detail", h.detail());
    return o;
  }

  /** A message's history as a JSON array, oldest first. */
  ArrayNode history(String queueId) {
    ArrayNode arr = F.arrayNode();
    store.history(queueId).forEach(h -> arr.add(entry(h)));
    return arr;
  }

  static ObjectNode suppression(Suppression s) {
    return F.objectNode()
        .put("address", s.address())
        .put("reason", s.reason().name())
        .put("since", s.time().toString())
        .put("cause", s.cause())
        .put("source", s.source());
  }

  AdminResponse history(String ses, String recipient, String after, int limit) {
    if ((ses == null) == (recipient == null)) {
      throw new AdminRefusal(
          AdminError.INVALID_PARAMETER, "Give one of ses-message-id and recipient");
    }
    if (ses != null) {
      String id =
          store
              .queueIdOf(ses.strip())
              .orElseThrow(
                  () ->
                      new AdminRefusal(
                          AdminError.NO_SUCH_MESSAGE, "No history for SES MessageId " + ses));
      return AdminResponse.json(200, F.objectNode().put("id", id).set("history", history(id)));
    }
    Page<RecipientHit> page = store.messagesTo(recipient, after == null ? "" : after, limit);
    ObjectNode root = F.objectNode();
    ArrayNode arr = root.putArray("messages");
    for (RecipientHit h : page.items()) {
      arr.add(F.objectNode().put("time", h.time().toString()).put("id", h.queueId()));
    }
    root.put("next", page.next().isEmpty() ? null : page.next());
    return AdminResponse.json(200, root);
  }

  AdminResponse list(String prefix, String reason, String after, int limit) {
    Page<Suppression> page =
        store.suppressions(
            prefix == null ? "" : prefix,
            reason == null ? null : reason(reason),
            after == null ? "" : after,
            limit);
    ObjectNode root = F.objectNode();
    ArrayNode arr = root.putArray("suppressions");
    page.items().forEach(s -> arr.add(suppression(s)));
    root.put("next", page.next().isEmpty() ? null : page.next());
    return AdminResponse.json(200, root);
  }

  AdminResponse find(String address) {
    Suppression s = store.find(address).orElseThrow(() -> notSuppressed(address));
    return AdminResponse.json(200, suppression(s));
  }

  AdminResponse add(String address, String reason, String cause, Instant now) {
    if (SesAddressGrammar.check(address) instanceof AddressCheck.Invalid bad) {
      throw new AdminRefusal(AdminError.INVALID_ADDRESS, bad.message());
    }
    Suppression.Reason r = reason == null ? Suppression.Reason.MANUAL : reason(reason);
    boolean added =
        io(
            () ->
                store.suppress(
                    new Suppression(address, r, now, cause == null ? "" : cause, "admin")));
    Suppression kept = store.find(address).orElseThrow();
    return AdminResponse.json(
        200, F.objectNode().put("added", added).set("suppression", suppression(kept)));
  }

  AdminResponse remove(String address) {
    if (!io(() -> store.unsuppress(address))) {
      throw notSuppressed(address);
    }
    return AdminResponse.json(200, F.objectNode().put("removed", address));
  }

  AdminResponse importCsv(byte[] body, int firstLine, Instant now) {
    String text = new String(body, StandardCharsets.UTF_8);
    SuppressionCsv.ImportResult r =
        io(() -> SuppressionCsv.importFrom(store, new StringReader(text), now, "import"));
    ObjectNode root = F.objectNode();
    root.put("added", r.added());
    root.put("alreadyListed", r.alreadyListed());
    ArrayNode bad = root.putArray("badLines");
    for (String line : r.badLines()) {
      bad.add(renumber(line, firstLine));
    }
    return AdminResponse.json(200, root);
  }

  /** "line 3: …" of a chunk whose first line is the file's line {@code first}. */
  private static String renumber(String line, int first) {
    int colon = line.indexOf(':');
    if (first == 1 || !line.startsWith("line ") || colon < 0) {
      return line;
    }
    int n = Integer.parseInt(line.substring("line ".length(), colon));
    return "line " + (n + first - 1) + line.substring(colon);
  }

  private static Suppression.Reason reason(String s) {
    try {
      return Suppression.Reason.valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new AdminRefusal(
          AdminError.INVALID_PARAMETER,
          "reason must be bounce, complaint, manual or ses, got '" + s + "'");
    }
  }

  private static AdminRefusal notSuppressed(String address) {
    return new AdminRefusal(
        AdminError.NOT_SUPPRESSED, address + " is not on the suppression list", Map.of());
  }

  private interface Io<T> {
    T run() throws IOException;
  }

  private static <T> T io(Io<T> call) {
    try {
      return call.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
