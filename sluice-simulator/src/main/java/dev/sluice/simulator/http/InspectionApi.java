package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.simulator.FaultSettings;
import dev.sluice.simulator.MessageTrail;
import dev.sluice.simulator.QuotaLedger;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.mime.EncodedWords;
import dev.sluice.simulator.mime.MimeReader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The simulator's own endpoints, outside the SES API: recent messages, per-address counters, quota
 * state, reset, runtime quota and fault changes, health and Prometheus metrics. None of them is
 * subject to injected latency or faults.
 *
 * <pre>
 * GET  /_sluice/messages[?limit=N&amp;to=ADDR&amp;from=ADDR&amp;via=v2|v1|smtp]   newest first
 * GET  /_sluice/messages[?q=TEXT]                                    sender, recipient or subject contains
 * GET  /_sluice/messages/{messageId}[?content=false]                 one message, content as text
 * GET  /_sluice/messages/{messageId}/raw                             the content as sent
 * GET  /_sluice/messages/{messageId}/parts                           headers, text, HTML, attachments
 * GET  /_sluice/inbox                                                the inbox page, for people
 * GET  /_sluice/counters                                             recipients per address
 * GET  /_sluice/quota                                                limits and usage
 * PUT  /_sluice/quota?max-send-rate=R&amp;max-24h-send=N&amp;sending-enabled=B   change limits while running
 * GET  /_sluice/faults                                               latency and faults per interface
 * PUT  /_sluice/faults?v2-fault-rate=503:1&amp;latency=50ms&amp;…              change them while running
 * DELETE /_sluice/faults                                             back to the start-up settings
 * POST /_sluice/reset                                                forget messages, counters, usage
 * GET  /health                                                       200 "ok"
 * GET  /metrics                                                      Prometheus text format
 * </pre>
 *
 * <p>Thread-safe.
 */
final class InspectionApi {
  static final String PREFIX = "/_sluice/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LIMIT = 10_000;

  /** The most octets of a text or HTML body that {@code /parts} decodes. */
  static final int MAX_BODY_OCTETS = 2 * 1024 * 1024;

  private final SimulatorCore core;
  private final PrometheusMeterRegistry registry;
  private final FaultsApi faults;

  InspectionApi(SimulatorCore core, FaultSettings faults, PrometheusMeterRegistry registry) {
    this.core = core;
    this.registry = registry;
    this.faults = new FaultsApi(faults);
  }

  static boolean owns(String path) {
    return path.startsWith(PREFIX) || path.equals("/metrics") || path.equals("/health");
  }

  ApiResponse handle(String method, String path, QueryForm query) {
    try {
      return route(method, path, query);
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
  }

  private ApiResponse route(String method, String path, QueryForm query) {
    if (path.equals("/health")) {
      return ApiResponse.text(200, "text/plain; charset=utf-8", "ok\n");
    }
    if (path.equals("/metrics")) {
      return ApiResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }
    String rest = path.substring(PREFIX.length());
    switch (method + " " + rest) {
      case "GET messages":
        return messages(query);
      case "GET counters":
        {
          ObjectNode o = JSON.createObjectNode();
          o.put("messages", core.inbox().total());
          ObjectNode r = o.putObject("recipients");
          core.inbox().counters().forEach(r::put);
          return ApiResponse.json(200, o.toString());
        }
      case "GET quota":
        return quota();
      case "PUT quota", "POST quota":
        {
          QuotaLedger l = core.ledger();
          double rate =
              query.get("max-send-rate") == null
                  ? l.maxSendRate()
                  : rate(query.get("max-send-rate"));
          double daily =
              query.get("max-24h-send") == null
                  ? l.max24HourSend()
                  : count(query.get("max-24h-send"));
          String enabled = query.get("sending-enabled");
          if (enabled != null && !enabled.equals("true") && !enabled.equals("false")) {
            throw new IllegalArgumentException(
                "sending-enabled must be true or false, got '" + enabled + "'");
          }
          l.configure(rate, daily, core.config().account().burst().toNanos() / 1e9);
          if (enabled != null) {
            // As PutAccountSendingAttributes does: sends are refused with SendingPausedException.
            core.sendingEnabled(Boolean.parseBoolean(enabled));
          }
          return quota();
        }
      case "GET faults":
        return faults.get();
      case "PUT faults", "POST faults":
        return faults.put(query);
      case "DELETE faults":
        return faults.delete();
      case "POST reset":
        core.reset();
        return ApiResponse.empty(204);
      default:
        break;
    }
    if (method.equals("POST") && rest.startsWith("identities/") && rest.endsWith("/verify")) {
      String name = rest.substring("identities/".length(), rest.length() - "/verify".length());
      return core.identities().update(name, i -> i.withVerified(true))
          ? ApiResponse.empty(204)
          : error(404, "no identity " + name);
    }
    if (method.equals("GET") && rest.startsWith("messages/")) {
      String id = rest.substring("messages/".length());
      int slash = id.indexOf('/');
      String view = slash < 0 ? "" : id.substring(slash + 1);
      id = slash < 0 ? id : id.substring(0, slash);
      ReceivedMessage m = core.inbox().find(id);
      if (m == null || !(view.isEmpty() || view.equals("raw") || view.equals("parts"))) {
        return m == null
            ? error(404, "no message " + id + " is kept (it may have been evicted from the ring)")
            : error(404, "unknown inspection endpoint " + method + " " + path);
      }
      if (!view.isEmpty() && m.content() == null) {
        return error(410, "the content of " + id + " was dropped to stay within inbox-bytes");
      }
      return switch (view) {
        case "raw" ->
            // A browser opening it gets it as a file, never as a page that could run something.
            InboxPage.noSniff(
                new ApiResponse(200, "message/rfc822", new java.util.LinkedHashMap<>(), m.content())
                    .header("Content-Security-Policy", "sandbox"));
        case "parts" -> ApiResponse.json(200, parts(m).toString());
        default ->
            ApiResponse.json(200, describe(m, !"false".equals(query.get("content"))).toString());
      };
    }
    if (method.equals("GET") && (rest.equals("inbox") || rest.equals("inbox/"))) {
      return InboxPage.page();
    }
    return error(404, "unknown inspection endpoint " + method + " " + path);
  }

  private static double rate(String s) {
    return s.equalsIgnoreCase("unlimited") || s.equals("-1")
        ? -1
        : dev.sluice.core.Rate.parse(s).perSecond();
  }

  private static double count(String s) {
    if (s.equalsIgnoreCase("unlimited") || s.equals("-1")) {
      return -1;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a count or unlimited, got '" + s + "'", e);
    }
  }

  private ApiResponse quota() {
    QuotaLedger l = core.ledger();
    ObjectNode o = JSON.createObjectNode();
    o.put("MaxSendRate", l.maxSendRate());
    o.put("Max24HourSend", l.max24HourSend());
    o.put("SentLast24Hours", (double) l.sentLast24Hours());
    o.put("tokens", l.tokens());
    o.put("sendingEnabled", core.sendingEnabled());
    o.put("sandbox", core.config().account().sandbox());
    return ApiResponse.json(200, o.toString());
  }

  private ApiResponse messages(QueryForm q) {
    int limit = q.get("limit") == null ? 100 : Integer.parseInt(q.get("limit"));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }
    Predicate<ReceivedMessage> filter = m -> true;
    String to = q.get("to");
    if (to != null) {
      String t = to.toLowerCase(Locale.ROOT);
      filter =
          filter.and(
              m -> m.recipients().stream().anyMatch(r -> r.toLowerCase(Locale.ROOT).equals(t)));
    }
    String from = q.get("from");
    if (from != null) {
      filter = filter.and(m -> m.from().equalsIgnoreCase(from));
    }
    String via = q.get("via");
    if (via != null) {
      filter = filter.and(m -> m.via().key().equals(via.toLowerCase(Locale.ROOT)));
    }
    String search = q.get("q");
    if (search != null && !search.isBlank()) {
      filter = filter.and(matching(search.strip().toLowerCase(Locale.ROOT)));
    }
    boolean content = "true".equals(q.get("content"));
    ObjectNode o = JSON.createObjectNode();
    ArrayNode arr = o.putArray("messages");
    for (ReceivedMessage m : core.inbox().recent(limit, filter)) {
      arr.add(describe(m, content));
    }
    o.put("kept", core.inbox().size());
    o.put("total", core.inbox().total());
    return ApiResponse.json(200, o.toString());
  }

