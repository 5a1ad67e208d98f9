package dev.sluice.feedback.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.Clock;
import dev.sluice.core.suppress.AccountSuppressionList;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.ses.SesApiSettings;
import dev.sluice.ses.SesV2Transport;
import dev.sluice.simulator.FaultSettings;
import dev.sluice.simulator.FaultSpec;
import dev.sluice.simulator.LatencySpec;
import dev.sluice.simulator.SesInterface;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.simulator.account.SuppressedDestination;
import dev.sluice.simulator.account.SuppressionList;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The sync with the SES account's suppression list against the simulator's v2 API over loopback,
 * through the relay's own {@link SesV2Transport} and the AWS SDK: every page read, only what
 * changed since the last run read again (also after a restart), failures retried at the next run,
 * and the relay's own suppressions pushed when asked.
 */
class AccountListSyncIT {
  @TempDir Path dir;
  private Simulator sim;
  private SesV2Transport transport;
  private AccountSuppressionList ses;
  private SuppressionList simList;
  private FeedbackStore store;
  private final long now = System.currentTimeMillis();

  @BeforeEach
  void start() throws IOException {
    sim = Simulator.start(SimulatorConfig.onFreePorts());
    transport =
        SesV2Transport.create(
            SesApiSettings.of(
                "us-east-1",
                sim.httpEndpoint(),
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDTEST", "secret"))));
    ses = transport.accountSuppressionList().orElseThrow();
    simList = sim.core().suppression();
    store = open();
  }

  @AfterEach
  void stop() {
    store.close();
    transport.close();
    sim.close();
  }

  private FeedbackStore open() throws IOException {
    return FeedbackStore.open(dir.resolve("feedback"), FeedbackSettings.DEFAULTS, Clock.system());
  }

  /** Lists an address at SES as last updated {@code secondsAgo} before the test began. */
  private void listedAtSes(String address, String reason, long secondsAgo) {
    simList.put(new SuppressedDestination(address, reason, now - secondsAgo * 1000, null, null));
  }

  private AccountListSync sync(int pageSize, boolean push) {
    return new AccountListSync(store, ses, Clock.system(), pageSize, push);
  }

  @Test
  void runOnce_listLongerThanAPage_readsEveryPage() throws IOException {
    for (int i = 0; i < 25; i++) {
      listedAtSes("a" + i + "@example.com", i % 5 == 0 ? "COMPLAINT" : "BOUNCE", 100 - i);
    }

    AccountListSync.Run run = sync(10, false).runOnce();

    assertTrue(run.complete(), run.failure());
    assertEquals(3, run.pages());
    assertEquals(25, run.read());
    assertEquals(25, run.added());
    for (int i = 0; i < 25; i++) {
      Suppression s = store.find("A" + i + "@Example.com").orElseThrow();
      assertEquals(
          i % 5 == 0 ? Suppression.Reason.COMPLAINT : Suppression.Reason.BOUNCE, s.reason());
      assertEquals(FeedbackStore.FROM_SES_ACCOUNT, s.source());
      assertEquals(now - (100 - i) * 1000L, s.time().toEpochMilli());
    }
  }

  @Test
  void runOnce_afterRestart_readsOnlyAddressesUpdatedSinceTheLastRun() throws IOException {
    listedAtSes("first@example.com", "BOUNCE", 300);
    listedAtSes("newest@example.com", "BOUNCE", 200);
    assertEquals(2, sync(1000, false).runOnce().read());
    store.close();
    // SES lists two more: one updated before the last run's newest (a run by date cannot see it,
    // which proves the start date is sent), one after it.
    listedAtSes("older@example.com", "BOUNCE", 250);
    listedAtSes("later@example.com", "COMPLAINT", 100);
    store = open();

    AccountListSync.Run run = sync(1000, false).runOnce();

    assertTrue(run.complete(), run.failure());
    // The start date is inclusive: newest@ is read again and changes nothing.
    assertEquals(2, run.read());
    assertEquals(1, run.added());
    assertTrue(store.find("later@example.com").isPresent());
    assertFalse(store.find("older@example.com").isPresent());
  }

  @Test
  void runOnce_upstreamFailing_keepsItsMarkAndCatchesUpAtTheNextRun() throws IOException {
    listedAtSes("before@example.com", "BOUNCE", 300);
    AccountListSync sync = sync(1000, false);
    assertEquals(1, sync.runOnce().read());
    listedAtSes("during@example.com", "BOUNCE", 200);
    sim.faults()
        .change(
            m ->
                Map.of(
                    SesInterface.V2,
                    new FaultSettings.Conditions(LatencySpec.ZERO, new FaultSpec(0, 1, 0, 0))));

    AccountListSync.Run failed = sync.runOnce();

    assertFalse(failed.complete());
    assertTrue(failed.failure().startsWith("ListSuppressedDestinations failed"), failed.failure());
    assertFalse(store.find("during@example.com").isPresent());
    sim.faults().restore();
    AccountListSync.Run next = sync.runOnce();
    assertTrue(next.complete(), next.failure());
    assertTrue(store.find("during@example.com").isPresent());
  }

  @Test
  void runOnce_pushing_putsTheRelaysOwnSuppressionsOnTheAccountList() throws IOException {
    listedAtSes("from-ses@example.com", "COMPLAINT", 300);
    AccountListSync sync = sync(1000, true);
    Instant t = Instant.ofEpochMilli(now);
    store.suppress(
        new Suppression("manual@example.com", Suppression.Reason.MANUAL, t, "", "admin"));
    store.suppress(
        new Suppression("complained@example.com", Suppression.Reason.COMPLAINT, t, "", "event"));
    store.suppress(new Suppression("not an address", Suppression.Reason.MANUAL, t, "", "admin"));
    store.suppress(
        new Suppression("changed-mind@example.com", Suppression.Reason.MANUAL, t, "", ""));
    store.unsuppress("changed-mind@example.com");

    AccountListSync.Run run = sync.runOnce();

    assertTrue(run.complete(), run.failure());
    assertEquals(2, run.pushed());
    assertEquals(1, run.refused());
    assertEquals("BOUNCE", simList.get("manual@example.com").orElseThrow().reason());
    assertEquals("COMPLAINT", simList.get("complained@example.com").orElseThrow().reason());
    assertFalse(simList.get("changed-mind@example.com").isPresent());
    // What was read from SES is not put back (which would move its update time).
    assertEquals(
        now - 300_000, simList.get("from-ses@example.com").orElseThrow().lastUpdateMillis());
    assertTrue(store.pendingForSes(10).isEmpty());
    assertEquals(0, sync.runOnce().pushed());
  }

  @Test
  void suppress_pushOff_queuesNothingForSes() throws IOException {
    sync(1000, false);
    store.suppress(
        new Suppression("x@example.com", Suppression.Reason.MANUAL, Instant.now(), "", "admin"));

    assertTrue(store.pendingForSes(10).isEmpty());
  }
}
