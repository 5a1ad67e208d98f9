package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.transport.Transport;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.testkit.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The delivery engine against the simulator through the real AWS SDK. */
class SesSenderIT {
  static OutboundMessage message(int i, String... to) {
    String raw =
        "From: sender@example.com\r\nTo: "
            + String.join(", ", to)
            + "\r\nSubject: test "
            + i
            + "\r\n\r\nHello "
            + i
            + "\r\n";
    return new OutboundMessage(
        "m" + i,
        new Envelope("sender@example.com", List.of(to)),
        raw.getBytes(StandardCharsets.US_ASCII));
  }

  static SesSender sender(Transport t, SenderConfig c) {
    return SesSender.start(t, c, Clock.system(), new SimpleMeterRegistry());
  }

  static List<Outcome> sendAll(SesSender s, List<OutboundMessage> ms) {
    List<CompletableFuture<Outcome>> fs = new ArrayList<>();
    for (OutboundMessage m : ms) {
      fs.add(s.send(m));
    }
    return fs.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void send_v2AndV1OverHttps_deliversAndReusesOneConnection() throws Exception {
    try (SimulatorHarness h =
        new SimulatorHarness("max-send-rate=unlimited", "max-24h-send=unlimited")) {
      for (boolean v1 : new boolean[] {false, true}) {
        SesApiSettings api = h.api(true).withMaxConnections(1);
        Transport t = v1 ? SesV1Transport.create(api) : SesV2Transport.create(api);
        try (SesSender s = sender(t, SenderConfig.builder().maxInFlight(1).build())) {
          for (int i = 0; i < 20; i++) {
            Outcome o = s.send(message(i, "success@simulator.amazonses.com")).join();
            assertThat(o).isInstanceOf(Outcome.Delivered.class);
            String id = ((Outcome.Delivered) o).upstreamIds().get(0);
            assertThat(h.sim.core().inbox().find(id)).isNotNull();
          }
          // GetAccount at start and 20 sends: all on one connection.
          assertThat(t.connectionsOpened()).isEqualTo(1);
        }
      }
      assertThat(h.metric("simulator_http_connections_opened_total", "tls=\"true\""))
          .isEqualTo(2.0);
    }
  }

  @Test
  void send_asyncClient_delivers() {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=unlimited")) {
      try (SesSender s =
          sender(
              SesV2Transport.create(h.api(false).withAsyncClient(true)), SenderConfig.defaults())) {
        List<Outcome> os =
            sendAll(s, List.of(message(1, "a@example.net"), message(2, "b@example.net")));
        assertThat(os).allMatch(o -> o instanceof Outcome.Delivered);
        assertThat(s.transport().connectionsOpened()).isEqualTo(-1);
      }
    }
  }

