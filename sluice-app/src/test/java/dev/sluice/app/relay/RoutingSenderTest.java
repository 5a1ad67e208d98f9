package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.transport.AccountGate;
import dev.sluice.core.transport.MessageSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingSenderTest {
  @TempDir Path dir;

  private final ManualClock clock = new ManualClock(1_000_000);
  private final AccountGate defaultGate = new AccountGate(clock);
  private final AccountGate euGate = new AccountGate(clock);
  private final Recording toDefault = new Recording();
  private final Recording toEu = new Recording();

  /** A route's engine that records what it is handed and answers as told. */
  private static final class Recording implements MessageSender {
    final List<OutboundMessage> got = new CopyOnWriteArrayList<>();
    volatile Outcome answer = new Outcome.Delivered(List.of("upstream-id"), 1);
    volatile Runnable onSend = () -> {};

    @Override
    public CompletableFuture<Outcome> send(OutboundMessage message) {
      got.add(message);
      onSend.run();
      return CompletableFuture.completedFuture(answer);
    }
  }

  private RoutingSender sender() {
    RoutesConfig routes =
        RelayConfig.onFreePorts(
                dir,
                "route.eu.upstream=simulator",
                "route.eu.fail-over=default",
                "route-rule.1=sender-domain eu.example -> eu")
            .delivery()
            .routes();
    return new RoutingSender(
        routes,
        Map.of("default", toDefault, "eu", toEu),
        Map.of("default", defaultGate, "eu", euGate),
        "",
        clock,
        new SimpleMeterRegistry());
  }

  private static OutboundMessage message(String from, String headers) {
    return new OutboundMessage(
        "q1",
        new Envelope(from, List.of("to@example.net")),
        (headers + "Subject: hi\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void send_routeHeader_picksTheRouteAndIsTakenOut() {
    Outcome o = sender().send(message("a@other.example", "X-Sluice-Route: EU\r\n"), "").join();
    assertThat(o).isInstanceOf(Outcome.Delivered.class);
    assertThat(toDefault.got).isEmpty();
    assertThat(new String(toEu.got.get(0).content(), StandardCharsets.US_ASCII))
        .isEqualTo("Subject: hi\r\n\r\nbody\r\n");
  }

  @Test
  void send_messageOfATrafficClass_reachesItsRouteInTheSameClass() {
    OutboundMessage m = message("a@eu.example", "X-Sluice-Route: eu\r\n");
    sender()
        .send(new OutboundMessage(m.id(), m.envelope(), m.content(), "transactional"), "")
        .join();
    assertThat(toEu.got.get(0).trafficClass()).isEqualTo("transactional");
  }

  @Test
  void send_unknownRouteHeader_rulesDecideAndTheHeaderIsTakenOut() {
    sender().send(message("a@other.example", "X-Sluice-Route: nowhere\r\n"), "").join();
    assertThat(toEu.got).isEmpty();
    assertThat(new String(toDefault.got.get(0).content(), StandardCharsets.US_ASCII))
        .doesNotContainIgnoringCase("x-sluice-route");
  }

  @Test
  void send_routePaused_goesToItsFailOverAndBackWhenItsGateOpens() {
    RoutingSender s = sender();
    euGate.close(AccountGate.Reason.ACCOUNT_PAUSED, Duration.ofMinutes(5), "Sending paused");
    s.send(message("a@eu.example", ""), "").join();
    assertThat(toDefault.got).hasSize(1);
    assertThat(toEu.got).isEmpty();
    clock.advance(Duration.ofMinutes(5));
    s.send(message("a@eu.example", ""), "").join();
    assertThat(toEu.got).hasSize(1);
    assertThat(toDefault.got).hasSize(1);
  }

  @Test
  void send_routeRefusesForItsAccount_deferralDueAtOnceForTheFailOver() {
    RoutingSender s = sender();
    toEu.answer =
        new Outcome.Deferred(
            Outcome.Scope.ACCOUNT, "Sending paused", Duration.ofMinutes(5), List.of("x@y"));
    toEu.onSend =
        () -> euGate.close(AccountGate.Reason.ACCOUNT_PAUSED, Duration.ofMinutes(5), "paused");
    Outcome o = s.send(message("a@eu.example", ""), "").join();
    assertThat(o)
        .isEqualTo(
            new Outcome.Deferred(
                Outcome.Scope.ACCOUNT, "Sending paused", Duration.ZERO, List.of("x@y")));
  }

  @Test
  void send_routeAndFailOverClosed_deferredForTheAccountWithoutASend() {
    RoutingSender s = sender();
    euGate.close(AccountGate.Reason.ACCOUNT_PAUSED, Duration.ofMinutes(5), "paused");
    defaultGate.close(AccountGate.Reason.DAILY_QUOTA, Duration.ofMinutes(1), "spent");
    Outcome o = s.send(message("a@eu.example", ""), "").join();
    assertThat(o).isInstanceOf(Outcome.Deferred.class);
    Outcome.Deferred d = (Outcome.Deferred) o;
    assertThat(d.scope()).isEqualTo(Outcome.Scope.ACCOUNT);
    assertThat(d.retryAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(toEu.got).isEmpty();
    assertThat(toDefault.got).isEmpty();
  }

  @Test
  void gate_oneRouteClosed_staysOpenUntilEveryRouteIs() {
    RoutingSender s = sender();
    euGate.close(AccountGate.Reason.ACCOUNT_PAUSED, Duration.ofMinutes(5), "paused");
    assertThat(s.gate().opensAt()).isLessThanOrEqualTo(clock.millis());
    defaultGate.close(AccountGate.Reason.DAILY_QUOTA, Duration.ofMinutes(1), "spent");
    assertThat(s.gate().opensAt()).isEqualTo(clock.millis() + 60_000);
  }

  @Test
  void send_userRule_readsTheOrigin() {
    RoutesConfig routes =
        RelayConfig.onFreePorts(dir, "route.eu.upstream=simulator", "route-rule.1=user app -> eu")
            .delivery()
            .routes();
    RoutingSender s =
        new RoutingSender(
            routes,
            Map.of("default", toDefault, "eu", toEu),
            Map.of("default", defaultGate, "eu", euGate),
            "",
            clock,
            new SimpleMeterRegistry());
    s.send(message("a@x.example", ""), "smtp 127.0.0.1 user=app tls").join();
    s.send(message("a@x.example", ""), "smtp 127.0.0.1").join();
    assertThat(toEu.got).hasSize(1);
    assertThat(toDefault.got).hasSize(1);
  }
}
