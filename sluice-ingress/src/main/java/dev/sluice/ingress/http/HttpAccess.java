package dev.sluice.ingress.http;

import dev.sluice.ingress.AccessPolicy;
import dev.sluice.ingress.Trace;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP door's access rules over HTTP: a client in the relay networks may send; anyone else logs
 * in with HTTP Basic as a user of the users file. Credentials count only over TLS, or from loopback
 * when allowed, as SMTP AUTH does.
 *
 * <p>Thread-safe. A first password check costs a slow key derivation: call it off the event loop.
 */
final class HttpAccess {
  private static final Logger log = LoggerFactory.getLogger(HttpAccess.class);

  private final AccessPolicy policy;
  private final boolean basicWithoutTlsOnLoopback;

  HttpAccess(AccessPolicy policy, boolean basicWithoutTlsOnLoopback) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.basicWithoutTlsOnLoopback = basicWithoutTlsOnLoopback;
  }

  /**
   * Who is sending: the user who logged in, or nobody for a client in the relay networks. Basic
   * credentials count only over TLS, or from loopback when the settings allow (the SMTP AUTH rule);
   * credentials that do not count are refused rather than ignored.
   */
  Optional<String> authorize(SubmitRequest r) {
    boolean basicAllowed = r.tls() || (basicWithoutTlsOnLoopback && r.client().isLoopbackAddress());
    if (r.authorization() != null) {
      if (!basicAllowed) {
        throw new Refusal(ErrorCode.TLS_REQUIRED, "Credentials are accepted only over TLS (https)");
      }
      BasicCredentials c = BasicCredentials.parse(r.authorization());
      if (c == null) {
        throw new Refusal(
            ErrorCode.INVALID_CREDENTIALS,
            "The Authorization header must hold Basic credentials",
            Map.of("WWW-Authenticate", BasicCredentials.CHALLENGE));
      }
      if (!policy.users().verify(c.user(), c.password())) {
        log.info(
            "HTTP Basic login failed for user '{}' from {}",
            Trace.printable(c.user()),
            r.client().getHostAddress());
        throw new Refusal(
            ErrorCode.INVALID_CREDENTIALS,
            "Wrong user name or password",
            Map.of("WWW-Authenticate", BasicCredentials.CHALLENGE));
      }
      return Optional.of(c.user());
    }
    if (policy.maySend(r.client(), Optional.empty())) {
      return Optional.empty();
    }
    if (basicAllowed && policy.users().size() > 0) {
      throw new Refusal(
          ErrorCode.AUTH_REQUIRED,
          "Log in with HTTP Basic authentication",
          Map.of("WWW-Authenticate", BasicCredentials.CHALLENGE));
    }
    throw new Refusal(ErrorCode.RELAY_DENIED, "Relay access denied");
  }
}
