package dev.sluice.feedback.intake;

import dev.sluice.core.Clock;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.SesEventRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes SNS messages carrying SES events, whatever brought them (an HTTP POST from SNS, an SQS
 * message): checks them ({@link SnsVerifier}), confirms subscriptions to listed topics, reads each
 * notification's SES event ({@link SesEventParser}) and hands it to the {@link SesEventRecorder}.
 * The answer says whether to acknowledge; it is an acknowledgement only once the recorder returned.
 *
 * <h2>Design note</h2>
 *
 * <p>The event's id is the SNS MessageId, which SNS keeps on every retry, so a retried or replayed
 * notification is recorded once and acknowledged each time. A subscription is confirmed by a GET of
 * its SubscribeURL, which the verifier has checked to be on the signing certificate's (SNS's or a
 * trusted) host, and only for a listed topic. An UnsubscribeConfirmation is acknowledged and
 * logged, not acted on: re-subscribing is the operator's decision.
 *
 * <p>Thread-safe; calls block (certificate fetch, confirmation, recorder), so callers run them off
 * any event loop.
 */
public final class SnsIntake implements AutoCloseable {
  /**
   * The largest body taken: SNS's 256 KB message limit, JSON-escaped inside the envelope (escaping
   * can double it, more for control characters), plus the envelope.
   */
  public static final int MAX_BODY = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(SnsIntake.class);
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
  private static final int CERTIFICATES_KEPT = 32;

  private final HttpClient http;
  private final SnsVerifier verifier;
  private final SesEventRecorder recorder;
  private final IntakeMetrics metrics;
  private final MeterRegistry registry;

  /**
   * An intake.
   *
   * @param tls what certificate fetches and confirmations trust; null for the JDK's CAs
   * @param registry where {@code sluice.feedback.*} counters go
   */
  public SnsIntake(
      SnsTrust trust,
      SSLContext tls,
      SesEventRecorder recorder,
      MeterRegistry registry,
      Clock clock) {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(clock, "clock");
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(CONFIRM_TIMEOUT);
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
    this.verifier =
        new SnsVerifier(trust, new SigningCertificates(http, clock, CERTIFICATES_KEPT), clock);
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.metrics = new IntakeMetrics(registry, "sns");
  }

  /**
   * Takes one message POSTed by SNS.
   *
   * @param messageType the {@code x-amz-sns-message-type} header, which must match the body's Type
   * @param body the request body
   */
  public IntakeOutcome accept(String messageType, String body) {
    metrics.received();
    IntakeOutcome o;
    try {
      if (body.length() > MAX_BODY) {
        throw new SnsRefusal(SnsRefusal.Reason.TOO_LARGE, body.length() + " characters");
      }
      SnsEnvelope e = SnsEnvelope.parse(body);
      if (messageType == null || !messageType.equals(e.type())) {
        throw new SnsRefusal(
            SnsRefusal.Reason.MALFORMED, "x-amz-sns-message-type does not match the body's Type");
      }
      o = envelope(e);
    } catch (SnsRefusal r) {
      o = IntakeOutcome.refused(r);
    }
    return counted(o, "sns");
  }

  /** Counts a body refused for its size before it was read (the HTTP endpoint's cap). */
  void tooLarge() {
    metrics.received();
    counted(
        IntakeOutcome.refused(new SnsRefusal(SnsRefusal.Reason.TOO_LARGE, "body over the cap")),
        "sns");
  }

  /** Metrics for another source of the same messages (the SQS reader). */
  IntakeMetrics metrics(String source) {
    return new IntakeMetrics(registry, source);
  }

  /** Checks an SNS message and acts on it by type. */
  IntakeOutcome envelope(SnsEnvelope e) throws SnsRefusal {
    verifier.verify(e);
    return switch (e.type()) {
      case SnsEnvelope.NOTIFICATION -> record(e.messageId(), e.message());
      case SnsEnvelope.SUBSCRIPTION_CONFIRMATION -> confirm(e);
      default -> {
        log.warn(
            "SNS says this endpoint was unsubscribed from {}; not re-subscribing (message {})",
            e.topicArn(),
            e.messageId());
        yield IntakeOutcome.of(IntakeOutcome.Kind.IGNORED, "unsubscribe noted");
      }
    };
  }

  /** Reads an SES event and records it under an id. */
  IntakeOutcome record(String id, String json) throws SnsRefusal {
    Optional<SesEvent> event;
    try {
      event = SesEventParser.parse(id, json);
    } catch (SesEventFormatException f) {
      throw new SnsRefusal(SnsRefusal.Reason.NOT_AN_EVENT, f.getMessage());
    }
    if (event.isEmpty()) {
      return IntakeOutcome.of(IntakeOutcome.Kind.IGNORED, "SES set-up notice");
    }
    try {
      return recorder.record(event.get())
          ? IntakeOutcome.of(IntakeOutcome.Kind.RECORDED, "recorded")
          : IntakeOutcome.of(IntakeOutcome.Kind.DUPLICATE, "recorded before");
    } catch (IOException x) {
      log.warn("SES event {} not recorded, not acknowledged: {}", id, x.toString());
      return IntakeOutcome.of(IntakeOutcome.Kind.FAILED, "not recorded: " + x.getMessage());
    }
  }

  private IntakeOutcome confirm(SnsEnvelope e) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(e.subscribeUrl()))
                  .timeout(CONFIRM_TIMEOUT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 200) {
        log.info("confirmed the SNS subscription to {}", e.topicArn());
        return IntakeOutcome.of(IntakeOutcome.Kind.CONFIRMED, "subscription confirmed");
      }
      log.warn("confirming the SNS subscription to {} answered {}", e.topicArn(), r.statusCode());
      return IntakeOutcome.of(IntakeOutcome.Kind.FAILED, "SubscribeURL answered " + r.statusCode());
    } catch (IOException | IllegalArgumentException x) {
      log.warn("cannot confirm the SNS subscription to {}: {}", e.topicArn(), x.toString());
      return IntakeOutcome.of(IntakeOutcome.Kind.FAILED, "SubscribeURL failed");
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
      return IntakeOutcome.of(IntakeOutcome.Kind.FAILED, "interrupted");
    }
  }

  private IntakeOutcome counted(IntakeOutcome o, String source) {
    metrics.count(o);
    if (o.kind() == IntakeOutcome.Kind.REFUSED) {
      log.warn("SNS message refused ({}): {}", source, o.detail());
    }
    return o;
  }

  @Override
  public void close() {
    http.close();
  }
}
