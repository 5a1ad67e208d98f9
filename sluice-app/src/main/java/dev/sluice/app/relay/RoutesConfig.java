package dev.sluice.app.relay;

import dev.sluice.core.config.ConfigException;
import dev.sluice.ses.AssumedRole;
import dev.sluice.ses.UpstreamUrl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay's routes and the rules that pick one per message, from the configuration's open
 * sections {@code relay.route.NAME.ATTRIBUTE} and {@code relay.route-rule.N}.
 *
 * <p>The grammar:
 *
 * <pre>
 * relay.route.eu.upstream = ses-v2://eu-west-1      # required: simulator or a URL (as relay.upstream)
 * relay.route.eu.region = eu-west-1                 # optional; else the URL's, relay.region's or AWS_REGION
 * relay.route.eu.max-send-rate = 100/s              # optional: account (default), N/s or unlimited
 * relay.route.eu.credentials-profile = eu-sender    # optional: a profile of ~/.aws; else the default chain
 * relay.route.eu.assume-role = arn:aws:iam::123456789012:role/sender  # optional: sign as this role
 * relay.route.eu.assume-role-external-id = x-42    # optional: the role's external id
 * relay.route.eu.assume-role-session-name = relay  # optional: else sluice-NAME
 * relay.route.eu.fail-over = default                # optional: the route that takes its mail while it cannot send
 * relay.route.default.fail-over = eu                # the default route's only attribute
 * relay.route-rule.10 = sender-domain example.com -&gt; eu
 * relay.route-rule.20 = user app -&gt; eu
 * relay.route-rule.30 = configuration-set marketing -&gt; eu
 * </pre>
 *
 * <p>The route named {@value #DEFAULT} always exists: it is {@code relay.upstream}, {@code
 * relay.region} and {@code relay.max-send-rate}, and takes every message no rule and no {@code
 * X-Sluice-Route} header picks. Rules are tried in the numeric order of {@code N}; the first that
 * matches wins. {@code sender-domain} matches the envelope sender's domain, or any subdomain when
 * written {@code *.example.com}; {@code user} matches the SMTP AUTH or HTTP API user; {@code
 * configuration-set} matches the message's {@code X-SES-CONFIGURATION-SET} (or {@code
 * relay.configuration-set} when it names none). Every mistake stops the start naming the key.
 *
 * @param routes the routes besides the default one, by name, in the order given
 * @param rules the rules in the order they are tried
 * @param defaultFailOver the route the default one fails over to, if any
 */
