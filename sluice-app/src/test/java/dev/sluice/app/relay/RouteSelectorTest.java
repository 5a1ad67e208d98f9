package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteSelectorTest {
  @TempDir Path dir;

  private static final List<String> DOMAINS = List.of("a.com", "b.com", "x.a.com", "c.org");
  private static final List<String> USERS = List.of("app", "news", "ops");
  private static final List<String> SETS = List.of("marketing", "receipts");
  private static final List<String> ROUTES = List.of("default", "r1", "r2", "r3");

  private RoutesConfig routes(String... rules) {
    List<String> s = new ArrayList<>();
    for (String r : ROUTES.subList(1, ROUTES.size())) {
      s.add("route." + r + ".upstream=simulator");
    }
    for (int i = 0; i < rules.length; i++) {
      s.add("route-rule." + (i * 10) + "=" + rules[i]);
    }
    return RelayConfig.onFreePorts(dir, s.toArray(String[]::new)).delivery().routes();
  }

  @Test
  void select_headerNamingARoute_winsOverRules() {
    RouteSelector s = new RouteSelector(routes("user app -> r1"));
    assertThat(s.select(new MessageFacts("a.com", "app", null, "r2")).route()).isEqualTo("r2");
  }

  @Test
  void select_headerNamingNoRoute_rulesDecideAndTheNameIsReported() {
    RouteSelector s = new RouteSelector(routes("user app -> r1"));
    RouteSelector.Choice c = s.select(new MessageFacts("a.com", "app", null, "nowhere"));
    assertThat(c.route()).isEqualTo("r1");
    assertThat(c.unknownHeader()).isEqualTo("nowhere");
  }

  @Test
  void select_subdomainPattern_matchesSubdomainsOnly() {
    RouteSelector s = new RouteSelector(routes("sender-domain *.a.com -> r1"));
    assertThat(s.select(new MessageFacts("x.a.com", null, null, null)).route()).isEqualTo("r1");
    assertThat(s.select(new MessageFacts("a.com", null, null, null)).route()).isEqualTo("default");
    assertThat(s.select(new MessageFacts("xa.com", null, null, null)).route()).isEqualTo("default");
  }

  @Test
  void user_origins_readTheSubmitter() {
    assertThat(MessageFacts.user("smtp 127.0.0.1 user=app tls")).isEqualTo("app");
    assertThat(MessageFacts.user("http 127.0.0.1 user=news")).isEqualTo("news");
    assertThat(MessageFacts.user("smtp 127.0.0.1")).isNull();
    assertThat(MessageFacts.user("")).isNull();
  }

  /** Over random rule lists and messages: the choice is the first matching rule's, else default. */
  @Test
  void select_randomRulesAndMessages_firstMatchingRuleWins() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int n = rnd.nextInt(6);
      String[] rules = new String[n];
      for (int i = 0; i < n; i++) {
        rules[i] =
            switch (rnd.nextInt(3)) {
                  case 0 -> "sender-domain " + pick(rnd, DOMAINS);
                  case 1 -> "user " + pick(rnd, USERS);
                  default -> "configuration-set " + pick(rnd, SETS);
                }
                + " -> "
                + pick(rnd, ROUTES);
      }
      RouteSelector s = new RouteSelector(routes(rules));
      for (int m = 0; m < 50; m++) {
        MessageFacts f =
            new MessageFacts(
                rnd.nextInt(5) == 0 ? null : pick(rnd, DOMAINS),
                rnd.nextInt(3) == 0 ? null : pick(rnd, USERS),
                rnd.nextInt(3) == 0 ? null : pick(rnd, SETS),
                rnd.nextInt(4) == 0 ? pick(rnd, List.of("r1", "r3", "none")) : null);
        String expected = expected(rules, f);
        assertThat(s.select(f).route())
            .as("seed %d, rules %s, message %s", seed, List.of(rules), f)
            .isEqualTo(expected);
      }
    }
  }

  /** The oracle: the rules read as text, one by one. */
  private static String expected(String[] rules, MessageFacts f) {
    if (f.headerRoute() != null && ROUTES.contains(f.headerRoute())) {
      return f.headerRoute();
    }
    for (String r : rules) {
      String[] w = r.split(" ");
      String got =
          switch (w[0]) {
            case "sender-domain" -> f.senderDomain();
            case "user" -> f.user();
            default -> f.configurationSet();
          };
      if (w[1].equals(got)) {
        return w[3];
      }
    }
    return "default";
  }

  private static String pick(Random rnd, List<String> from) {
    return from.get(rnd.nextInt(from.size()));
  }
}
