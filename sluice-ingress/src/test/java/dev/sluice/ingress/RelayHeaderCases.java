package dev.sluice.ingress;

import java.util.ArrayList;
import java.util.List;

/**
 * Messages whose {@code X-Sluice-Route} or {@code X-Sluice-Class} both doors refuse, and ones they
 * take, with the words each refusal must answer: written once so the unit test, the SMTP test and
 * the HTTP test check the same text.
 */
public final class RelayHeaderCases {
  /** The relay's routes in these tests. */
  public static final List<String> ROUTES = List.of("default", "eu");

  /** The relay's classes in these tests. */
  public static final List<String> CLASSES = List.of("transactional", "bulk");

  /** The rules the doors are started with in these tests. */
  public static final RelayHeaderRules RULES = RelayHeaderRules.of(ROUTES, CLASSES);

  private static final String ROUTES_TEXT = "; this relay's routes: default, eu";
  private static final String CLASSES_TEXT = "; this relay's classes: transactional, bulk";

  /** A message with these header lines (each ending in CRLF) between From and Subject. */
  public static String message(String headers) {
    return SesHeaderCases.message(headers);
  }

  /** The words for a route the relay does not have. */
  public static String unknownRoute(String name) {
    return "X-Sluice-Route names route '"
        + name
        + "', which this relay does not have"
        + ROUTES_TEXT;
  }

  /** The words for a class the relay does not have. */
  public static String unknownClass(String name) {
    return "X-Sluice-Class names class '"
        + name
        + "', which this relay does not have"
        + CLASSES_TEXT;
  }

  /** Header lines, whether it is the route (true) or the class (false), and the refusal's words. */
  public static List<Object[]> refused() {
    List<Object[]> out = new ArrayList<>();
    out.add(new Object[] {"X-Sluice-Route: us\r\n", true, unknownRoute("us")});
    out.add(new Object[] {"x-sluice-route: nowhere\r\n", true, unknownRoute("nowhere")});
    out.add(
        new Object[] {
          "X-Sluice-Route:\r\n",
          true,
          "The X-Sluice-Route header field is empty; name a route" + ROUTES_TEXT
        });
    out.add(
        new Object[] {
          "X-Sluice-Route:   \r\n",
          true,
          "The X-Sluice-Route header field is empty; name a route" + ROUTES_TEXT
        });
    out.add(new Object[] {"X-Sluice-Route: eu west\r\n", true, unknownRoute("eu west")});
    out.add(new Object[] {"X-Sluice-Route: \"eu\"\r\n", true, unknownRoute("\"eu\"")});
    out.add(
        new Object[] {
          "X-Sluice-Route: eu\r\nX-Sluice-Route: eu\r\n",
          true,
          "The message has 2 X-Sluice-Route header fields; give one" + ROUTES_TEXT
        });
    out.add(
        new Object[] {
          "X-Sluice-Route: eu\r\nX-Sluice-Route: default\r\n",
          true,
          "The message has 2 X-Sluice-Route header fields; give one" + ROUTES_TEXT
        });
    out.add(new Object[] {"X-Sluice-Class: urgent\r\n", false, unknownClass("urgent")});
    out.add(
        new Object[] {
          "X-Sluice-Class:\r\n",
          false,
          "The X-Sluice-Class header field is empty; name a class" + CLASSES_TEXT
        });
    out.add(
        new Object[] {
          "X-Sluice-Class: bulk\r\nx-sluice-class: Transactional\r\n",
          false,
          "The message has 2 X-Sluice-Class header fields; give one" + CLASSES_TEXT
        });
    // The route is checked first: a message with both wrong is refused for its route.
    out.add(
        new Object[] {
          "X-Sluice-Class: urgent\r\nX-Sluice-Route: us\r\n", true, unknownRoute("us")
        });
    return out;
  }

  /** Header lines the doors take: names in any case, folded or with white space around. */
  public static List<String> taken() {
    return List.of(
        "",
        "X-Sluice-Route: eu\r\n",
        "X-Sluice-Route: EU\r\n",
        "X-SLUICE-ROUTE:    default   \r\n",
        "X-Sluice-Route:\r\n eu\r\n",
        "X-Sluice-Class: Transactional\r\n",
        "X-Sluice-Route: eu\r\nX-Sluice-Class: bulk\r\n");
  }

  private RelayHeaderCases() {}
}
