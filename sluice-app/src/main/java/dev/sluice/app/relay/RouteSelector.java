package dev.sluice.app.relay;

import java.util.List;
import java.util.Set;

/**
 * Picks the route of a message: the route its {@code X-Sluice-Route} header names, else the first
 * rule that matches, else {@value RoutesConfig#DEFAULT}. The doors refuse a header naming no route
 * ({@link dev.sluice.ingress.RelayHeaderRules}), so one reaches here only on a message spooled
 * before a restart removed its route: it is not lost but sent by the rules, and the name is
 * reported in the choice, which the sender logs.
 *
 * <p>Immutable; thread-safe.
 */
final class RouteSelector {
  /**
   * A route picked for a message.
   *
   * @param route the route's name
   * @param why what picked it, for logs: {@code header}, the rule as written, or {@code default}
   * @param unknownHeader the route a header named that does not exist, or null
   */
  record Choice(String route, String why, String unknownHeader) {}

  private final List<RoutesConfig.Rule> rules;
  private final Set<String> names;

  RouteSelector(RoutesConfig config) {
    this.rules = config.rules();
    this.names = config.names();
  }

  /** The route for a message with these facts. */
  Choice select(MessageFacts m) {
    String unknown = null;
    if (m.headerRoute() != null) {
      if (names.contains(m.headerRoute())) {
        return new Choice(m.headerRoute(), "header", null);
      }
      unknown = m.headerRoute();
    }
    for (RoutesConfig.Rule r : rules) {
      if (r.matches(m)) {
        return new Choice(r.route(), r.toString(), unknown);
      }
    }
    return new Choice(RoutesConfig.DEFAULT, RoutesConfig.DEFAULT, unknown);
  }
}
