package dev.sluice.core.ses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import dev.sluice.core.transport.ConfigurationSetListing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ListedConfigurationSetsTest {
  private final ManualClock clock = new ManualClock(0);
  private final AtomicInteger reads = new AtomicInteger();
  private volatile ConfigurationSetListing listing =
      new ConfigurationSetListing.Listed(Set.of("marketing"));
  private final Supplier<ConfigurationSetListing> source =
      () -> {
        reads.incrementAndGet();
        return listing;
      };
  private final List<Runnable> queued = new ArrayList<>();

  private ListedConfigurationSets catalog() {
    ListedConfigurationSets c =
        new ListedConfigurationSets(
            source, clock, Duration.ofMinutes(5), Duration.ofSeconds(10), queued::add);
    c.refresh();
    return c;
  }

  @Test
  void knownMissing_listedSet_isNotMissingAndCostsNoCall() {
    ListedConfigurationSets c = catalog();
    assertThat(c.knownMissing("marketing")).isFalse();
    assertThat(reads).hasValue(1);
  }

  @Test
  void knownMissing_unknownSet_isMissingAndReadsAgainAtMostOncePerMissInterval() {
    ListedConfigurationSets c = catalog();
    clock.advance(Duration.ofSeconds(10));
    assertThat(c.knownMissing("nope")).isTrue();
    assertThat(c.knownMissing("nope")).isTrue();
    assertThat(c.knownMissing("other")).isTrue();
    assertThat(reads).as("one read on the first miss, none for the next").hasValue(2);
    clock.advance(Duration.ofSeconds(9));
    assertThat(c.knownMissing("nope")).isTrue();
    assertThat(reads).hasValue(2);
  }

  @Test
  void knownMissing_setCreatedSinceTheLastRead_isFoundOnItsFirstMessage() {
    ListedConfigurationSets c = catalog();
    listing = new ConfigurationSetListing.Listed(Set.of("marketing", "fresh"));
    clock.advance(Duration.ofSeconds(10));
    assertThat(c.knownMissing("fresh")).isFalse();
    assertThat(c.knownMissing("fresh")).isFalse();
    assertThat(reads).hasValue(2);
  }

  @Test
  void knownMissing_listUnreadable_refusesNothing() {
    listing = new ConfigurationSetListing.Unreadable("AccessDenied: not authorized");
    ListedConfigurationSets c = catalog();
    clock.advance(Duration.ofMinutes(1));
    assertThat(c.knownMissing("anything")).isFalse();
    assertThat(reads).as("an unreadable list is not read again on each message").hasValue(1);
  }

  @Test
  void knownMissing_sourceThrows_refusesNothing() {
    ListedConfigurationSets c =
        new ListedConfigurationSets(
            () -> {
              throw new IllegalStateException("boom");
            },
            clock,
            Duration.ofMinutes(5),
            Duration.ofSeconds(10),
            queued::add);
    c.refresh();
    assertThat(c.knownMissing("anything")).isFalse();
  }

  @Test
  void knownMissing_staleList_isRefreshedInTheBackgroundOnce() {
    ListedConfigurationSets c = catalog();
    clock.advance(Duration.ofMinutes(5));
    assertThat(c.knownMissing("marketing")).isFalse();
    assertThat(c.knownMissing("marketing")).isFalse();
    assertThat(queued).as("one background refresh queued, not one per look-up").hasSize(1);
    assertThat(reads).hasValue(1);
    listing = new ConfigurationSetListing.Listed(Set.of("alerts"));
    queued.getFirst().run();
    assertThat(reads).hasValue(2);
    assertThat(c.knownMissing("alerts")).isFalse();
    assertThat(c.knownMissing("marketing")).as("deleted since").isTrue();
  }

  @Test
  void knownMissing_beforeAnyRefresh_readsFirst() {
    ListedConfigurationSets c =
        new ListedConfigurationSets(
            source, clock, Duration.ofMinutes(5), Duration.ofSeconds(10), queued::add);
    assertThat(c.knownMissing("marketing")).isFalse();
    assertThat(reads).hasValue(1);
  }

  @Test
  void knownMissing_duringTheFirstRead_waitsForItAndReadsOnce() throws Exception {
    java.util.concurrent.CountDownLatch inRead = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ListedConfigurationSets c =
        new ListedConfigurationSets(
            () -> {
              reads.incrementAndGet();
              inRead.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return listing;
            },
            clock,
            Duration.ofMinutes(5),
            Duration.ofSeconds(10),
            queued::add);
    Thread first = Thread.ofVirtual().start(c::refresh);
    inRead.await();
    java.util.concurrent.CompletableFuture<Boolean> lookUp =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> c.knownMissing("marketing"));
    release.countDown();
    assertThat(lookUp.get(30, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
    first.join();
    assertThat(reads).hasValue(1);
  }
}
