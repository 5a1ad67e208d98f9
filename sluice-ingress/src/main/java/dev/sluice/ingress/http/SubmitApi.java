package dev.sluice.ingress.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.Submission;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.ingress.AcceptListener;
import dev.sluice.ingress.Accepted;
import dev.sluice.ingress.AccessPolicy;
import dev.sluice.ingress.Admission;
import dev.sluice.ingress.MessageCheck;
import dev.sluice.ingress.RelayHeaderRules;
import dev.sluice.ingress.SesHeaderRules;
import dev.sluice.ingress.Trace;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submit API's decisions for one request, in the order a client meets them: path and method,
 * access, media type, the message itself, back-pressure, then the spool. Answers {@code 202} only
 * when the spool's append future completes, never before; the future is composed, not waited on.
 *
 * <p><b>Suppressed recipients.</b> Envelope recipients on the relay's suppression list are dropped
 * before the message is spooled, so they never reach SES nor spend rate or quota; the {@code 202}
 * lists them under {@code suppressed} (each with its address, reason, the time it was listed and
 * the words the SMTP door would refuse it with; in a batch, with the message's index), and the
 * {@link AcceptListener} is told of them, so the message's history and the event stream show each
 * one as {@code suppressed}. The message's header fields are left as written. A message whose every
 * recipient is suppressed is refused with {@code 400 recipient_suppressed} (in a batch, the whole
 * batch, as for any refused message).
 *
 * <p>Runs on a worker thread, not an event loop: checking a password costs a slow key derivation
 * the first time, and a large message takes a while to read and build.
 *
 * <p>Thread-safe: one instance serves every connection.
 */
final class SubmitApi {
  private static final Logger log = LoggerFactory.getLogger(SubmitApi.class);

  /** What {@code Retry-After} says after back-pressure or a spool failure, in seconds. */
  static final int RETRY_AFTER_SECONDS = 30;

  static final String MESSAGES = "/v1/messages";
  static final String BATCH = "/v1/messages/batch";
  static final String HEALTH = "/health";

  private static final String RAW = "message/rfc822";
  private static final String JSON = "application/json";
  private static final Map<String, String> RETRY =
      Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));

  private final HttpIngressSettings settings;
  private final Spool spool;
  private final HttpAccess access;
  private final Admission admission;
  private final Clock clock;
  private final AcceptListener listener;
  private final JsonSubmission json;
  private final MimeComposer composer;
  private final SesHeaderRules sesHeaders;
  private final RelayHeaderRules relayHeaders;
  private final Suppressions suppressions;

  SubmitApi(
      HttpIngressSettings settings,
      Spool spool,
      AccessPolicy access,
      Admission admission,
      Clock clock,
      AcceptListener listener,
      SesHeaderRules sesHeaders,
      RelayHeaderRules relayHeaders,
      Suppressions suppressions) {
    this.listener = listener;
    this.sesHeaders = sesHeaders;
    this.relayHeaders = relayHeaders;
    this.suppressions = suppressions;
    this.settings = settings;
    this.spool = spool;
    this.access = new HttpAccess(access, settings.basicAuthWithoutTlsOnLoopback());
    this.admission = admission;
    this.clock = clock;
    this.json = new JsonSubmission(settings.maxRequestSize().bytes(), settings.maxRecipients());
    this.composer = new MimeComposer(settings.hostname());
  }

  /**
   * A message checked and ready for the spool, without its trace field, the configuration set its
   * header names (or empty; see {@link Accepted#configurationSet}), and the recipients dropped from
   * its envelope because they are suppressed.
   */
  private record Prepared(
      Envelope envelope, byte[] message, String set, List<Suppression> suppressed) {
    Prepared(Envelope envelope, byte[] message, String set) {
      this(envelope, message, set, List.of());
    }
  }

  /** Answers one request; the future never completes exceptionally. */
  CompletableFuture<ApiResponse> handle(SubmitRequest r) {
    try {
      return route(r);
    } catch (Refusal e) {
      return CompletableFuture.completedFuture(ApiResponse.error(e));
    } catch (SpoolException e) {
      return CompletableFuture.completedFuture(notStored(e)); // e.g. reading its size for admission
    } catch (RuntimeException e) {
      log.error("{} {} from {} failed", r.method(), r.uri(), r.client().getHostAddress(), e);
      return CompletableFuture.completedFuture(internalError());
    }
  }

  private CompletableFuture<ApiResponse> route(SubmitRequest r) {
    QueryStringDecoder uri =
        new QueryStringDecoder(r.uri(), StandardCharsets.UTF_8, true, settings.maxRecipients() + 2);
    String path = uri.rawPath();
    switch (path) {
      case HEALTH -> {
        method(r, "GET");
        return CompletableFuture.completedFuture(ApiResponse.json(200, Map.of("status", "ok")));
      }
      case MESSAGES -> {
        method(r, "POST");
        return submitOne(r, uri);
      }
      case BATCH -> {
        method(r, "POST");
        return submitBatch(r, uri);
      }
      default -> throw new Refusal(ErrorCode.NOT_FOUND, "No such path: " + Mailbox.shorten(path));
    }
  }

  private CompletableFuture<ApiResponse> submitOne(SubmitRequest r, QueryStringDecoder uri) {
    Optional<String> user = access.authorize(r);
    Instant now = Instant.ofEpochMilli(clock.millis());
    Prepared given =
        switch (mediaType(r.contentType())) {
          case RAW -> raw(r, uri);
          case JSON -> {
            noParameters(uri);
            yield composed(json.message(json.readObject(r.body())), now);
          }
          default -> throw unsupported(r.contentType(), RAW + " or " + JSON);
        };
    Prepared p = unsuppressed(given);
    admit(p.message().length);
    return spool
        .appendEntries(List.of(submission(p, r, user, now)))
        .handle(
            (stored, failure) -> {
              if (failure != null) {
                return notStored(failure);
              }
              QueueId id = stored.get(0).id();
              listener.accepted(List.of(new Accepted(stored.get(0), p.set())));
              if (!p.suppressed().isEmpty()) {
                listener.suppressed(id, p.suppressed());
              }
              Map<String, Object> body = new java.util.LinkedHashMap<>();
              body.put("id", id.value());
              if (!p.suppressed().isEmpty()) {
                body.put("suppressed", p.suppressed().stream().map(s -> shown(s, -1)).toList());
              }
              return ApiResponse.json(202, body);
            });
  }

  private CompletableFuture<ApiResponse> submitBatch(SubmitRequest r, QueryStringDecoder uri) {
    Optional<String> user = access.authorize(r);
    if (!mediaType(r.contentType()).equals(JSON)) {
      throw unsupported(r.contentType(), JSON);
    }
    noParameters(uri);
    JsonNode root = json.readObject(r.body());
    JsonSubmission.onlyFields(root, Set.of("messages"));
    JsonNode list = root.get("messages");
    if (list == null || list.isNull()) {
      throw new Refusal(ErrorCode.MISSING_FIELD, "'messages' is required");
    }
    if (!list.isArray() || list.isEmpty()) {
      throw new Refusal(
          ErrorCode.INVALID_FIELD, "'messages' must be a list of at least one message");
    }
    if (list.size() > settings.maxBatch()) {
      throw new Refusal(
          ErrorCode.TOO_MANY_MESSAGES,
          list.size() + " messages, more than the limit of " + settings.maxBatch() + " per batch");
    }
    Instant now = Instant.ofEpochMilli(clock.millis());
    List<Prepared> prepared = new ArrayList<>(list.size());
    long bytes = 0;
    for (int i = 0; i < list.size(); i++) {
      try {
        Prepared p = unsuppressed(composed(json.message(list.get(i)), now));
        prepared.add(p);
        bytes += p.message().length;
      } catch (Refusal e) {
        throw e.at(i);
      }
    }
    admit(bytes);
    List<Submission> submissions = new ArrayList<>(prepared.size());
    for (Prepared p : prepared) {
      submissions.add(submission(p, r, user, now));
    }
    return spool
        .appendEntries(submissions)
        .handle(
            (stored, failure) -> {
              if (failure != null) {
                return notStored(failure);
              }
              List<QueueId> ids = new ArrayList<>(stored.size());
              List<Accepted> accepted = new ArrayList<>(stored.size());
              for (int i = 0; i < stored.size(); i++) {
                ids.add(stored.get(i).id());
                accepted.add(new Accepted(stored.get(i), prepared.get(i).set()));
              }
              listener.accepted(accepted);
              for (int i = 0; i < prepared.size(); i++) {
                if (!prepared.get(i).suppressed().isEmpty()) {
                  listener.suppressed(ids.get(i), prepared.get(i).suppressed());
                }
              }
              Map<String, Object> body = new java.util.LinkedHashMap<>();
              body.put("ids", ids.stream().map(QueueId::value).toList());
              List<Map<String, Object>> dropped = new ArrayList<>();
              for (int i = 0; i < prepared.size(); i++) {
                for (Suppression s : prepared.get(i).suppressed()) {
                  dropped.add(shown(s, i));
                }
              }
              if (!dropped.isEmpty()) {
                body.put("suppressed", dropped);
              }
              return ApiResponse.json(202, body);
            });
  }

  /** The raw form: the body is the message, the envelope is in the query string. */
  private Prepared raw(SubmitRequest r, QueryStringDecoder uri) {
    Map<String, List<String>> params = parameters(uri);
    for (String name : params.keySet()) {
      if (!name.equals("from") && !name.equals("to")) {
        throw new Refusal(
            ErrorCode.UNKNOWN_FIELD,
            "Unknown query parameter '" + Mailbox.shorten(name) + "' (only 'from' and 'to')");
      }
    }
    List<String> from = params.get("from");
    if (from == null) {
      throw new Refusal(
          ErrorCode.MISSING_FIELD,
          "Query parameter 'from' is required (the envelope sender; empty for the null sender)");
    }
    if (from.size() > 1) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "Query parameter 'from' appears more than once");
    }
    String sender = from.get(0).isEmpty() ? "" : Mailbox.address(from.get(0));
    List<String> to = params.getOrDefault("to", List.of());
    if (to.isEmpty()) {
      throw new Refusal(
          ErrorCode.MISSING_FIELD, "Query parameter 'to' is required, once per recipient");
    }
    Set<String> recipients = new LinkedHashSet<>();
    for (String t : to) {
      recipients.add(Mailbox.address(t));
    }
    recipientLimit(recipients.size());
    byte[] message = RawMessage.canonical(r.body(), settings.maxMessageSize().bytes());
    String set = controlHeaders(message);
    return new Prepared(new Envelope(sender, List.copyOf(recipients)), message, set);
  }

  private Prepared composed(MessageSpec m, Instant now) {
    byte[] content = composer.compose(m, now).content();
    if (content.length > settings.maxMessageSize().bytes()) {
      throw new Refusal(
          ErrorCode.MESSAGE_TOO_LARGE,
          "The message as built is "
              + content.length
              + " octets, larger than the limit of "
              + settings.maxMessageSize().bytes());
    }
    String set = controlHeaders(content);
    return new Prepared(m.envelope(), content, set);
  }

  /**
   * Refuses, with the SMTP door's words, what {@link SesHeaderRules} and {@link RelayHeaderRules}
   * find in a message.
   *
   * @return the configuration set the message names, or empty ({@link Accepted#configurationSet})
   */
  private String controlHeaders(byte[] message) {
    // One reading of the header section for both sets of control-header rules and the listener.
    List<HeaderSection.Field> fields = HeaderSection.fields(message);
    Optional<MessageCheck.Refusal> refused = sesHeaders.check(fields);
    if (refused.isEmpty()) {
      refused = relayHeaders.check(fields);
    }
    if (refused.isPresent()) {
      throw new Refusal(
          switch (refused.get().problem()) {
            case ROUTE_HEADER -> ErrorCode.UNKNOWN_ROUTE;
            case CLASS_HEADER -> ErrorCode.UNKNOWN_CLASS;
            default -> ErrorCode.INVALID_MESSAGE;
          },
          refused.get().text());
    }
    return Accepted.configurationSet(fields);
  }

  /**
   * The message without its suppressed recipients.
   *
   * @throws Refusal if every recipient is suppressed
   */
  private Prepared unsuppressed(Prepared p) {
    List<String> kept = new ArrayList<>();
    List<Suppression> dropped = new ArrayList<>();
    List<String> words = new ArrayList<>();
    for (String rcpt : p.envelope().recipients()) {
      Optional<Suppression> s = suppressions.find(rcpt);
      if (s.isPresent()) {
        dropped.add(s.get());
        words.add(s.get().refusal(rcpt));
      } else {
        kept.add(rcpt);
      }
    }
    if (dropped.isEmpty()) {
      return p;
    }
    if (kept.isEmpty()) {
      throw new Refusal(ErrorCode.RECIPIENT_SUPPRESSED, "5.1.1 " + String.join("; ", words));
    }
    return new Prepared(new Envelope(p.envelope().from(), kept), p.message(), p.set(), dropped);
  }

  /** A dropped recipient as the response shows it. */
  private static Map<String, Object> shown(Suppression s, int index) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    if (index >= 0) {
      m.put("index", index);
    }
    m.put("address", s.address());
    m.put("reason", s.reason().name());
    m.put("since", s.time().toString());
    m.put("message", "5.1.1 " + s.refusal(s.address()));
    return m;
  }

  private Submission submission(Prepared p, SubmitRequest r, Optional<String> user, Instant now) {
    String received =
        Trace.received(
            Trace.addressLiteral(r.client()),
            r.client(),
            settings.hostname(),
            r.tls() ? "HTTPS" : "HTTP",
            p.envelope().recipients(),
            now);
    return new Submission(
        p.envelope(),
        Trace.prepend(received, p.message()),
        now,
        Trace.origin("http", r.client(), user, r.tls()));
  }

  private void recipientLimit(int count) {
    if (count > settings.maxRecipients()) {
      throw new Refusal(
          ErrorCode.TOO_MANY_RECIPIENTS,
          count + " recipients, more than the limit of " + settings.maxRecipients());
    }
  }

  private void admit(long bytes) {
    String wait = admission.refusal(bytes);
    if (wait != null) {
      throw new Refusal(ErrorCode.QUEUE_FULL, wait, RETRY);
    }
  }

  private ApiResponse notStored(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof SpoolException) {
      log.warn("HTTP submission not stored: {}", cause.getMessage());
      return ApiResponse.error(
          new Refusal(
              ErrorCode.NOT_STORED, "Message not stored (local error), try again later", RETRY));
    }
    log.error("HTTP submission: spool append failed", cause);
    return internalError();
  }

  private static ApiResponse internalError() {
    return ApiResponse.error(
        new Refusal(ErrorCode.INTERNAL_ERROR, "Internal error; nothing was stored"));
  }

  private static void method(SubmitRequest r, String allowed) {
    if (!r.method().equals(allowed)) {
      throw new Refusal(
          ErrorCode.METHOD_NOT_ALLOWED,
          Mailbox.shorten(r.method()) + " is not allowed here; use " + allowed,
          Map.of("Allow", allowed));
    }
  }

  private static Map<String, List<String>> parameters(QueryStringDecoder uri) {
    try {
      return uri.parameters();
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "Malformed query string: " + e.getMessage());
    }
  }

  private static void noParameters(QueryStringDecoder uri) {
    Set<String> names = parameters(uri).keySet();
    if (!names.isEmpty()) {
      throw new Refusal(
          ErrorCode.UNKNOWN_FIELD,
          "Unknown query parameter '"
              + Mailbox.shorten(names.iterator().next())
              + "' (the JSON body says it all)");
    }
  }

  /**
   * The media type of a {@code Content-Type} value, lower case, without parameters; JSON in any
   * charset but UTF-8 (RFC 8259 §8.1) gives an unknown type.
   */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    String media =
        (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    if (semi >= 0 && media.equals(JSON) && !utf8(contentType.substring(semi + 1))) {
      return "";
    }
    return media;
  }

  private static boolean utf8(String parameters) {
    for (String p : parameters.split(";")) {
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("charset")) {
        String v = p.substring(eq + 1).strip().replace("\"", "");
        return v.equalsIgnoreCase("utf-8") || v.equalsIgnoreCase("utf8");
      }
    }
    return true;
  }

  private static Refusal unsupported(String contentType, String expected) {
    String given = contentType == null ? "none" : Mailbox.shorten(contentType);
    return new Refusal(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Content-Type must be " + expected + " (UTF-8 for JSON); got " + given);
  }
}
