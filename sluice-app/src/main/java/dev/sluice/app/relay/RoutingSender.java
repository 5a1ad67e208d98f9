package dev.sluice.app.relay;

import dev.sluice.core.Clock;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.transport.AccountGate;
import dev.sluice.core.transport.MessageSender;
import dev.sluice.core.transport.SendGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's sender when the relay has routes: picks each message's route ({@link
 * RouteSelector}), the route that sends it now ({@link FailOver}), takes the {@code X-Sluice-Route}
 * header out, and hands the message to that route's engine.
 *
 * <p>Design: a message is handed to exactly one route's engine per take, and its outcome is
 * recorded once by the scheduler, so a switch can neither lose nor duplicate it: a message the
 * failing route refused (its account paused, its quota spent) comes back as a deferral of scope
 * ACCOUNT, which does not count as an attempt, and is made due at once when another route on its
 * chain can take it; the recorder narrows it to the recipients still waiting. A message whose route
 * and fail-over chain all cannot send is not handed to any engine: it is deferred (scope ACCOUNT)
 * until the first of them opens. The scheduler's gate ({@link #gate()}) is closed only while no
 * route can send, so one closed route does not stop the others' mail.
 *
 * <p>Thread-safe.
 */
final class RoutingSender implements MessageSender {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingSender.class);
  private static final Set<String> STRIPPED = Set.of(MessageFacts.ROUTE_HEADER);

  private final Map<String, MessageSender> senders;
  private final Map<String, AccountGate> gates;
  private final RouteSelector selector;
  private final FailOver failOver;
  private final String defaultSet;
  private final Map<String, Counter> handedOver = new ConcurrentHashMap<>();
  private final Map<String, Boolean> unknownLogged = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  /**
   * @param senders each route's engine by name, the default route among them
   * @param gates each route's gate by name
   * @param defaultSet the relay's configuration set for messages naming none, or empty
   */
  RoutingSender(
      RoutesConfig config,
      Map<String, ? extends MessageSender> senders,
      Map<String, AccountGate> gates,
      String defaultSet,
      Clock clock,
      MeterRegistry registry) {
    this.senders = Map.copyOf(new LinkedHashMap<>(senders));
    this.gates = Map.copyOf(gates);
    this.selector = new RouteSelector(config);
    this.failOver = new FailOver(gates, config::failOver, clock);
    this.defaultSet = defaultSet;
    this.registry = registry;
  }

  @Override
  public CompletableFuture<Outcome> send(OutboundMessage message) {
    return send(message, "");
  }

  @Override
  public CompletableFuture<Outcome> send(OutboundMessage message, String origin) {
    List<HeaderSection.Field> fields = HeaderSection.fields(message.content());
    RouteSelector.Choice choice =
        selector.select(MessageFacts.of(message, fields, origin, defaultSet));
    if (choice.unknownHeader() != null
        && unknownLogged.putIfAbsent(choice.unknownHeader(), Boolean.TRUE) == null) {
      LOG.warn(
          "{} names no route: '{}' (message {}, and any later one naming it); sent by the rules"
              + " instead, to route {}",
          MessageFacts.ROUTE_HEADER,
          choice.unknownHeader(),
          message.id(),
          choice.route());
    }
    FailOver.Pick pick = failOver.pick(choice.route());
    if (pick instanceof FailOver.Wait w) {
      return CompletableFuture.completedFuture(
          new Outcome.Deferred(Outcome.Scope.ACCOUNT, w.why(), w.after(), List.of()));
    }
    FailOver.Send s = (FailOver.Send) pick;
    if (s.failedOver()) {
      handedOver(s.from(), s.route()).increment();
    }
    OutboundMessage out =
        new OutboundMessage(
            message.id(),
            message.envelope(),
            HeaderSection.without(message.content(), fields, STRIPPED),
            message.trafficClass());
    return senders.get(s.route()).send(out).thenApply(o -> backSooner(o, s));
  }

  /**
   * A deferral for the sending route's account made due at once when another route on the chain can
   * take the message now, instead of after the failing route's wait: its mail moves as soon as the
   * route is seen failing.
   */
  private Outcome backSooner(Outcome o, FailOver.Send sent) {
    if (o instanceof Outcome.Deferred d
        && d.scope() == Outcome.Scope.ACCOUNT
        && !d.retryAfter().isZero()
        && failOver.unhealthy(sent.route())
        && failOver.sendsVia(sent.from()) instanceof String other
        && !other.equals(sent.route())) {
      return new Outcome.Deferred(d.scope(), d.reason(), Duration.ZERO, d.delivered());
    }
    return o;
  }

  private Counter handedOver(String from, String to) {
    return handedOver.computeIfAbsent(
        from + "\u0000" + to,
        k ->
            Counter.builder("sluice.route.failovers")
                .tag("route", from)
                .tag("to", to)
                .description("Messages picked for a route and sent by its fail-over instead")
                .register(registry));
  }

  /** The route a route's mail goes to now, or null when none on its chain can send. */
  String sendsVia(String route) {
    return failOver.sendsVia(route);
  }

  /** Whether a route's gate is closed for a reason that fails it over. */
  boolean unhealthy(String route) {
    return failOver.unhealthy(route);
  }

  /** The scheduler's gate: closed only while no route can send. */
  SendGate gate() {
    return () -> {
      long opens = Long.MAX_VALUE;
      for (AccountGate g : gates.values()) {
        opens = Math.min(opens, g.opensAt());
      }
      return opens;
    };
  }
}
