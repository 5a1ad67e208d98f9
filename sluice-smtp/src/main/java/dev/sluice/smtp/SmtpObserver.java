package dev.sluice.smtp;

/**
 * Told what happens at an SMTP server's door, for metrics: sessions opening and closing, every
 * reply, messages taken and octets read. Every method has an empty default.
 *
 * <p>One observer serves every session of a server and is called from their threads (and from the
 * server's own threads for refusals at connect and replies made on stop or under stress), so
 * implementations must be thread-safe, quick, and must not throw.
 */
public interface SmtpObserver {
  /** Observes nothing. */
  SmtpObserver NONE = new SmtpObserver() {};

  /** A connection was admitted and its session starts. */
  default void sessionOpened() {}

  /** A session ended and its connection is closed. */
  default void sessionClosed() {}

  /**
   * The server sent a reply.
   *
   * @param verb the command answered, upper case ({@code MAIL}, {@code DATA}, ...; for DATA and
   *     BDAT the reply to the message or chunk), or empty for a reply made on the server's own: the
   *     greeting, a refusal at connect, a timeout, the notice of a stop, an unknown command
   * @param reply the reply as sent (intermediate 3xx replies included)
   */
  default void replied(String verb, Reply reply) {}

  /**
   * A message was taken: the handler answered its end of data with a 2xx reply.
   *
   * @param octets the message's size as received
   */
  default void messageAccepted(long octets) {}

  /** Octets were read from a client (after TLS). */
  default void received(long octets) {}
}
