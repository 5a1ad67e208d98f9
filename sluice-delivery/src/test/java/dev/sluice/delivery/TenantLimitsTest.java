package dev.sluice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantLimitsTest {
  private static final long HOUR = 3_600_000L;
  // An hour boundary, so windows are easy to read.
  private static final long T0 = 1_700_002_800_000L;
  @TempDir Path dir;

  private static SpoolEntry entry(String from, String origin) {
    Instant t = Instant.ofEpochMilli(T0);
    return new SpoolEntry(
        new QueueId("Q1"),
        new Envelope(from, List.of("r@example.net")),
        10,
        t,
        origin,
        SpoolState.ACTIVE,
        t,
        0,
        "");
  }

  private static final SpoolEntry APP = entry("a@example.com", "smtp 127.0.0.1 user=app tls");

  @Test
  void parse_userAndDomainTenants_withCapsOfAnyWindow() {
    List<TenantLimits.Tenant> t =
        TenantLimits.parse("user:app=1000/h 20000/d, domain:News.Example.com=10/s 50/10s");

    assertThat(t)
        .extracting(TenantLimits.Tenant::name)
        .containsExactly("user:app", "domain:news.example.com");
    assertThat(t.get(0).limits())
        .containsExactly(
            new TenantLimits.Limit(1000, Duration.ofHours(1)),
            new TenantLimits.Limit(20000, Duration.ofDays(1)));
    assertThat(t.get(1).limits().get(1))
        .isEqualTo(new TenantLimits.Limit(50, Duration.ofSeconds(10)));
    assertThatThrownBy(() -> TenantLimits.parse("team:x=1/h"))
        .hasMessageContaining("a user, a domain or a tenant name");
    assertThatThrownBy(() -> TenantLimits.parse("user:app=many")).hasMessageContaining("1000/h");
    assertThatThrownBy(() -> TenantLimits.parse("user:app=0/h")).hasMessageContaining("at least 1");
  }

  @Test
  void parse_tenantNames_lowerCasedAndChecked() {
    List<TenantLimits.Tenant> t = TenantLimits.parse("tenant:Acme-EU=500/h, user:App=1/s");

    assertThat(t)
        .extracting(TenantLimits.Tenant::name)
        .containsExactly("tenant:acme-eu", "user:App");
    assertThatThrownBy(() -> TenantLimits.parse("tenant:-acme=1/h"))
        .hasMessageContaining("a tenant name is 1 to 64");
    assertThatThrownBy(() -> TenantLimits.parse("tenant:a b=1/h"))
        .hasMessageContaining("a tenant name is 1 to 64");
  }

  @Test
  void admit_tenantNamedByTheMessage_countedUnderThatNameUntilTheNextWindow() {
    TenantLimits limits =
        TenantLimits.of(
            TenantLimits.parse("user:app=1/h, tenant:acme=2/h, tenant:other=5/h"), null);
    SpoolEntry acme = entry("x@example.com", "http 127.0.0.1 tenant=acme");
    SpoolEntry acmeByApp = entry("x@example.com", "smtp 127.0.0.1 user=app tenant=acme");
    SpoolEntry unnamed = entry("x@example.com", "http 127.0.0.1");
    long now = T0 + 5 * 60_000;

    assertThat(limits.admit(acme, now)).isEmpty();
    assertThat(limits.admit(acme, now)).isEmpty();
    TenantLimits.Held held = limits.admit(acme, now).orElseThrow();
    assertThat(held.tenant()).isEqualTo("tenant:acme");
    assertThat(held.until()).isEqualTo(Instant.ofEpochMilli(T0 + HOUR));
    assertThat(limits.admit(unnamed, now)).as("a message naming no tenant").isEmpty();
    // First match wins: the user's cap comes first in the list, so app cannot escape it by naming
    // a tenant, and its message does not count for acme.
    assertThat(limits.admit(acmeByApp, now)).isEmpty();
    assertThat(limits.admit(acmeByApp, now).orElseThrow().tenant()).isEqualTo("user:app");
    assertThat(limits.admit(acme, T0 + HOUR)).as("the next window").isEmpty();
    assertThat(limits.usage(T0 + HOUR))
        .extracting(TenantLimits.Usage::tenant, TenantLimits.Usage::used)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("user:app", 0L),
            org.assertj.core.groups.Tuple.tuple("tenant:acme", 1L),
            org.assertj.core.groups.Tuple.tuple("tenant:other", 0L));
  }

  @Test
  void admit_exactlyAtTheCap_passesThenHoldsUntilTheWindowEnds() {
    TenantLimits limits = TenantLimits.of(TenantLimits.parse("user:app=3/h"), null);
    long now = T0 + 10 * 60_000;

    for (int i = 0; i < 3; i++) {
      assertThat(limits.admit(APP, now)).as("message %d", i + 1).isEmpty();
    }
    TenantLimits.Held held = limits.admit(APP, now).orElseThrow();

    assertThat(held.until()).isEqualTo(Instant.ofEpochMilli(T0 + HOUR));
    assertThat(held.tenant()).isEqualTo("user:app");
    assertThat(limits.admit(APP, T0 + HOUR - 1))
        .as("the last millisecond of the window")
        .isPresent();
    assertThat(limits.admit(APP, T0 + HOUR)).as("the next window").isEmpty();
    assertThat(limits.usage(T0 + HOUR))
        .containsExactly(
            new TenantLimits.Usage(
                "user:app",
                new TenantLimits.Limit(3, Duration.ofHours(1)),
                1,
                Instant.ofEpochMilli(T0 + 2 * HOUR),
                0));
  }

  @Test
  void usage_messagesHeldBackByACap_areCountedAsWaitingUntilItsWindowEnds() {
    TenantLimits limits = TenantLimits.of(TenantLimits.parse("user:app=2/h 100/d"), null);
    long now = T0 + 5 * 60_000;
    for (int i = 0; i < 7; i++) {
      limits.admit(APP, now);
    }

    assertThat(limits.usage(now))
        .extracting(TenantLimits.Usage::used, TenantLimits.Usage::waiting)
        .as("the hourly cap holds back five; the daily one has counted the two it let through")
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, 5L),
            org.assertj.core.groups.Tuple.tuple(2L, 0L));
    assertThat(limits.usage(T0 + HOUR))
        .extracting(TenantLimits.Usage::waiting)
        .as("a new hour: released, none held back yet")
        .containsExactly(0L, 0L);
  }

  @Test
  void admit_otherUsersAndDomains_areNotCounted_andADomainTenantMatchesTheSender() {
    TenantLimits limits =
        TenantLimits.of(TenantLimits.parse("user:app=1/h, domain:news.example.com=1/h"), null);
    SpoolEntry other = entry("x@example.com", "smtp 127.0.0.1 user=other");
    SpoolEntry news = entry("n@NEWS.example.com", "http 127.0.0.1");

    assertThat(limits.admit(other, T0)).isEmpty();
    assertThat(limits.admit(other, T0)).isEmpty();
    assertThat(limits.admit(news, T0)).isEmpty();
    assertThat(limits.admit(news, T0)).isPresent();
  }

  @Test
  void admit_afterARestart_countsWhatTheLedgerLeased_andNeverGoesOverTheCap() {
    Path ledger = dir.resolve("tenants.ledger");
    TenantLimits first = TenantLimits.of(TenantLimits.parse("user:app=1000/h"), ledger);
    for (int i = 0; i < 15; i++) {
      assertThat(first.admit(APP, T0 + i)).isEmpty();
    }
    // A crash here: 15 sent; the ledger leased 10 at a time, so it says 20.

    TenantLimits second = TenantLimits.of(TenantLimits.parse("user:app=1000/h"), ledger);
    int passed = 0;
    while (second.admit(APP, T0 + 1000).isEmpty()) {
      passed++;
    }

    assertThat(passed).as("sent after the restart").isEqualTo(1000 - 20);
    assertThat(15 + passed).as("never over the cap; at most one lease lost").isBetween(990, 1000);
    TenantLimits nextHour = TenantLimits.of(TenantLimits.parse("user:app=1000/h"), ledger);
    assertThat(nextHour.admit(APP, T0 + HOUR)).as("a new window starts from zero").isEmpty();
  }

  @RepeatedTest(10)
  void admit_randomArrivalsAndRestarts_neverPassMoreThanTheCapInAnyWindow(RepetitionInfo rep) {
    long seed = 9_000L + rep.getCurrentRepetition();
    Random r = new Random(seed);
    long max = 1 + r.nextInt(300);
    Duration window = Duration.ofSeconds(1 + r.nextInt(100));
    String spec = "user:app=" + max + "/" + window.toSeconds() + "s";
    Path ledger = dir.resolve("ledger-" + seed);
    ManualClock clock = new ManualClock(T0);
    TenantLimits limits = TenantLimits.of(TenantLimits.parse(spec), ledger);
    java.util.Map<Long, Long> passedPerWindow = new java.util.HashMap<>();
    for (int i = 0; i < 1_000; i++) {
      clock.advance(Duration.ofMillis(r.nextInt(50)));
      if (r.nextInt(100) == 0) {
        limits = TenantLimits.of(TenantLimits.parse(spec), ledger); // a restart
      }
      long now = clock.millis();
      var held = limits.admit(APP, now);
      long w = Math.floorDiv(now, window.toMillis());
      if (held.isEmpty()) {
        passedPerWindow.merge(w, 1L, Long::sum);
      } else {
        assertThat(held.get().until().toEpochMilli())
            .as("seed %d", seed)
            .isEqualTo((w + 1) * window.toMillis());
      }
    }
    assertThat(passedPerWindow.values())
        .as("seed %d cap %d per %s", seed, max, window)
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(max));
  }
}
