package dev.sluice.simulator.auth;

import dev.sluice.core.Clock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The temporary credentials the simulator's STS {@code AssumeRole} has issued: an access key id, a
 * secret and a session token, valid until an expiry on the injected clock.
 *
 * <p>Design note. SES calls signed with an issued key are checked whether or not the simulator is
 * strict (a strict one refuses every other key; a lenient one takes any other key as before): the
 * request must carry the key's session token in {@code X-Amz-Security-Token}, the session must not
 * have expired, and the signature must match the issued secret. The store is bounded ({@value
 * #MAX_SESSIONS} sessions): expired sessions are dropped when a new one is issued, and when it is
 * still full the oldest goes, so its key then counts as unknown, as a revoked session would at AWS.
 * A restarted simulator knows none of the keys it issued before.
 *
 * <p>Thread-safe: one lock around the map.
 */
public final class TemporaryCredentials {
  /** The most sessions kept at once. */
  public static final int MAX_SESSIONS = 10_000;

  private static final char[] KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  /** A store on {@code clock}. */
  public TemporaryCredentials(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * One issued session.
   *
   * @param accessKeyId its access key id, {@code ASIA} and 16 characters, as AWS's temporary keys
   * @param secretAccessKey its secret
   * @param sessionToken the token calls must carry
   * @param expiration when it stops being valid
   * @param roleArn the role it was issued for
   * @param sessionName the caller's session name
   */
  public record Session(
      String accessKeyId,
      String secretAccessKey,
      String sessionToken,
      Instant expiration,
      String roleArn,
      String sessionName) {
    /** Never prints the secret or the token. */
    @Override
    public String toString() {
      return "Session[" + accessKeyId + ", " + roleArn + ", until " + expiration + "]";
    }
  }

  /** What a call signed with an issued key is. */
  public enum Check {
    /** The key was issued, the token matches and the session has not expired. */
    VALID,
    /** The token is missing or is not the session's. */
    INVALID_TOKEN,
    /** The session's expiry has passed. */
    EXPIRED
  }

  /** Issues a session for {@code roleArn}, valid for {@code duration} from now. */
  public synchronized Session issue(String roleArn, String sessionName, Duration duration) {
    long now = clock.millis();
    for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
      if (it.next().expiration().toEpochMilli() <= now) {
        it.remove();
      }
    }
    while (sessions.size() >= MAX_SESSIONS) {
      Iterator<String> oldest = sessions.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    String key;
    do {
      key = "ASIA" + randomKey(16);
    } while (sessions.containsKey(key));
    Session s =
        new Session(
            key,
            base64(30),
            base64(96),
            Instant.ofEpochMilli(now + duration.toMillis()),
            roleArn,
            sessionName);
    sessions.put(key, s);
    return s;
  }

  /** The session of an access key id, if the key was issued here and is still kept. */
  public synchronized Session find(String accessKeyId) {
    return sessions.get(accessKeyId);
  }

  /** Whether a call with {@code token} may use {@code session} now. */
  public Check check(Session session, String token) {
    if (token == null || !session.sessionToken().equals(token.strip())) {
      return Check.INVALID_TOKEN;
    }
    return clock.millis() >= session.expiration().toEpochMilli() ? Check.EXPIRED : Check.VALID;
  }

  private String randomKey(int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = KEY_CHARS[random.nextInt(KEY_CHARS.length)];
    }
    return new String(c);
  }

  private String base64(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }
}
