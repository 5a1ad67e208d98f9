package dev.sluice.app.admin;

import dev.sluice.ingress.http.HttpObserver;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.SmtpObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of the relay's two doors, fed by the SMTP server's observer ({@link #smtp()}) and the
 * HTTP submit API's ({@link #http()}).
 *
 * <h2>Meters (Prometheus names)</h2>
 *
 * <pre>
 * sluice_smtp_sessions_open                    SMTP sessions open now
 * sluice_smtp_sessions_total                   SMTP sessions opened
 * sluice_smtp_commands_accepted_total{verb}    commands answered 2xx (DATA and BDAT: the message
 *                                              or chunk taken)
 * sluice_smtp_messages_accepted_total          messages taken (2xx at the end of data)
 * sluice_smtp_refusals_total{code,status}      4xx and 5xx replies by reply code and enhanced
 *                                              status ("none" without one), refusals at connect,
 *                                              timeouts and the notice of a stop included
 * sluice_smtp_received_bytes_total             octets read from SMTP clients (after TLS)
 * sluice_http_requests_total{status}           HTTP responses by status code
 * sluice_http_received_bytes_total             octets read from HTTP clients (after TLS)
 * </pre>
 *
 * <p>Tags take only values the doors can produce (their fixed verbs, reply codes and statuses), so
 * a client cannot grow the number of series. Counters for each tag value are made on first use and
 * kept.
 *
 * <p>Thread-safe.
 */
public final class DoorMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger smtpOpen = new AtomicInteger();
  private final Counter smtpSessions;
  private final Counter smtpMessages;
  private final Counter smtpReceived;
  private final Counter httpReceived;
  private final Map<String, Counter> commands = new ConcurrentHashMap<>();
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> responses = new ConcurrentHashMap<>();

  private DoorMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    Gauge.builder("sluice.smtp.sessions.open", smtpOpen, AtomicInteger::get)
        .strongReference(true)
        .description("SMTP sessions open now")
        .register(registry);
    smtpSessions =
        Counter.builder("sluice.smtp.sessions")
            .description("SMTP sessions opened")
            .register(registry);
    smtpMessages =
        Counter.builder("sluice.smtp.messages.accepted")
            .description("Messages taken over SMTP (answered 2xx at the end of data)")
            .register(registry);
    smtpReceived =
        Counter.builder("sluice.smtp.received")
            .description("Octets read from SMTP clients, after TLS")
            .baseUnit("bytes")
            .register(registry);
    httpReceived =
        Counter.builder("sluice.http.received")
            .description("Octets read from HTTP clients, after TLS")
            .baseUnit("bytes")
            .register(registry);
  }

  /** Registers the doors' meters on the registry {@code /metrics} scrapes. */
  public static DoorMetrics register(MeterRegistry registry) {
    return new DoorMetrics(registry);
  }

  /** The SMTP server's observer. */
  public SmtpObserver smtp() {
    return smtp;
  }

  /** The HTTP submit API's observer. */
  public HttpObserver http() {
    return http;
  }

  private final SmtpObserver smtp =
      new SmtpObserver() {
        @Override
        public void sessionOpened() {
          smtpOpen.incrementAndGet();
          smtpSessions.increment();
        }

        @Override
        public void sessionClosed() {
          smtpOpen.decrementAndGet();
        }

        @Override
        public void replied(String verb, Reply reply) {
          if (reply.code() >= 400) {
            refusal(reply.code(), reply.enhanced() == null ? "none" : reply.enhanced()).increment();
          } else if (reply.code() < 300 && !verb.isEmpty()) {
            command(verb).increment();
          }
        }

        @Override
        public void messageAccepted(long octets) {
          smtpMessages.increment();
        }

        @Override
        public void received(long octets) {
          smtpReceived.increment(octets);
        }
      };

  private final HttpObserver http =
      new HttpObserver() {
        @Override
        public void answered(int status) {
          response(status).increment();
        }

        @Override
        public void received(long octets) {
          httpReceived.increment(octets);
        }
      };

  private Counter refusal(int code, String status) {
    return refusals.computeIfAbsent(
        code + " " + status,
        k ->
            Counter.builder("sluice.smtp.refusals")
                .description("SMTP refusals by reply code and enhanced status")
                .tag("code", Integer.toString(code))
                .tag("status", status)
                .register(registry));
  }

  private Counter command(String verb) {
    return commands.computeIfAbsent(
        verb,
        v ->
            Counter.builder("sluice.smtp.commands.accepted")
                .description("SMTP commands answered 2xx, by verb")
                .tag("verb", v)
                .register(registry));
  }

  private Counter response(int status) {
    return responses.computeIfAbsent(
        status,
        s ->
            Counter.builder("sluice.http.requests")
                .description("HTTP submit API responses by status code")
                .tag("status", Integer.toString(s))
                .register(registry));
  }
}