  /** Messages whose sender, a recipient or subject contains {@code needle} (lower case). */
  private static Predicate<ReceivedMessage> matching(String needle) {
    return m ->
        m.from().toLowerCase(Locale.ROOT).contains(needle)
            || m.recipients().stream().anyMatch(r -> r.toLowerCase(Locale.ROOT).contains(needle))
            || (m.subject() != null
                && EncodedWords.decode(m.subject()).toLowerCase(Locale.ROOT).contains(needle));
  }

  private static ObjectNode describe(ReceivedMessage m, boolean content) {
    ObjectNode n = JSON.createObjectNode();
    n.put("messageId", m.messageId());
    n.put("timestamp", Instant.ofEpochMilli(m.timestampMillis()).toString());
    n.put("via", m.via().key());
    n.put("operation", m.operation());
    n.put("accessKeyId", m.accessKeyId());
    n.put("from", m.from());
    ArrayNode r = n.putArray("recipients");
    m.recipients().forEach(r::add);
    // Shown as a mail client shows it: encoded words (RFC 2047) decoded.
    n.put("subject", EncodedWords.decode(m.subject()));
    n.put("size", m.size());
    n.put("configurationSet", m.configurationSet());
    ObjectNode tags = n.putObject("tags");
    m.tags().forEach(t -> tags.put(t.name(), t.value()));
    ArrayNode events = n.putArray("events");
    for (MessageTrail.Entry e : m.trail().entries()) {
      events
          .addObject()
          .put("at", Instant.ofEpochMilli(e.atMillis()).toString())
          .put("type", e.kind())
          .put("recipient", e.recipient())
          .put("detail", e.detail());
    }
    if (content) {
      n.put(
          "content", m.content() == null ? null : new String(m.content(), StandardCharsets.UTF_8));
    }
    return n;
  }

  /** A message as a person reads it: {@link MimeReader}'s view, bodies bounded. */
  private static ObjectNode parts(ReceivedMessage m) {
    MimeReader.View v = MimeReader.read(m.content(), MAX_BODY_OCTETS);
    ObjectNode o = JSON.createObjectNode();
    o.set("message", describe(m, false));
    ArrayNode headers = o.putArray("headers");
    v.headers().forEach(h -> headers.addObject().put("name", h.name()).put("value", h.value()));
    o.put("text", v.text());
    o.put("textTruncated", v.textTruncated());
    o.put("html", v.html());
    o.put("htmlTruncated", v.htmlTruncated());
    ArrayNode attachments = o.putArray("attachments");
    for (MimeReader.Attachment a : v.attachments()) {
      attachments
          .addObject()
          .put("contentType", a.contentType())
          .put("filename", a.filename())
          .put("size", a.size());
    }
    o.put("bodyLimit", MAX_BODY_OCTETS);
    return o;
  }

  private static ApiResponse error(int status, String message) {
    return ApiResponse.json(status, JSON.createObjectNode().put("error", message).toString());
  }
}
