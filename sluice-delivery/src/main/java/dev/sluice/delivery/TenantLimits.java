package dev.sluice.delivery;

import dev.sluice.core.Durations;
import dev.sluice.core.spool.SpoolEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Caps per tenant: at most so many messages per window (a second, an hour, a day, any duration) for
 * the messages of one submitting user, one envelope sender domain, or one tenant the message names
 * itself (the door takes its {@code X-Sluice-Tenant} header out and records the name in the
 * message's origin as {@code tenant=NAME}, see {@link #TENANT_NAME}). A message over a cap is not
 * refused: the scheduler puts it back in the spool, due when the window that is full ends, without
 * counting an attempt, and it goes in the next window.
 *
 * <h2>Design</h2>
 *
 * <p><b>Fixed windows</b> aligned to the epoch (an hourly cap counts from :00 to :00, on the
 * injected clock): exact and cheap to reason about ("exactly N in the hour, the rest in the next");
 * the price is that up to twice the cap may go in an hour that straddles an edge. A sliding window
 * was rejected: it needs a timestamp per message sent, and releases messages one by one instead of
 * at a time everyone can predict.
 *
 * <p><b>Restart without over-sending.</b> A message is counted before it is handed to the sender,
 * and the counts live in a small ledger file (beside the spool) written, synced and renamed into
 * place before a count passes what the file says: the file holds a <i>lease</i> of the next few
 * messages ({@code max / 100}, at least 1, at most 100), so a busy tenant costs one sync per lease,
 * not per message. After a crash or a restart the file's counts are taken as sent: a window never
 * gets more than its cap, and at most one lease per restart goes unused. A message counted and then
 * deferred by the upstream stays counted (it may be tried again in the same window beyond the cap
 * only if the count frees up, which it does not): the caps count tries handed to the sender, never
 * fewer than were sent. In distributed mode (Kafka) each node keeps its own ledger, so a cap is per
 * node.
 *
 * <p>Thread-safe: one lock around counting and the ledger's write.
 */
public final class TenantLimits {
  /**
   * What a tenant's own name may be: 1 to 64 lower-case letters, digits, {@code .}, {@code _} and
   * {@code -}, starting with a letter or digit (the door lower-cases the header's value first).
   */
  public static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private static final Set<String> KINDS = Set.of("user", "domain", "tenant");

  /** A cap: at most {@code max} messages in each {@code window}. */
  public record Limit(long max, Duration window) {
    /** Checks the values. */
    public Limit {
      if (max < 1 || window.toMillis() < 1) {
        throw new IllegalArgumentException("a limit is at least 1 message per at least 1 ms");
      }
    }

    @Override
    public String toString() {
      return max + "/" + Durations.format(window);
    }
  }

  /**
   * A tenant: the messages of user {@code value} ({@code what} is {@code user}), of envelope
   * senders at domain {@code value} ({@code domain}), or that name themselves tenant {@code value}
   * ({@code tenant}), and its caps.
   */
  public record Tenant(String what, String value, List<Limit> limits) {
    /** Checks the kind and copies the caps. */
    public Tenant {
      if (!KINDS.contains(what)) {
        throw new IllegalArgumentException(
            "a tenant is a user, a domain or a tenant name, got '" + what + "'");
      }
      if (what.equals("tenant") && !TENANT_NAME.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "a tenant name is 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a"
                + " letter or digit; got '"
                + value
                + "'");
      }
      limits = List.copyOf(limits);
    }

    /** The tenant's name, e.g. {@code user:app}. */
    public String name() {
      return what + ":" + value;
    }
  }

  /** Why a message waits: its tenant's cap is reached until {@code until}. */
  public record Held(String tenant, Limit limit, Instant until) {}

  /**
   * One cap's use in its current window.
   *
   * @param tenant the tenant's name
   * @param limit the cap
   * @param used messages counted in the window
   * @param windowEnds when the window ends, and the messages it holds back are released
   * @param waiting messages the cap has held back in this window (since this relay started): they
   *     wait in the spool for {@code windowEnds}
   */
  public record Usage(String tenant, Limit limit, long used, Instant windowEnds, long waiting) {}

  private final List<Tenant> tenants;
  private final Path ledger;
  // "tenant|window ms" -> {windowStart, used, leased, held back in the window}
  private final Map<String, long[]> counts = new LinkedHashMap<>();

  private TenantLimits(List<Tenant> tenants, Path ledger) {
    this.tenants = List.copyOf(tenants);
    this.ledger = ledger;
    if (ledger != null && Files.exists(ledger)) {
      load();
    }
  }

  /** No tenants: every message passes. */
  public static TenantLimits none() {
    return new TenantLimits(List.of(), null);
  }

  /**
   * Caps for {@code tenants}, counted in the ledger file {@code ledger} (read if it exists), or
   * only in memory when it is null.
   */
  public static TenantLimits of(List<Tenant> tenants, Path ledger) {
    return new TenantLimits(tenants, ledger);
  }

  /**
   * Tenants from a list such as {@code user:app=1000/h 20000/d, domain:news.example.com=10/s,
   * tenant:acme=500/h}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static List<Tenant> parse(String spec) {
    List<Tenant> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      int eq = p.indexOf('=');
      if (colon <= 0 || eq < colon + 2) {
        throw new IllegalArgumentException(
            "expected user:NAME=N/WINDOW ..., domain:DOMAIN=N/WINDOW ... or tenant:NAME=N/WINDOW"
                + " ..., got '"
                + p
                + "'");
      }
      String what = p.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = p.substring(colon + 1, eq).strip();
      List<Limit> limits = new ArrayList<>();
      for (String l : p.substring(eq + 1).strip().split("\\s+")) {
        int slash = l.indexOf('/');
        if (slash <= 0) {
          throw new IllegalArgumentException("expected a cap such as 1000/h, got '" + l + "'");
        }
        String w = l.substring(slash + 1);
        long max;
        try {
          max = Long.parseLong(l.substring(0, slash));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected a cap such as 1000/h, got '" + l + "'");
        }
        limits.add(new Limit(max, Durations.parse(Character.isDigit(w.charAt(0)) ? w : "1" + w)));
      }
      out.add(
          new Tenant(what, what.equals("user") ? value : value.toLowerCase(Locale.ROOT), limits));
    }
    return out;
  }

  /** The tenants, in the order they are matched. */
  public List<Tenant> tenants() {
    return tenants;
  }

  /**
   * Counts {@code e} against its tenant's caps at {@code nowMillis}, or says which cap holds it
   * back (and counts nothing). A message of no tenant always passes.
   *
   * @throws UncheckedIOException when the ledger cannot be written; nothing is counted then
   */
  public Optional<Held> admit(SpoolEntry e, long nowMillis) {
    // The tenants never change: matching needs no lock, so mail of no tenant (all of it when no
    // caps are set) never takes the counts' lock.
    Tenant t = tenantOf(e);
    return t == null ? Optional.empty() : count(t, nowMillis);
  }

  private synchronized Optional<Held> count(Tenant t, long nowMillis) {
    boolean write = false;
    List<long[]> cs = new ArrayList<>();
    for (Limit l : t.limits()) {
      long w = l.window().toMillis();
      long start = Math.floorDiv(nowMillis, w) * w;
      long[] c = counts.computeIfAbsent(key(t, l), k -> new long[4]);
      if (c[0] != start) {
        c[0] = start;
        c[1] = 0;
        c[2] = 0;
        c[3] = 0;
      }
      if (c[1] >= l.max()) {
        c[3]++;
        return Optional.of(new Held(t.name(), l, Instant.ofEpochMilli(start + w)));
      }
      cs.add(c);
    }
    for (int i = 0; i < cs.size(); i++) {
      long[] c = cs.get(i);
      if (c[1] + 1 > c[2]) {
        long max = t.limits().get(i).max();
        c[2] = Math.min(max, c[1] + Math.max(1, Math.min(100, max / 100)));
        write = true;
      }
    }
    if (write) {
      save(); // before the count is used: a crash after it leaves the lease counted
    }
    for (long[] c : cs) {
      c[1]++;
    }
    return Optional.empty();
  }

  /** Each cap's use in its current window at {@code nowMillis}, tenants in order. */
  public synchronized List<Usage> usage(long nowMillis) {
    List<Usage> out = new ArrayList<>();
    for (Tenant t : tenants) {
      for (Limit l : t.limits()) {
        long w = l.window().toMillis();
        long start = Math.floorDiv(nowMillis, w) * w;
        long[] c = counts.get(key(t, l));
        boolean current = c != null && c[0] == start;
        out.add(
            new Usage(
                t.name(),
                l,
                current ? c[1] : 0,
                Instant.ofEpochMilli(start + w),
                current ? c[3] : 0));
      }
    }
    return out;
  }

  private Tenant tenantOf(SpoolEntry e) {
    for (Tenant t : tenants) {
      if (matches(t.what(), t.value(), e.origin(), e.envelope().from())) {
        return t;
      }
    }
    return null;
  }

  /**
   * Whether a message from {@code origin} with envelope sender {@code from} is the user {@code
   * value} ({@code what} is {@code user}: the origin's {@code user=}), of the domain {@code value}
   * ({@code domain}: the sender's domain, {@code value} in lower case) or names itself tenant
   * {@code value} ({@code tenant}: the origin's {@code tenant=}); the matching of tenants and of
   * class rules.
   */
  public static boolean matches(String what, String value, String origin, String from) {
    if (what.equals("user")) {
      return user(origin).filter(value::equals).isPresent();
    }
    if (what.equals("tenant")) {
      return token(origin, "tenant=").filter(value::equals).isPresent();
    }
    int at = from.lastIndexOf('@');
    return at >= 0 && from.substring(at + 1).toLowerCase(Locale.ROOT).equals(value);
  }

  /** The submitting user an origin names ({@code ... user=NAME ...}), if any. */
  public static Optional<String> user(String origin) {
    return token(origin, "user=");
  }

  private static Optional<String> token(String origin, String prefix) {
    for (String token : origin.split(" ")) {
      if (token.startsWith(prefix) && token.length() > prefix.length()) {
        return Optional.of(token.substring(prefix.length()));
      }
    }
    return Optional.empty();
  }

  private static String key(Tenant t, Limit l) {
    return t.name() + "|" + l.window().toMillis();
  }

  // Lines "key windowStart leased"; written whole to a temporary file, synced, renamed.
  private void save() {
    if (ledger == null) {
      return;
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, long[]> c : counts.entrySet()) {
      b.append(c.getKey())
          .append(' ')
          .append(c.getValue()[0])
          .append(' ')
          .append(c.getValue()[2])
          .append('\n');
    }
    Path tmp = ledger.resolveSibling(ledger.getFileName() + ".tmp");
    try {
      Files.createDirectories(ledger.toAbsolutePath().getParent());
      Files.writeString(tmp, b, StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, ledger, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the tenant ledger " + ledger, ex);
    }
  }

  private void load() {
    try {
      for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
        String[] f = line.strip().split(" ");
        if (f.length == 3) {
          long leased = Long.parseLong(f[2]);
          // What was leased before the restart counts as sent: never more than the cap.
          counts.put(f[0], new long[] {Long.parseLong(f[1]), leased, leased, 0});
        }
      }
    } catch (IOException | NumberFormatException ex) {
      throw new IllegalStateException("cannot read the tenant ledger " + ledger + ": " + ex, ex);
    }
  }

  @Override
  public String toString() {
    return Objects.toString(tenants);
  }
}