  @Test
  void send_followsTheAccountsRate_withoutThrottles() {
    double rate = 40;
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=" + (int) rate + "/s")) {
      try (SesSender s =
          sender(
              SesV2Transport.create(h.api(false)),
              SenderConfig.builder().maxInFlight(16).build())) {
        assertThat(s.rateCeiling()).isEqualTo(rate);
        List<OutboundMessage> ms = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
          ms.add(message(i, "r" + i + "@example.net"));
        }
        long t0 = System.nanoTime();
        List<Outcome> os = sendAll(s, ms);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(os).allMatch(o -> o instanceof Outcome.Delivered);
        assertThat(s.throttles()).isZero();
        // Shaping can only slow sending down: 120 recipients at 40/s, less the 0.2 s burst.
        assertThat(seconds).isGreaterThan((120 - rate * 0.2 - 1) / rate * 0.98);
        assertThat(h.sim.core().inbox().total()).isEqualTo(120);
      }
    }
  }

  @Test
  void send_rateSetTwiceTooHigh_convergesAndLosesNothing() {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=20/s")) {
      SenderConfig c = SenderConfig.builder().maxInFlight(8).rateOverride(40).build();
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), c)) {
        List<OutboundMessage> ms = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          ms.add(message(i, "r" + i + "@example.net"));
        }
        List<Outcome> os = sendAll(s, ms);
        assertThat(os).allMatch(o -> o instanceof Outcome.Delivered);
        assertThat(s.throttles()).isPositive();
        assertThat(s.currentRate()).isLessThan(40);
        assertThat(h.sim.core().inbox().total()).isEqualTo(100);
      }
    }
  }

  @Test
  void send_twoSendersSharingOneAccount_eachTakesItsShare_andTogetherAreNotThrottled() {
    double rate = 40;
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=" + (int) rate + "/s")) {
      SenderConfig c = SenderConfig.builder().maxInFlight(16).build();
      try (SesSender a = sender(SesV2Transport.create(h.api(false)), c);
          SesSender b = sender(SesV2Transport.create(h.api(false)), c)) {
        a.setShare(0.5);
        b.setShare(0.5);
        assertThat(a.rateCeiling()).isEqualTo(rate / 2);
        assertThat(a.share()).isEqualTo(0.5);
        List<OutboundMessage> ms = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
          ms.add(message(i, "r" + i + "@example.net"));
        }
        List<CompletableFuture<Outcome>> fs = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
          fs.add((i % 2 == 0 ? a : b).send(ms.get(i)));
        }
        assertThat(fs).allMatch(f -> f.join() instanceof Outcome.Delivered);
        // Each alone at the full rate would have been throttled together.
        assertThat(a.throttles() + b.throttles()).isZero();
        assertThat(h.sim.core().inbox().total()).isEqualTo(120);
        // A fresh account reading keeps the share.
        a.refreshQuota();
        assertThat(a.rateCeiling()).isEqualTo(rate / 2);
        a.setShare(1);
        assertThat(a.rateCeiling()).isEqualTo(rate);
        a.setShare(0);
        assertThat(a.rateCeiling()).isPositive().isLessThan(1);
      }
    }
  }

  @Test
  void setRateOverride_downUpUnlimitedAndBackToTheAccount_ceilingAndRateFollowAtOnce()
      throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=40/s")) {
      try (SesSender s =
          sender(
              SesV2Transport.create(h.api(false)),
              SenderConfig.builder().maxInFlight(8).rateOverride(20).build())) {
        assertThat(s.rateCeiling()).isEqualTo(20.0);
        s.setRateOverride(5); // a reload lowering the rate
        assertThat(s.rateCeiling()).isEqualTo(5.0);
        assertThat(s.currentRate()).isEqualTo(5.0);
        s.setRateOverride(30); // and raising it: no additive climb from 5
        assertThat(s.currentRate()).isEqualTo(30.0);
        s.setRateOverride(-1);
        assertThat(s.currentRate()).isNegative();
        s.setRateOverride(Double.NaN); // back to the account's MaxSendRate as last read
        assertThat(s.rateOverride()).isNaN();
        assertThat(s.rateCeiling()).isEqualTo(40.0);
        s.refreshQuota(); // and it stays with the account on the next reading
        assertThat(s.rateCeiling()).isEqualTo(40.0);
        s.setShare(0.5); // a share applies to a rate set by hand too
        s.setRateOverride(10);
        assertThat(s.rateCeiling()).isEqualTo(5.0);
        s.refreshQuota(); // a reading of the account does not undo a rate set by hand
        assertThat(s.rateCeiling()).isEqualTo(5.0);
        assertThat(s.send(message(0, "r0@example.net")).get(20, TimeUnit.SECONDS))
            .isInstanceOf(Outcome.Delivered.class);
      }
    }
  }

  @Test
  void send_atAShareOfZero_doesNotTakeTheDailyQuotaForSpent() throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=40/s")) {
      try (SesSender s =
          sender(
              SesV2Transport.create(h.api(false)), SenderConfig.builder().maxInFlight(8).build())) {
        // A node between partitions finishing what it had taken: the account has room.
        s.setShare(0);
        assertThat(s.send(message(0, "r0@example.net")).get(20, TimeUnit.SECONDS))
            .isInstanceOf(Outcome.Delivered.class);
        s.setShare(1);
        assertThat(s.send(message(1, "r1@example.net")).get(20, TimeUnit.SECONDS))
            .isInstanceOf(Outcome.Delivered.class);
      }
    }
  }

  @Test
  void send_waitingAtAShareOfZero_goesOutSoonAfterTheShareGrows() throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=40/s")) {
      try (SesSender s =
          sender(
              SesV2Transport.create(h.api(false)),
              // Long enough that none of the six is sent back to the spool while it waits.
              SenderConfig.builder().maxInFlight(8).maxShapeWait(Duration.ofMinutes(2)).build())) {
        s.setShare(0); // 0.1 recipients a second: the sixth would wait 50 s at that rate
        List<CompletableFuture<Outcome>> fs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          fs.add(s.send(message(i, "r" + i + "@example.net")));
        }
        s.setShare(1);
        // The current rate moves with the share at once, not by additive recovery.
        assertThat(s.currentRate()).isEqualTo(40.0);
        // Waits are looked at again at least every second, so the new rate takes over.
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
            .get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(fs).allMatch(f -> f.join() instanceof Outcome.Delivered);
      }
    }
  }

  @Test
  void send_shareOfTheDailyQuota_pausesAtItsShareOfWhatIsLeft() {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=unlimited", "max-24h-send=10")) {
      try (SesSender s =
          sender(
              SesV2Transport.create(h.api(false)), SenderConfig.builder().maxInFlight(1).build())) {
        s.setShare(0.5);
        List<Outcome> os = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
          os.add(s.send(message(i, "r" + i + "@example.net")).join());
        }
        assertThat(os.subList(0, 5)).allMatch(o -> o instanceof Outcome.Delivered);
        assertThat(os.subList(5, 7)).allMatch(o -> o instanceof Outcome.Deferred);
        assertThat(s.dailyPaused()).isTrue();
        assertThat(h.sim.core().inbox().total()).isEqualTo(5);
      }
    }
  }

  @Test
  void share_outsideZeroToOne_isRefused() {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=unlimited")) {
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), SenderConfig.defaults())) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.setShare(1.5))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("share");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.setShare(Double.NaN))
            .isInstanceOf(IllegalArgumentException.class);
        s.setShare(0.25);
        assertThat(s.rateCeiling()).isNegative(); // unlimited stays unlimited
      }
    }
  }

  @Test
  void send_dailyQuotaSpent_pausesThenResumesWhenTheWindowHasRoom() throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=unlimited", "max-24h-send=5")) {
      try (SesSender s =
          sender(
              SesV2Transport.create(h.api(false)), SenderConfig.builder().maxInFlight(1).build())) {
        List<Outcome> first = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          first.add(s.send(message(i, "r" + i + "@example.net")).join());
        }
        assertThat(first.subList(0, 5)).allMatch(o -> o instanceof Outcome.Delivered);
        assertThat(first.subList(5, 8))
            .allSatisfy(
                o ->
                    assertThat(o)
                        .isInstanceOfSatisfying(
                            Outcome.Deferred.class,
                            d -> {
                              assertThat(d.scope()).isEqualTo(Outcome.Scope.ACCOUNT);
                              assertThat(d.reason()).contains("Daily message quota exceeded");
                            }));
        assertThat(s.dailyPaused()).isTrue();
        // Nothing more reached the upstream while paused: the pause is local.
        assertThat(h.sim.core().inbox().total()).isEqualTo(5);
        h.setQuota("max-24h-send=100");
        s.refreshQuota();
        assertThat(s.dailyPaused()).isFalse();
        assertThat(s.send(message(9, "late@example.net")).join())
            .isInstanceOf(Outcome.Delivered.class);
      }
    }
  }

  @Test
  void send_injected5xxAndResets_retriesAndLosesNothing() {
    try (SimulatorHarness h =
        new SimulatorHarness("max-send-rate=unlimited", "v2.fault-rate=0.3", "v2.reset-rate=0.1")) {
      SenderConfig c =
          SenderConfig.builder()
              .maxInFlight(8)
              .retries(20, Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMinutes(1))
              .build();
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), c)) {
        List<OutboundMessage> ms = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          ms.add(message(i, "r" + i + "@example.net"));
        }
        List<Outcome> os = sendAll(s, ms);
        assertThat(os).allMatch(o -> o instanceof Outcome.Delivered);
        assertThat(os.stream().mapToInt(o -> ((Outcome.Delivered) o).calls()).sum())
            .isGreaterThan(100);
        // Faults are injected before the simulator accepts, so each message arrived exactly once.
        assertThat(h.sim.core().inbox().total()).isEqualTo(100);
      }
    }
  }

  @Test
  void send_permanentRefusal_isSurfacedOnceWithoutRetry() throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=unlimited")) {
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), SenderConfig.defaults())) {
        Outcome o = s.send(message(1, "not-an-address")).join();
        assertThat(o)
            .isInstanceOfSatisfying(
                Outcome.Failed.class, f -> assertThat(f.reason()).contains("@domain"));
        assertThat(h.metric("simulator_sends_total", "outcome=\"invalid_parameter\""))
            .isEqualTo(1.0);
      }
    }
  }

  @Test
  void send_hungUpstream_isDeferredAfterBoundedAttempts() {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=unlimited", "v2.hang-rate=1")) {
      SenderConfig c =
          SenderConfig.builder()
              .retries(2, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(30))
              .build();
      try (SesSender s =
          sender(SesV2Transport.create(h.api(false).withCallTimeout(Duration.ofMillis(300))), c)) {
        Outcome o = s.send(message(1, "a@example.net")).join();
        assertThat(o)
            .isInstanceOfSatisfying(
                Outcome.Deferred.class,
                d -> assertThat(d.scope()).isEqualTo(Outcome.Scope.UPSTREAM));
      }
    }
  }

  @Test
  void send_moreThan50Recipients_isSplitAndEachCallChargedItsOwn() {
    try (SimulatorHarness h =
        new SimulatorHarness("max-send-rate=unlimited", "max-24h-send=unlimited")) {
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), SenderConfig.defaults())) {
        String[] to = new String[120];
        for (int i = 0; i < to.length; i++) {
          to[i] = "r" + i + "@example.net";
        }
        Outcome o = s.send(message(1, to)).join();
        assertThat(o)
            .isInstanceOfSatisfying(
                Outcome.Delivered.class, d -> assertThat(d.upstreamIds()).hasSize(3));
        List<ReceivedMessage> got = h.sim.core().inbox().recent(10, m -> true);
        assertThat(got)
            .extracting(m -> m.recipients().size())
            .containsExactlyInAnyOrder(50, 50, 20);
        assertThat(h.sim.core().ledger().sentLast24Hours()).isEqualTo(120);
      }
    }
  }

  @Test
  void send_splitWithOneBadAddressInALaterChunk_onlyThatRecipientFails() throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=unlimited")) {
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), SenderConfig.defaults())) {
        String[] to = new String[60];
        for (int i = 0; i < to.length; i++) {
          to[i] = i == 55 ? "broken" : "r" + i + "@example.net";
        }
        Outcome o = s.send(message(1, to)).join();
        // SES names no address in "Missing final '@domain'": the refused call is halved until the
        // bad recipient stands alone; everybody else gets the message once.
        assertThat(o)
            .isInstanceOfSatisfying(
                Outcome.Failed.class,
                f -> {
                  assertThat(f.delivered()).hasSize(59).doesNotContain("broken");
                  assertThat(f.reason()).contains("@domain");
                });
        assertThat(h.sim.core().inbox().recent(100, m -> true))
            .flatExtracting(ReceivedMessage::recipients)
            .hasSize(59)
            .doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void send_recipientNamedInTheRefusal_othersAreDeliveredInOneMoreCall() throws Exception {
    try (SimulatorHarness h =
        new SimulatorHarness("sandbox=true", "verified-identities=example.com,ok@example.org")) {
      try (SesSender s =
          sender(
              SesV2Transport.create(h.api(false)),
              SenderConfig.builder().rateOverride(-1).build())) {
        Outcome o =
            s.send(
                    new OutboundMessage(
                        "m1",
                        new Envelope(
                            "sender@example.com",
                            List.of(
                                "success@simulator.amazonses.com",
                                "stranger@example.net",
                                "ok@example.org")),
                        "From: sender@example.com\r\nSubject: x\r\n\r\nhi\r\n"
                            .getBytes(StandardCharsets.US_ASCII)))
                .join();
        assertThat(o)
            .isInstanceOfSatisfying(
                Outcome.Failed.class,
                f -> {
                  assertThat(f.delivered())
                      .containsExactly("success@simulator.amazonses.com", "ok@example.org");
                  assertThat(f.reason()).contains("not verified").contains("stranger@example.net");
                });
        // The refused call and one more without the stranger.
        assertThat(h.metric("simulator_sends_total", "outcome=\"message_rejected\""))
            .isEqualTo(1.0);
        assertThat(h.metric("simulator_sends_total", "outcome=\"accepted\"")).isEqualTo(1.0);
      }
    }
  }

  @Test
  void send_messageWideRefusal_failsEveryRecipientWithoutMoreCalls() throws Exception {
    try (SimulatorHarness h =
        new SimulatorHarness("max-send-rate=unlimited", "verified-identities=example.com")) {
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), SenderConfig.defaults())) {
        OutboundMessage m =
            new OutboundMessage(
                "m1",
                new Envelope(
                    "sender@unverified.example", List.of("a@example.net", "b@example.net")),
                "From: sender@unverified.example\r\n\r\nhi\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        Outcome o = s.send(m).join();
        assertThat(o)
            .isInstanceOfSatisfying(
                Outcome.Failed.class,
                f -> {
                  assertThat(f.delivered()).isEmpty();
                  assertThat(f.reason()).contains("sender@unverified.example");
                });
        assertThat(h.metric("simulator_sends_total", "outcome=")).isEqualTo(1.0);
      }
    }
  }

  /**
   * The defaults a user starts with: the simulator's (and SES's) 14/s, whose bucket the sender
   * holds as 2.8 tokens, and the sandbox's 1/s, whose bucket holds one. Calls with more recipients
   * than that go as SES takes them: at once from a full bucket, leaving it in debt.
   */
  @Test
  void send_callsLargerThanTheBucketAtTheDefaultRates_areDeliveredWithoutThrottles()
      throws Exception {
    for (String rate : new String[] {"14/s", "1/s"}) {
      try (SimulatorHarness h = new SimulatorHarness("max-send-rate=" + rate)) {
        try (SesSender s =
            sender(
                SesV2Transport.create(h.api(false)),
                SenderConfig.builder().maxInFlight(8).build())) {
          List<OutboundMessage> ms = new ArrayList<>();
          int[] sizes = rate.equals("1/s") ? new int[] {3, 3} : new int[] {17, 20};
          for (int i = 0; i < sizes.length; i++) {
            String[] to = new String[sizes[i]];
            for (int j = 0; j < to.length; j++) {
              to[j] = "r" + i + "-" + j + "@example.net";
            }
            ms.add(message(i, to));
          }
          CompletableFuture<?>[] fs = ms.stream().map(s::send).toArray(CompletableFuture[]::new);
          CompletableFuture.allOf(fs).get(30, TimeUnit.SECONDS);
          assertThat(fs).allMatch(f -> f.join() instanceof Outcome.Delivered);
          assertThat(s.throttles()).as(rate).isZero();
          assertThat(h.metric("simulator_sends_total", "outcome=\"rate_exceeded\""))
              .as(rate)
              .isZero();
          assertThat(h.sim.core().inbox().total()).isEqualTo(sizes.length);
        }
      }
    }
  }

  @Test
  void send_rateBookedFurtherAheadThanTheLongestWait_isDeferredVisiblyNotParked() throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=1/s")) {
      SenderConfig c = SenderConfig.builder().maxShapeWait(Duration.ofSeconds(2)).build();
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), c)) {
        String[] five = {
          "a@example.net", "b@example.net", "c@example.net", "d@example.net", "e@x.net"
        };
        assertThat(s.send(message(1, five)).get(20, TimeUnit.SECONDS))
            .isInstanceOf(Outcome.Delivered.class);
        // Four tokens of debt at 1/s: the next call would wait 5 s, more than the 2 s allowed.
        Outcome o = s.send(message(2, "late@example.net")).get(20, TimeUnit.SECONDS);
        assertThat(o)
            .isInstanceOfSatisfying(
                Outcome.Deferred.class,
                d -> {
                  assertThat(d.scope()).isEqualTo(Outcome.Scope.ACCOUNT);
                  assertThat(d.reason()).startsWith("waiting for the send rate");
                  // Back when the debt is half worked off: about 5 - 1 = 4 s from now.
                  assertThat(d.retryAfter())
                      .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(5));
                });
        assertThat(h.sim.core().inbox().total()).isEqualTo(1);
      }
    }
  }

  @Test
  void close_whileACallWaitsForTheRate_defersItWithoutWaitingTheGrace() throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=1/s")) {
      SesSender s = sender(SesV2Transport.create(h.api(false)), SenderConfig.defaults());
      String[] twenty = new String[20];
      for (int i = 0; i < twenty.length; i++) {
        twenty[i] = "r" + i + "@example.net";
      }
      assertThat(s.send(message(1, twenty)).get(20, TimeUnit.SECONDS))
          .isInstanceOf(Outcome.Delivered.class);
      CompletableFuture<Outcome> waiting = s.send(message(2, "next@example.net"));
      CompletableFuture<Void> closed =
          CompletableFuture.runAsync(() -> s.close(Duration.ofMinutes(10)));
      // It would wait ~20 s for the rate, and the grace is 10 minutes: closing ends it now.
      assertThat(waiting.get(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              Outcome.Deferred.class, d -> assertThat(d.reason()).contains("closing"));
      closed.get(10, TimeUnit.SECONDS);
      assertThat(h.sim.core().inbox().total()).isEqualTo(1);
    }
  }

  @Test
  void drain_whileACallWaitsForTheRate_defersItAtOnceAndLetsCallsOnTheWireFinish()
      throws Exception {
    try (SimulatorHarness h = new SimulatorHarness("max-send-rate=1/s", "v2.latency=300ms")) {
      try (SesSender s = sender(SesV2Transport.create(h.api(false)), SenderConfig.defaults())) {
        String[] ten = new String[10];
        for (int i = 0; i < ten.length; i++) {
          ten[i] = "r" + i + "@example.net";
        }
        CompletableFuture<Outcome> onTheWire = s.send(message(1, ten));
        // the ten took the bucket and are on the wire for 300 ms
        Await.until("the ten on the wire", Duration.ofSeconds(10), () -> s.inFlight() == 1);
        CompletableFuture<Outcome> waiting = s.send(message(2, "next@example.net"));
        s.drain();
        assertThat(waiting.get(10, TimeUnit.SECONDS))
            .isInstanceOfSatisfying(
                Outcome.Deferred.class,
                d -> {
                  assertThat(d.reason()).isEqualTo("sender is closing");
                  // Stopping is nothing about the message: it does not use up an attempt.
                  assertThat(d.scope()).isEqualTo(Outcome.Scope.ACCOUNT);
                });
        assertThat(onTheWire.get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.Delivered.class);
        assertThat(s.send(message(3, "after@example.net")).get(10, TimeUnit.SECONDS))
            .isInstanceOf(Outcome.Deferred.class);
      }
    }
  }
}
