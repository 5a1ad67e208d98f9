package dev.sluice.ingress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The users who may log in to submit mail, from a users file: one {@code name:hash} per line, where
 * the hash is {@code pbkdf2-sha256$ITERATIONS$SALT$KEY} (salt and key in base64) as made by {@link
 * #hash(char[])}; blank lines and lines starting with {@code #} are skipped.
 *
 * <h2>Design note</h2>
 *
 * <p>PBKDF2-HMAC-SHA256 because the JDK has it (no native code, no new dependency) and its cost is
 * tunable per entry. A deliberately slow hash costs tens of milliseconds of CPU per check, which an
 * application opening a hundred connections a second would pay again and again; so a successful
 * check is remembered as an HMAC of the password under a key made at start-up and never stored.
 * Only a password that has already passed the slow check is accepted by the fast path; a wrong
 * password always pays the full cost, and so does an unknown user (against a dummy entry), so
 * timing does not reveal which names exist.
 *
 * <p>Immutable after loading; thread-safe.
 */
public final class UserStore {
  /** The PBKDF2 iterations new hashes use (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
  public static final int DEFAULT_ITERATIONS = 600_000;

  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Nobody may log in. */
  public static final UserStore EMPTY = new UserStore(Map.of());

  private final Map<String, Entry> users;
  private final Entry dummy;
  private final byte[] cacheKey = new byte[32];
  private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

  private record Entry(int iterations, byte[] salt, byte[] key) {}

  private UserStore(Map<String, Entry> users) {
    this.users = Map.copyOf(users);
    RANDOM.nextBytes(cacheKey);
    int iterations =
        users.values().stream().mapToInt(Entry::iterations).max().orElse(DEFAULT_ITERATIONS);
    this.dummy = new Entry(iterations, new byte[SALT_BYTES], new byte[KEY_BYTES]);
  }

  /**
   * Loads a users file.
   *
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException naming the line that is malformed
   */
  public static UserStore load(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, Entry> users = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(where + ": expected name:hash");
      }
      String name = line.substring(0, colon);
      if (users.put(name, parseHash(line.substring(colon + 1), where)) != null) {
        throw new IllegalArgumentException(where + ": user '" + name + "' appears twice");
      }
    }
    return new UserStore(users);
  }

  /** The number of users. */
  public int size() {
    return users.size();
  }

  /** Makes a hash for a users file with {@link #DEFAULT_ITERATIONS}. */
  public static String hash(char[] password) {
    return hash(password, DEFAULT_ITERATIONS);
  }

  /** Makes a hash for a users file. */
  public static String hash(char[] password, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be >= 1");
    }
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME
        + "$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /** Whether the user exists and the password is theirs. */
  public boolean verify(String user, String password) {
    Entry e = users.get(user);
    byte[] fast = mac(user, password);
    if (e != null) {
      byte[] known = verified.get(user);
      if (known != null && MessageDigest.isEqual(known, fast)) {
        return true;
      }
    }
    Entry against = e != null ? e : dummy;
    byte[] key = derive(password.toCharArray(), against.salt(), against.iterations());
    boolean ok = MessageDigest.isEqual(key, against.key()) && e != null;
    if (ok) {
      verified.put(user, fast);
    }
    return ok;
  }

  private byte[] mac(String user, String password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      mac.update(user.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", ex);
    }
  }

  private static Entry parseHash(String text, String where) {
    String[] parts = text.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException(
          where
              + ": the hash must be "
              + SCHEME
              + "$ITERATIONS$SALT$KEY (make one with 'sluice passwd')");
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] key = Base64.getDecoder().decode(parts[3]);
      if (iterations < 1 || salt.length < 8 || key.length != KEY_BYTES) {
        throw new IllegalArgumentException("out of range");
      }
      return new Entry(iterations, salt, key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": malformed " + SCHEME + " hash (iterations, salt or key)", e);
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BYTES * 8);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(spec)
            .getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
    }
  }
}
