package dev.sluice.app.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.feedback.store.ReputationWatch;
import dev.sluice.ingress.Intake;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoints, one request at a time, with no knowledge of sockets: a method, a request
 * target and an {@code Authorization} header in, an {@link AdminResponse} out.
 *
 * <pre>
 * GET    /                          the status page (no token needed: it holds no data)
 * GET    /health                    200 {"status":"ok"} while the spool answers and mail is taken;
 *                                   503 {"status":"refusing: disk full",…} while it is refused
 *                                   (no token needed)
 * GET    /metrics                   Prometheus text format
 * GET    /api/stats                 spool counts, delivery numbers, recent failures, rate history
 * GET    /api/messages              ?state=a,b &amp;domain= &amp;after=ID &amp;limit=1..1000 (100)
 * GET    /api/messages/{id}         one entry; ?content=1 (or headers) &amp;max=N adds the message
 *                                   (or its header section) as text, at most N octets of it
 * POST   /api/messages/{id}/retry   a waiting or failed message becomes due now
 * DELETE /api/messages/{id}         removes a message in any state
 * POST   /api/reload                reads the configuration again and applies what can change
 *                                   live: {"applied":[…],"reread":[…],"restartNeeded":[…]};
 *                                   400 invalid_config keeps the running configuration
 * </pre>
 *
 * <p>With the relay's feedback store, {@code GET /api/messages/{id}} adds the message's {@code
 * history} (and answers for a message that has left the spool, with {@code "inSpool": false}), and
 * {@link FeedbackApi} serves {@code /api/history} and {@code /api/suppression}.
 *
 * <p>With a token configured, {@code /api/} and {@code /metrics} need {@code Authorization: Bearer
 * <token>}, checked before anything else about the request. Errors are {@link AdminError} codes.
 *
 * <p>Thread-safe. Calls the spool, so run it off the network threads.
 */
final class AdminApi {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String MESSAGES = "/api/messages";
  private static final String RELOAD = "/api/reload";
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;
  private static final long SPOOL_WAIT_SECONDS = 30;
  private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final RelayView view;
  private final PrometheusMeterRegistry registry;
  private final BearerToken token;
  private final Clock clock;
  private volatile ReloadOutcome.Reloader reloader;

  AdminApi(RelayView view, PrometheusMeterRegistry registry, BearerToken token, Clock clock) {
    this.view = view;
    this.registry = registry;
    this.token = token;
    this.clock = clock;
  }

  /** Where {@code POST /api/reload} goes; until set, it answers 404 reload_unavailable. */
  void onReload(ReloadOutcome.Reloader r) {
    this.reloader = r;
  }

  /** Answers one request without a body; never throws. */
  AdminResponse handle(String method, String target, String authorization) {
    return handle(method, target, authorization, new byte[0]);
  }

  /** Answers one request; never throws. */
  AdminResponse handle(String method, String target, String authorization, byte[] body) {
    try {
      return route(method, target, authorization, body);
    } catch (AdminRefusal r) {
      return AdminResponse.error(r);
    } catch (SpoolException e) {
      log.warn(
          "admin request {} {} failed: spool unavailable: {}",
          method,
          path(target),
          e.getMessage());
      return AdminResponse.error(
          AdminError.SPOOL_UNAVAILABLE, "The spool cannot answer: " + e.getMessage(), Map.of());
    } catch (java.io.UncheckedIOException e) {
      log.warn("admin request {} {} failed: {}", method, path(target), e.getMessage());
      return AdminResponse.error(
          AdminError.INTERNAL_ERROR,
          "The feedback store cannot answer: " + e.getCause().getMessage(),
          Map.of());
    } catch (RuntimeException e) {
      log.error("admin request {} {} failed", method, path(target), e);
      return AdminResponse.error(AdminError.INTERNAL_ERROR, "Internal error", Map.of());
    }
  }