public record RoutesConfig(
    Map<String, Route> routes, List<Rule> rules, Optional<String> defaultFailOver) {
  /** The route every message takes that nothing else picks; it is {@code relay.upstream}. */
  public static final String DEFAULT = "default";

  /** The prefix of the route keys. */
  public static final String ROUTE_PREFIX = "relay.route.";

  /** The prefix of the rule keys. */
  public static final String RULE_PREFIX = "relay.route-rule.";

  /** The example file's words on the route keys. */
  static final String ROUTE_DOC =
      """
      Routes (none by default): each is one upstream with its own live quota, send rate, daily
      window and health. The relay.upstream, relay.region and relay.max-send-rate keys above are the
      route named default, which takes every message no rule picks. A route whose account is
      paused, over its daily quota or failing hands its mail to its fail-over route until it can
      send again. Set in this file or with --set (not as flags or environment variables):
      relay.route.NAME.upstream = simulator, or a URL as relay.upstream takes (required)
      relay.route.NAME.region = the AWS region (default: the URL's, relay.region, AWS_REGION)
      relay.route.NAME.max-send-rate = account (default), e.g. 100/s, or unlimited
      relay.route.NAME.credentials-profile = an AWS profile (default: the standard chain)
      relay.route.NAME.assume-role = a role ARN to sign as, assumed through STS with the
        credentials above and renewed before it expires (SES API upstreams; STS at the
        route's own endpoint for simulator and endpoint URLs, else the region's)
      relay.route.NAME.assume-role-external-id = the external id the role asks for (default: none)
      relay.route.NAME.assume-role-session-name = the STS session name (default: sluice-NAME)
      relay.route.NAME.fail-over = the route that takes its mail while it cannot send
      relay.route.default.fail-over = the same for the default route
      For example:
      relay.route.eu.upstream = ses-v2://eu-west-1
      relay.route.eu.fail-over = default""";

  /** The example file's words on the rule keys. */
  static final String RULE_DOC =
      """
      Route rules (none by default). A message's X-Sluice-Route header picks the route it names
      (the header is taken out before sending; a name that is no route is refused at the door, and
      a message spooled for a route a restart removed goes by the rules, logged); else the rules
      are tried in the numeric order of N and the first that matches picks; else the default route. KIND is sender-domain (the envelope sender's domain; *.example.com for its
      subdomains), user (the SMTP AUTH or HTTP API user) or configuration-set (the message's
      X-SES-CONFIGURATION-SET, else relay.configuration-set).
      relay.route-rule.N = KIND VALUE -> ROUTE
      For example:
      relay.route-rule.10 = sender-domain eu.example.com -> eu
      relay.route-rule.20 = user newsletter -> eu""";

  /** No routes: everything goes to the default route. */
  public static final RoutesConfig NONE = new RoutesConfig(Map.of(), List.of(), Optional.empty());

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern RULE =
      Pattern.compile("\\s*([a-z-]+)\\s+(\\S+)\\s*->\\s*(\\S+)\\s*");
  private static final Set<String> ATTRIBUTES =
      Set.of(
          "upstream",
          "region",
          "max-send-rate",
          "credentials-profile",
          "assume-role",
          "assume-role-external-id",
          "assume-role-session-name",
          "fail-over");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

  /** Copies the collections. */
  public RoutesConfig {
    routes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(routes));
    rules = List.copyOf(rules);
  }

  /**
   * One route besides the default.
   *
   * @param name its name, as rules, the header and fail-over name it
   * @param upstream {@code simulator} or a URL, as {@code relay.upstream} takes it
   * @param region the AWS region, if given; else the URL's or the relay's
   * @param maxSendRate the rate it sends at
   * @param credentialsProfile the AWS profile whose credentials it signs with, if given; else the
   *     default chain
   * @param assumeRole the role it signs as, assumed with those credentials, if any
   * @param failOver the route that takes its mail while it cannot send, if any
   */
  public record Route(
      String name,
      String upstream,
      Optional<String> region,
      SendRate maxSendRate,
      Optional<String> credentialsProfile,
      Optional<AssumedRole.Role> assumeRole,
      Optional<String> failOver) {
    /** Checks for nulls. */
    public Route {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(upstream, "upstream");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(maxSendRate, "maxSendRate");
      Objects.requireNonNull(credentialsProfile, "credentialsProfile");
      Objects.requireNonNull(assumeRole, "assumeRole");
      Objects.requireNonNull(failOver, "failOver");
    }
  }

  /** What a rule looks at. */
  public enum Kind {
    /** The envelope sender's domain. */
    SENDER_DOMAIN("sender-domain"),
    /** The user who submitted the message (SMTP AUTH, HTTP API). */
    USER("user"),
    /** The message's configuration set. */
    CONFIGURATION_SET("configuration-set");

    private final String word;

    Kind(String word) {
      this.word = word;
    }

    /** The word in the configuration. */
    public String word() {
      return word;
    }

    static Kind of(String word) {
      for (Kind k : values()) {
        if (k.word.equals(word)) {
          return k;
        }
      }
      return null;
    }
  }

  /**
   * One rule: messages whose {@code kind} is {@code value} take {@code route}.
   *
   * @param order its N in {@code relay.route-rule.N}
   * @param kind what it looks at
   * @param value what it matches: a domain (lower case, {@code *.} for subdomains), a user, a set
   * @param route the route it picks
   */
  public record Rule(long order, Kind kind, String value, String route) {
    /** Whether the message's facts match. */
    public boolean matches(MessageFacts m) {
      return switch (kind) {
        case SENDER_DOMAIN -> {
          String d = m.senderDomain();
          if (d == null) {
            yield false;
          }
          yield value.startsWith("*.") ? d.endsWith(value.substring(1)) : d.equals(value);
        }
        case USER -> value.equals(m.user());
        case CONFIGURATION_SET -> value.equals(m.configurationSet());
      };
    }

    /** The rule as written. */
    @Override
    public String toString() {
      return kind.word + " " + value + " -> " + route;
    }
  }

  /** Whether there are routes besides the default one. */
  public boolean any() {
    return !routes.isEmpty();
  }

  /** Every route name, the default one first. */
  public Set<String> names() {
    Set<String> out = new LinkedHashSet<>();
    out.add(DEFAULT);
    out.addAll(routes.keySet());
    return out;
  }

  /** The route {@code name} fails over to, if any. */
  public Optional<String> failOver(String name) {
    if (name.equals(DEFAULT)) {
      return defaultFailOver;
    }
    Route r = routes.get(name);
    return r == null ? Optional.empty() : r.failOver();
  }

  /**
   * Reads the two sections.
   *
   * @param routeKeys the keys under {@value #ROUTE_PREFIX} with their text
   * @param ruleKeys the keys under {@value #RULE_PREFIX} with their text
   * @throws ConfigException naming the key and what was expected
   */
  public static RoutesConfig parse(Map<String, String> routeKeys, Map<String, String> ruleKeys) {
    Map<String, Map<String, String>> byRoute = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : routeKeys.entrySet()) {
      String rest = e.getKey().substring(ROUTE_PREFIX.length());
      int dot = rest.indexOf('.');
      if (dot <= 0 || dot == rest.length() - 1) {
        throw new ConfigException(
            "configuration key '"
                + e.getKey()
                + "': expected "
                + ROUTE_PREFIX
                + "NAME.ATTRIBUTE with ATTRIBUTE one of "
                + String.join(", ", sorted(ATTRIBUTES)));
      }
      String name = rest.substring(0, dot);
      String attribute = rest.substring(dot + 1);
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(
            "configuration key '"
                + e.getKey()
                + "': a route name is 1 to 63 lower-case letters, digits, '-' or '_', starting"
                + " with a letter or digit; got '"
                + name
                + "'");
      }
      if (!ATTRIBUTES.contains(attribute)) {
        throw new ConfigException(
            "configuration key '"
                + e.getKey()
                + "': unknown route attribute '"
                + attribute
                + "'; expected one of "
                + String.join(", ", sorted(ATTRIBUTES)));
      }
      if (name.equals(DEFAULT) && !attribute.equals("fail-over")) {
        throw new ConfigException(
            "configuration key '"
                + e.getKey()
                + "': the default route is relay.upstream, relay.region and relay.max-send-rate;"
                + " only "
                + ROUTE_PREFIX
                + DEFAULT
                + ".fail-over may be set");
      }
      byRoute.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(attribute, e.getValue());
    }
    Map<String, Route> routes = new LinkedHashMap<>();
    Optional<String> defaultFailOver = Optional.empty();
    for (Map.Entry<String, Map<String, String>> e : byRoute.entrySet()) {
      String name = e.getKey();
      Map<String, String> a = e.getValue();
      Optional<String> failOver = present(a.get("fail-over"));
      if (name.equals(DEFAULT)) {
        defaultFailOver = failOver;
        continue;
      }
      String key = ROUTE_PREFIX + name + ".";
      String upstream = a.get("upstream");
      if (upstream == null || upstream.isBlank()) {
        throw new ConfigException(
            "route '"
                + name
                + "': "
                + key
                + "upstream is missing (simulator, or a URL such as ses-v2://eu-west-1)");
      }
      if (upstream.equals(Upstream.AUTO)) {
        throw new ConfigException(
            "configuration key '"
                + key
                + "upstream': auto is for relay.upstream only; name the route's upstream"
                + " (simulator, or a URL such as ses-v2://eu-west-1)");
      }
      SendRate rate;
      try {
        RelayConfig.upstream(upstream);
        rate = SendRate.parse(a.getOrDefault("max-send-rate", "account"));
      } catch (ConfigException e2) {
        throw e2;
      } catch (RuntimeException e2) {
        throw new ConfigException("route '" + name + "': " + e2.getMessage());
      }
      routes.put(
          name,
          new Route(
              name,
              upstream,
              present(a.get("region")),
              rate,
              present(a.get("credentials-profile")),
              assumeRole(name, upstream, a),
              failOver));
    }
    RoutesConfig partial = new RoutesConfig(routes, List.of(), defaultFailOver);
    Set<String> names = partial.names();
    for (String name : names) {
      String to = partial.failOver(name).orElse(null);
      if (to == null) {
        continue;
      }
      String key = ROUTE_PREFIX + name + ".fail-over";
      if (!names.contains(to)) {
        throw new ConfigException(
            "configuration key '" + key + "': no route is named '" + to + "'; routes: " + names);
      }
      if (to.equals(name)) {
        throw new ConfigException(
            "configuration key '" + key + "': a route cannot fail over to itself");
      }
    }
    List<Rule> rules = new ArrayList<>();
    for (Map.Entry<String, String> e : ruleKeys.entrySet()) {
      rules.add(rule(e.getKey(), e.getValue(), names));
    }
    rules.sort(Comparator.comparingLong(Rule::order));
    return new RoutesConfig(routes, rules, defaultFailOver);
  }

  /** The route's role, checked as STS would check it, or empty when it names none. */
  private static Optional<AssumedRole.Role> assumeRole(
      String name, String upstream, Map<String, String> a) {
    String key = ROUTE_PREFIX + name + ".assume-role";
    Optional<String> given = present(a.get("assume-role"));
    if (given.isEmpty()) {
      for (String other : List.of("assume-role-external-id", "assume-role-session-name")) {
        if (a.containsKey(other)) {
          throw new ConfigException(
              "configuration key '"
                  + ROUTE_PREFIX
                  + name
                  + "."
                  + other
                  + "': it goes with "
                  + key
                  + ", which is not set");
        }
      }
      return Optional.empty();
    }
    String arn = given.get();
    if (!ROLE_ARN.matcher(arn).matches()) {
      throw new ConfigException(
          "configuration key '"
              + key
              + "': expected a role ARN such as arn:aws:iam::123456789012:role/sender; got '"
              + arn
              + "'");
    }
    if (!upstream.equals(Upstream.SIMULATOR)) {
      UpstreamUrl.Kind kind = UpstreamUrl.parse(upstream, "us-east-1").kind();
      if (kind == UpstreamUrl.Kind.SMTP || kind == UpstreamUrl.Kind.SES_SMTP) {
        throw new ConfigException(
            "configuration key '"
                + key
                + "': an assumed role signs SES API calls; route '"
                + name
                + "' sends by SMTP ("
                + upstream.replaceAll("//[^@/]*@", "//")
                + "), which takes a user and password instead");
      }
    }
    Optional<String> externalId = present(a.get("assume-role-external-id"));
    if (externalId.isPresent() && !EXTERNAL_ID.matcher(externalId.get()).matches()) {
      throw new ConfigException(
          "configuration key '"
              + key
              + "-external-id': STS takes 2 to 1224 letters, digits and +=,.@:/-_");
    }
    String session = present(a.get("assume-role-session-name")).orElse("sluice-" + name);
    if (!SESSION_NAME.matcher(session).matches()) {
      throw new ConfigException(
          "configuration key '"
              + key
              + "-session-name': STS takes 2 to 64 letters, digits and +=,.@-_; got '"
              + session
              + "'");
    }
    return Optional.of(new AssumedRole.Role(arn, externalId, session));
  }

  private static Rule rule(String key, String text, Set<String> names) {
    String n = key.substring(RULE_PREFIX.length());
    long order;
    try {
      order = Long.parseLong(n);
    } catch (NumberFormatException e) {
      order = -1;
    }
    if (order < 0) {
      throw new ConfigException(
          "configuration key '" + key + "': expected " + RULE_PREFIX + "N with N a number >= 0");
    }
    Matcher m = RULE.matcher(text);
    Kind kind = m.matches() ? Kind.of(m.group(1)) : null;
    if (kind == null) {
      throw new ConfigException(
          "configuration key '"
              + key
              + "': expected 'KIND VALUE -> ROUTE' with KIND sender-domain, user or"
              + " configuration-set, e.g. 'sender-domain example.com -> eu'; got '"
              + text
              + "'");
    }
    String value = m.group(2);
    String route = m.group(3);
    if (!names.contains(route)) {
      throw new ConfigException(
          "configuration key '" + key + "': no route is named '" + route + "'; routes: " + names);
    }
    if (kind == Kind.SENDER_DOMAIN) {
      value = value.toLowerCase(Locale.ROOT);
      String bare = value.startsWith("*.") ? value.substring(2) : value;
      if (bare.isEmpty() || bare.contains("*") || bare.contains("@") || bare.startsWith(".")) {
        throw new ConfigException(
            "configuration key '"
                + key
                + "': a sender domain is a domain (example.com) or *. and a domain for its"
                + " subdomains (*.example.com); got '"
                + m.group(2)
                + "'");
      }
    }
    return new Rule(order, kind, value, route);
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  /** A value given and not blank, stripped; empty otherwise. */
  private static Optional<String> present(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }
}
