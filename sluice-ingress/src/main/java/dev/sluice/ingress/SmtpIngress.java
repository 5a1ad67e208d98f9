package dev.sluice.ingress;

import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.Submission;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.smtp.DataResult;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.SessionInfo;
import dev.sluice.smtp.SmtpEnvelope;
import dev.sluice.smtp.SmtpHandler;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's SMTP front door: decides who may send, refuses what SES could not deliver, applies
 * back-pressure, and answers {@code 250} only once the spool has made the message durable.
 *
 * <p>What SES would refuse is refused here, never accepted and failed later: addresses outside
 * {@link dev.sluice.core.address.SesAddressGrammar} at MAIL and RCPT ({@code 553}, by the SMTP
 * session), and messages that {@link MessageCheck} or {@link SesHeaderRules} refuse at the end of
 * data ({@code 550 5.6.0}, the same words as the HTTP door). So are messages whose {@code
 * X-Sluice-Route} or {@code X-Sluice-Class} header names no route or class of the relay ({@link
 * RelayHeaderRules}): the submitter learns of the mistake now, not from mail that went another way.
 * A recipient on the relay's suppression list is refused at RCPT ({@code 550 5.1.1}, naming the
 * reason and the date it was listed), so it never reaches SES nor spends rate or quota; the other
 * recipients of the transaction are taken as usual.
 *
 * <p>The message is stored as received with one {@code Received:} trace field prepended (RFC 5321
 * §4.4). A spool failure is answered {@code 451 4.3.0}: the client keeps the message and retries.
 *
 * <p>Thread-safe: one instance serves every session.
 */
public final class SmtpIngress implements SmtpHandler {
  private static final Logger log = LoggerFactory.getLogger(SmtpIngress.class);

  /** Not allowed to send: neither in the relay networks nor logged in. */
  static final Reply RELAY_DENIED = Reply.of(554, "5.7.1", "Relay access denied");

  private final Spool spool;
  private final AccessPolicy access;
  private final Admission admission;
  private final String hostname;
  private final Clock clock;
  private final AcceptListener listener;
  private final SesHeaderRules sesHeaders;
  private final RelayHeaderRules relayHeaders;
  private final Suppressions suppressions;

  /**
   * @param hostname the name this relay gives itself in trace fields
   */
  public SmtpIngress(
      Spool spool, AccessPolicy access, Admission admission, String hostname, Clock clock) {
    this(spool, access, admission, hostname, clock, AcceptListener.NONE);
  }

  /**
   * @param hostname the name this relay gives itself in trace fields
   * @param listener told of each message made durable
   */
  public SmtpIngress(
      Spool spool,
      AccessPolicy access,
      Admission admission,
      String hostname,
      Clock clock,
      AcceptListener listener) {
    this(
        spool,
        access,
        admission,
        hostname,
        clock,
        listener,
        SesHeaderRules.DEFAULT,
        RelayHeaderRules.ANY,
        Suppressions.none());
  }