  private static String path(String target) {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  private AdminResponse route(
      String method, String target, String authorization, byte[] requestBody) {
    QueryStringDecoder q;
    try {
      q = new QueryStringDecoder(target);
      q.parameters(); // decodes now, so a bad escape is refused here
    } catch (IllegalArgumentException e) {
      throw new AdminRefusal(AdminError.BAD_REQUEST, "Malformed request target: " + e.getMessage());
    }
    String path = q.rawPath();
    if (path.equals("/")) {
      allow(method, "GET");
      params(q, Set.of());
      return StatusPage.response();
    }
    if (path.equals("/health")) {
      allow(method, "GET");
      view.spool().stats();
      Intake intake = view.intake();
      if (!intake.accepting()) {
        // No detail here: /health needs no token, and the storage's words name files.
        ObjectNode body = F.objectNode().put("status", intake.state());
        intake.since().ifPresent(t -> body.put("since", t.toString()));
        body.put("refused", intake.refused());
        return AdminResponse.json(503, body);
      }
      return AdminResponse.json(200, F.objectNode().put("status", "ok"));
    }
    if (!path.equals("/metrics") && !path.startsWith("/api/")) {
      throw notFound(method, path);
    }
    token.check(authorization);
    if (path.equals("/metrics")) {
      allow(method, "GET");
      params(q, Set.of());
      return AdminResponse.text(200, PROMETHEUS_TYPE, registry.scrape());
    }
    if (path.equals("/api/stats")) {
      allow(method, "GET");
      params(q, Set.of());
      return stats();
    }
    if (path.equals(FeedbackApi.HISTORY) || path.startsWith(FeedbackApi.SUPPRESSION)) {
      return feedback(method, path, q, requestBody);
    }
    if (path.equals(RELOAD)) {
      allow(method, "POST");
      params(q, Set.of());
      return reload();
    }
    if (path.equals(MESSAGES)) {
      allow(method, "GET");
      return list(params(q, Set.of("state", "domain", "after", "limit")));
    }
    if (path.startsWith(MESSAGES + "/")) {
      String rest = path.substring(MESSAGES.length() + 1);
      if (rest.endsWith("/retry")) {
        QueueId id = id(rest.substring(0, rest.length() - "/retry".length()));
        allow(method, "POST");
        params(q, Set.of());
        return retry(id);
      }
      QueueId id = id(rest);
      allow(method, "GET", "DELETE");
      if (method.equals("DELETE")) {
        params(q, Set.of());
        return delete(id);
      }
      return show(id, params(q, Set.of("content", "max")));
    }
    throw notFound(method, path);
  }

  private AdminResponse reload() {
    ReloadOutcome.Reloader r = reloader;
    if (r == null) {
      throw new AdminRefusal(
          AdminError.RELOAD_UNAVAILABLE,
          "This relay was started without a configuration to read again");
    }
    ReloadOutcome o;
    try {
      o = r.reload();
    } catch (ReloadOutcome.Refused e) {
      throw new AdminRefusal(
          AdminError.INVALID_CONFIG,
          "Configuration refused, the running one is kept: " + e.getMessage());
    }
    ObjectNode body = F.objectNode();
    o.applied().forEach(body.putArray("applied")::add);
    o.reread().forEach(body.putArray("reread")::add);
    o.restartNeeded().forEach(body.putArray("restartNeeded")::add);
    return AdminResponse.json(200, body);
  }

  private AdminResponse feedback(String method, String path, QueryStringDecoder q, byte[] body) {
    FeedbackApi api =
        view.feedback().map(FeedbackApi::new).orElseThrow(() -> notFound(method, path));
    if (path.equals(FeedbackApi.HISTORY)) {
      allow(method, "GET");
      var p = params(q, Set.of("ses-message-id", "recipient", "after", "limit"));
      return api.history(
          single(p, "ses-message-id"),
          single(p, "recipient"),
          single(p, "after"),
          limit(single(p, "limit")));
    }
    if (path.equals(FeedbackApi.SUPPRESSION)) {
      allow(method, "GET");
      var p = params(q, Set.of("prefix", "reason", "after", "limit"));
      return api.list(
          single(p, "prefix"), single(p, "reason"), single(p, "after"), limit(single(p, "limit")));
    }
    if (path.equals(FeedbackApi.SUPPRESSION + "/import")) {
      allow(method, "POST");
      var p = params(q, Set.of("first-line"));
      String first = single(p, "first-line");
      return api.importCsv(body, first == null ? 1 : lineNumber(first), now());
    }
    if (!path.startsWith(FeedbackApi.SUPPRESSION + "/")) {
      throw notFound(method, path);
    }
    String address =
        QueryStringDecoder.decodeComponent(path.substring(FeedbackApi.SUPPRESSION.length() + 1));
    allow(method, "GET", "PUT", "DELETE");
    return switch (method) {
      case "PUT" -> {
        var p = params(q, Set.of("reason", "cause"));
        yield api.add(address, single(p, "reason"), single(p, "cause"), now());
      }
      case "DELETE" -> {
        params(q, Set.of());
        yield api.remove(address);
      }
      default -> {
        params(q, Set.of());
        yield api.find(address);
      }
    };
  }

  /** A line number: a whole number of at least 1. */
  private static int lineNumber(String s) {
    try {
      int n = Integer.parseInt(s.strip());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new AdminRefusal(
        AdminError.INVALID_PARAMETER, "first-line must be a line number >= 1, got '" + s + "'");
  }

  private static AdminRefusal notFound(String method, String path) {
    return new AdminRefusal(AdminError.NOT_FOUND, "No endpoint " + method + " " + path);
  }

  private static void allow(String method, String... allowed) {
    for (String a : allowed) {
      if (a.equals(method)) {
        return;
      }
    }
    throw new AdminRefusal(
        AdminError.METHOD_NOT_ALLOWED,
        "Method " + method + " is not allowed here",
        Map.of("Allow", String.join(", ", allowed)));
  }

  /** The query parameters, refusing any the endpoint does not have. */
  private static Map<String, List<String>> params(QueryStringDecoder q, Set<String> known) {
    for (String name : q.parameters().keySet()) {
      if (!known.contains(name)) {
        throw new AdminRefusal(
            AdminError.UNKNOWN_PARAMETER,
            known.isEmpty()
                ? "This endpoint takes no parameters, got '" + name + "'"
                : "Unknown parameter '" + name + "'; known: " + String.join(", ", known));
      }
    }
    return q.parameters();
  }

  private static String single(Map<String, List<String>> p, String name) {
    List<String> v = p.get(name);
    if (v == null) {
      return null;
    }
    if (v.size() > 1) {
      throw new AdminRefusal(AdminError.INVALID_PARAMETER, "Give '" + name + "' once");
    }
    return v.get(0);
  }

  private static QueueId id(String text) {
    QueueId id = QueueId.parseOrNull(text);
    if (id == null) {
      throw new AdminRefusal(
          AdminError.INVALID_ID, "Not a queue id (1 to 40 letters and digits): '" + text + "'");
    }
    return id;
  }

  private AdminResponse stats() {
    SpoolStats spool = view.spool().stats();
    DeliveryStatus delivery = view.status();
    // The time after the readings, so no age computed from it comes out negative.
    Instant now = Instant.ofEpochMilli(clock.millis());
    ObjectNode body = AdminJson.stats(spool, delivery, view.intake(), now);
    view.feedback()
        .ifPresent(f -> body.set("reputation", AdminJson.reputation(ReputationWatch.readings(f))));
    return AdminResponse.json(200, body);
  }

  private AdminResponse list(Map<String, List<String>> p) {
    EnumSet<SpoolState> states = EnumSet.noneOf(SpoolState.class);
    for (String v : p.getOrDefault("state", List.of())) {
      for (String s : v.split(",", -1)) {
        states.add(state(s.strip()));
      }
    }
    String domain = single(p, "domain");
    domain = domain == null ? "" : domain.strip();
    if (domain.length() > 255) {
      throw new AdminRefusal(AdminError.INVALID_PARAMETER, "domain is longer than 255 characters");
    }
    String afterText = single(p, "after");
    QueueId after = null;
    if (afterText != null) {
      after = QueueId.parseOrNull(afterText);
      if (after == null) {
        throw new AdminRefusal(
            AdminError.INVALID_PARAMETER, "after must be a queue id, got '" + afterText + "'");
      }
    }
    int limit = limit(single(p, "limit"));
    Spool spool = view.spool();
    List<SpoolEntry> page = spool.list(new SpoolFilter(states, domain, null), after, limit);
    ObjectNode root = F.objectNode();
    ArrayNode arr = root.putArray("messages");
    for (SpoolEntry e : page) {
      arr.add(AdminJson.entry(e, spool.buckets(), null));
    }
    root.put("next", page.size() == limit ? page.get(page.size() - 1).id().value() : null);
    return AdminResponse.json(200, root);
  }

  private static SpoolState state(String s) {
    try {
      return SpoolState.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new AdminRefusal(
          AdminError.INVALID_PARAMETER,
          "state must be queued, active, deferred or failed, got '" + s + "'");
    }
  }

  private static int limit(String s) {
    if (s == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(s.strip());
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new AdminRefusal(
        AdminError.INVALID_PARAMETER, "limit must be 1.." + MAX_LIMIT + ", got '" + s + "'");
  }

  private AdminResponse show(QueueId id, Map<String, List<String>> p) {
    String part = part(single(p, "content"));
    long max = max(single(p, "max"));
    Spool spool = view.spool();
    var history = view.feedback().map(f -> new FeedbackApi(f).history(id.value()));
    var found = spool.find(id);
    if (found.isEmpty()) {
      // Delivered (or deleted) messages leave the spool; their history stays for a while.
      if (history.isEmpty() || history.get().isEmpty()) {
        throw noSuchMessage(id);
      }
      ObjectNode gone = F.objectNode().put("id", id.value()).put("inSpool", false);
      gone.set("history", history.get());
      return AdminResponse.json(200, gone);
    }
    SpoolEntry e = found.get();
    MessageText text = null;
    if (part != null) {
      byte[] body = spool.content(id).orElseThrow(() -> noSuchMessage(id));
      text = MessageText.of(body, part.equals("headers"), max);
    }
    ObjectNode entry = AdminJson.entry(e, spool.buckets(), text);
    history.ifPresent(
        h -> {
          entry.put("inSpool", true);
          entry.set("history", h);
        });
    return AdminResponse.json(200, entry);
  }

  /** Which part of the content to add: null (none), "headers" or "whole". */
  private static String part(String s) {
    if (s == null) {
      return null;
    }
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes", "" -> "whole";
      case "headers" -> "headers";
      case "0", "false", "no" -> null;
      default ->
          throw new AdminRefusal(
              AdminError.INVALID_PARAMETER, "content must be 1, headers or 0, got '" + s + "'");
    };
  }

  /** The most content octets to answer with; -1 (no limit) when absent. */
  private static long max(String s) {
    if (s == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(s.strip());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new AdminRefusal(
        AdminError.INVALID_PARAMETER, "max must be a number of octets >= 0, got '" + s + "'");
  }

  private AdminResponse retry(QueueId id) {
    Spool spool = view.spool();
    SpoolEntry before = spool.find(id).orElseThrow(() -> noSuchMessage(id));
    if (before.state() == SpoolState.ACTIVE || !await(spool.retryNow(id, now()))) {
      // Absent or being delivered now (possibly since the find above).
      SpoolEntry e = spool.find(id).orElseThrow(() -> noSuchMessage(id));
      throw new AdminRefusal(
          AdminError.MESSAGE_ACTIVE,
          "Message " + id + " is being delivered now (state " + lower(e.state()) + ")");
    }
    ObjectNode root = F.objectNode();
    root.put("retried", id.value());
    spool
        .find(id)
        .ifPresentOrElse(
            e -> root.set("message", AdminJson.entry(e, spool.buckets(), null)),
            () -> root.putNull("message"));
    return AdminResponse.json(200, root);
  }

  private AdminResponse delete(QueueId id) {
    Spool spool = view.spool();
    SpoolEntry before = spool.find(id).orElseThrow(() -> noSuchMessage(id));
    if (!await(spool.delete(id))) {
      throw noSuchMessage(id);
    }
    ObjectNode root = F.objectNode();
    root.put("deleted", id.value());
    root.put("state", lower(before.state()));
    return AdminResponse.json(200, root);
  }

  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  private static String lower(SpoolState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static AdminRefusal noSuchMessage(QueueId id) {
    return new AdminRefusal(AdminError.NO_SUCH_MESSAGE, "The spool holds no message " + id);
  }

  /** Waits for a spool change to be durable, for a bounded time. */
  private static boolean await(CompletableFuture<Boolean> change) {
    try {
      return change.get(SPOOL_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpoolException("interrupted while waiting for the spool", e);
    } catch (TimeoutException e) {
      throw new SpoolException(
          "the spool did not confirm the change in " + SPOOL_WAIT_SECONDS + " s");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof SpoolException s ? s : new SpoolException(String.valueOf(c), c);
    }
  }
}
