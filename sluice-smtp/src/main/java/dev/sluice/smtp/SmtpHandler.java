package dev.sluice.smtp;

import java.util.Map;

/**
 * What the application decides in an SMTP session: who may log in, which sender and recipients to
 * take, and what to do with a received message. The server does all protocol work (syntax,
 * sequence, limits, TLS) before calling.
 *
 * <p>One handler serves every session, so implementations must be thread-safe. Each call runs on
 * the session's own virtual thread, so it may block or sleep (to inject latency, or to wait for a
 * durable write) without holding up other sessions. A call that throws is logged and answered with
 * {@link ServerReply#LOCAL_ERROR} (or {@link ServerReply#AUTH_TEMPORARY_FAILURE}).
 */
public interface SmtpHandler {
  /** The reply to an accepted MAIL FROM. */
  Reply SENDER_OK = Reply.of(250, "2.1.0", "Ok");

  /** The reply to an accepted RCPT TO. */
  Reply RECIPIENT_OK = Reply.of(250, "2.1.5", "Ok");

  /**
   * Checks credentials from AUTH PLAIN or AUTH LOGIN; by default nobody gets in.
   *
   * @param mechanism {@code PLAIN} or {@code LOGIN}
   */
  default boolean authenticate(
      SessionInfo session, String mechanism, String user, String password) {
    return false;
  }

  /**
   * Decides on the sender of a new transaction; a 2xx reply starts it. By default every sender is
   * taken.
   *
   * @param reversePath the address, or empty for the null path
   * @param parameters the MAIL parameters, keys upper case (already checked: SIZE, BODY, AUTH)
   */
  default Reply mailFrom(SessionInfo session, String reversePath, Map<String, String> parameters) {
    return SENDER_OK;
  }

  /** Decides on one recipient; a 2xx reply adds it. By default every recipient is taken. */
  default Reply rcptTo(SessionInfo session, String forwardPath) {
    return RECIPIENT_OK;
  }

  /**
   * Takes a complete message within the size limit and says how to answer: after DATA it is
   * dot-unstuffed with CRLF line endings only; after BDAT it is the octets as sent. Never called
   * for a message that did not arrive whole.
   */
  DataResult data(SessionInfo session, SmtpEnvelope envelope, byte[] message);
}