  /**
   * @param hostname the name this relay gives itself in trace fields
   * @param listener told of each message made durable
   * @param sesHeaders what is refused in SES's control headers
   * @param relayHeaders the routes and classes the relay's own control headers may name
   * @param suppressions the recipients refused at RCPT
   */
  public SmtpIngress(
      Spool spool,
      AccessPolicy access,
      Admission admission,
      String hostname,
      Clock clock,
      AcceptListener listener,
      SesHeaderRules sesHeaders,
      RelayHeaderRules relayHeaders,
      Suppressions suppressions) {
    this.sesHeaders = Objects.requireNonNull(sesHeaders, "sesHeaders");
    this.relayHeaders = Objects.requireNonNull(relayHeaders, "relayHeaders");
    this.suppressions = Objects.requireNonNull(suppressions, "suppressions");
    this.spool = Objects.requireNonNull(spool, "spool");
    this.access = Objects.requireNonNull(access, "access");
    this.admission = Objects.requireNonNull(admission, "admission");
    this.hostname = Objects.requireNonNull(hostname, "hostname");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public boolean authenticate(SessionInfo session, String mechanism, String user, String password) {
    boolean ok = access.users().verify(user, password);
    if (!ok) {
      log.info(
          "AUTH {} failed for user '{}' from {}",
          mechanism,
          user,
          session.remoteAddress().getAddress().getHostAddress());
    }
    return ok;
  }

  @Override
  public Reply mailFrom(SessionInfo session, String reversePath, Map<String, String> parameters) {
    if (!access.maySend(session.remoteAddress().getAddress(), session.authenticatedUser())) {
      return RELAY_DENIED;
    }
    long declared = parseSize(parameters.get("SIZE"));
    String wait = admission.refusal(declared);
    if (wait != null) {
      return Reply.of(452, "4.3.1", wait);
    }
    return SENDER_OK;
  }

  @Override
  public Reply rcptTo(SessionInfo session, String forwardPath) {
    Optional<Suppression> s = suppressions.find(forwardPath);
    if (s.isPresent()) {
      // RFC 3463 X.1.1: bad destination mailbox address, as SES says of a suppressed one.
      return Reply.of(550, "5.1.1", s.get().refusal(forwardPath));
    }
    return RECIPIENT_OK;
  }

  @Override
  public DataResult data(SessionInfo session, SmtpEnvelope envelope, byte[] message) {
    Optional<MessageCheck.Refusal> refused = MessageCheck.check(message);
    String set = "";
    if (refused.isEmpty()) {
      // One reading of the header section for both sets of control-header rules and the listener.
      List<HeaderSection.Field> fields = HeaderSection.fields(message);
      refused = sesHeaders.check(fields);
      if (refused.isEmpty()) {
        refused = relayHeaders.check(fields);
      }
      set = Accepted.configurationSet(fields);
    }
    if (refused.isPresent()) {
      // RFC 3463 X.6.0: other media error; the same words as the HTTP door's 400.
      return DataResult.respond(Reply.of(550, "5.6.0", refused.get().text()));
    }
    Instant now = Instant.ofEpochMilli(clock.millis());
    byte[] content = Trace.prepend(received(session, envelope, now), message);
    Submission s =
        new Submission(
            new Envelope(envelope.reversePath(), envelope.recipients()),
            content,
            now,
            origin(session));
    try {
      SpoolEntry stored = spool.appendEntries(List.of(s)).get().get(0);
      QueueId id = stored.id();
      listener.accepted(List.of(new Accepted(stored, set)));
      return DataResult.respond(Reply.of(250, "2.0.0", "Ok: queued as " + id));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (!(cause instanceof SpoolException)) {
        log.error("session {}: spool append failed", session.id(), cause);
      } else {
        log.warn("session {}: message not stored: {}", session.id(), cause.getMessage());
      }
      return DataResult.respond(
          Reply.of(451, "4.3.0", "Message not stored (local error), try again later"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // The stop's grace has passed with the spool still busy: the connection is being closed,
      // so the client will retry; a message the spool kept anyway is delivered twice, never lost.
      return DataResult.respond(Reply.of(421, "4.3.2", "Shutting down, try again later"));
    }
  }

  private String received(SessionInfo session, SmtpEnvelope envelope, Instant now) {
    String with =
        "ESMTP"
            + (session.tlsActive() ? "S" : "")
            + (session.authenticatedUser().isPresent() ? "A" : "");
    return Trace.received(
        session.heloName().orElse(null),
        session.remoteAddress().getAddress(),
        hostname,
        with,
        envelope.recipients(),
        now);
  }

  private static String origin(SessionInfo session) {
    return Trace.origin(
        "smtp",
        session.remoteAddress().getAddress(),
        session.authenticatedUser(),
        session.tlsActive());
  }

  private static long parseSize(String size) {
    if (size == null) {
      return 0;
    }
    try {
      return Long.parseLong(size);
    } catch (NumberFormatException e) {
      return 0; // the server has already checked SIZE's syntax
    }
  }
}
