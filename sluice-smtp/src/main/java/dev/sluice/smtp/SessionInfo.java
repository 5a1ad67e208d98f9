package dev.sluice.smtp;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What a handler may know about the session it serves.
 *
 * <p>Confined to the session's thread: read it only inside handler calls.
 */
public interface SessionInfo {
  /** A number unique among this server's sessions, for logs. */
  long id();

  /** The client's address and port. */
  InetSocketAddress remoteAddress();

  /** Whether STARTTLS has succeeded on this connection. */
  boolean tlsActive();

  /** The user AUTH accepted, if any. */
  Optional<String> authenticatedUser();

  /** The name the client gave in its last HELO or EHLO, if any. */
  Optional<String> heloName();
}
