package dev.sluice.ingress;

import dev.sluice.core.ses.HeaderSection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The relay's own control headers, {@value #ROUTE_HEADER} and {@value #CLASS_HEADER}, checked at
 * both doors with the same words ({@code 550 5.6.0} at the end of SMTP data, HTTP {@code 400
 * unknown_route} or {@code unknown_class}): each, when present, must appear once and name one of
 * the relay's routes or traffic classes.
 *
 * <h2>Design note</h2>
 *
 * <p>A submitter who names a route or a class means it: mail sent with a name the relay does not
 * have (a typo, a route removed from the configuration, an application deployed before the relay
 * was) would otherwise go another way, by the rules or the default, and the submitter would never
 * learn it. Refusing at the door makes the mistake visible while the submitter still holds the
 * message. A name is matched without regard to case (route names are lower case, and class names
 * are matched so), after the header's value is unfolded and stripped of surrounding white space. An
 * empty value names nothing and is refused too, as is a header given twice, even with the same name
 * twice: two fields leave the relay to choose.
 *
 * <p>Only the doors refuse: the route of a message spooled before a restart that removed its route
 * is still decided at delivery, by the rules or the default route, and logged, so nothing already
 * accepted is lost.
 *
 * <p>Immutable and thread-safe.
 */
public final class RelayHeaderRules {
  /** The header naming a message's route; taken out before the message is sent. */
  public static final String ROUTE_HEADER = "X-Sluice-Route";

  /** The header naming a message's traffic class; taken out before the message is stored. */
  public static final String CLASS_HEADER = "X-Sluice-Class";

  /** Takes any value of either header: for doors that know no routes nor classes. */
  public static final RelayHeaderRules ANY = new RelayHeaderRules(true, List.of(), List.of());

  /** The longest name quoted back in a refusal, so the relay's names still fit after it. */
  private static final int MAX_NAME = 64;

  private final boolean any;
  private final List<String> routes;
  private final List<String> classes;

  private RelayHeaderRules(boolean any, List<String> routes, List<String> classes) {
    this.any = any;
    this.routes = routes;
    this.classes = classes;
  }

  /**
   * Rules that take only these names.
   *
   * @param routes the relay's routes, in the order to name them in a refusal
   * @param classes the relay's traffic classes, in the order to name them in a refusal
   */
  public static RelayHeaderRules of(List<String> routes, List<String> classes) {
    return new RelayHeaderRules(
        false,
        List.copyOf(Objects.requireNonNull(routes, "routes")),
        List.copyOf(Objects.requireNonNull(classes, "classes")));
  }

  /** The refusal of a message whose header section breaks these rules, if it does. */
  public Optional<MessageCheck.Refusal> check(byte[] message) {
    return check(HeaderSection.fields(message));
  }

  /** The same, for a header section the door has already read ({@link HeaderSection#fields}). */
  public Optional<MessageCheck.Refusal> check(List<HeaderSection.Field> fields) {
    if (any) {
      return Optional.empty();
    }
    String problem = problem(fields, ROUTE_HEADER, "route", "routes", routes);
    if (problem != null) {
      return Optional.of(MessageCheck.Refusal.fitted(MessageCheck.Problem.ROUTE_HEADER, problem));
    }
    problem = problem(fields, CLASS_HEADER, "class", "classes", classes);
    if (problem != null) {
      return Optional.of(MessageCheck.Refusal.fitted(MessageCheck.Problem.CLASS_HEADER, problem));
    }
    return Optional.empty();
  }

  private static String problem(
      List<HeaderSection.Field> fields,
      String header,
      String what,
      String plural,
      List<String> names) {
    List<HeaderSection.Field> named = HeaderSection.named(fields, header);
    if (named.isEmpty()) {
      return null;
    }
    String known = "; this relay's " + plural + ": " + String.join(", ", names);
    if (named.size() > 1) {
      return "The message has " + named.size() + " " + header + " header fields; give one" + known;
    }
    String value = named.getFirst().value();
    if (value.isEmpty()) {
      return "The " + header + " header field is empty; name a " + what + known;
    }
    for (String n : names) {
      if (n.equalsIgnoreCase(value)) {
        return null;
      }
    }
    String quoted = value.length() > MAX_NAME ? value.substring(0, MAX_NAME) + "..." : value;
    return header + " names " + what + " '" + quoted + "', which this relay does not have" + known;
  }
}
