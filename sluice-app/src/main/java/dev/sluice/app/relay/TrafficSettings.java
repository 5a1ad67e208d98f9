package dev.sluice.app.relay;

import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Settings;
import dev.sluice.core.spool.Submission;
import dev.sluice.core.traffic.TrafficClasses;
import dev.sluice.delivery.TenantLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The traffic classes and the rules that put a message in one: the {@code relay.classes} keys.
 *
 * <p>A message's class is, in order: the class its {@value #HEADER} header names (the field is
 * removed before the message is stored, so SES never sees it; the doors refuse a name that is no
 * class, see {@link dev.sluice.ingress.RelayHeaderRules}), the class of the first rule that matches
 * it, or the default class. A rule matches the submitting user ({@code user:NAME}, SMTP AUTH or the
 * HTTP API's login) or the envelope sender's domain ({@code domain:example.com}).
 *
 * <p>Classes are the embedded spool's: with {@code relay.spool.backend=kafka} the relay has one
 * class, and setting any class key is an error at start. A class lives in its own buckets, and in
 * distributed mode a bucket is a Kafka partition owned by one node whose share of the rate is its
 * share of the partitions; with the classes' buckets contiguous and the group assigning partitions
 * by range, the node holding the transactional partitions held a third of the rate and had nothing
 * to send while the bulk backlog waited on the others (3 nodes at MaxSendRate 300/s delivered
 * 200/s). Kafka mode stays exact about the account's rate; classes there need each class in every
 * node's partitions (a topic per class), which it does not have.
 *
 * <p>Tenants ({@code relay.tenant-limits}) are a submitting user, an envelope sender domain or a
 * name the message gives itself in its {@value #TENANT_HEADER} header, with caps per window; see
 * {@link TenantLimits}.
 *
 * @param classes the classes, their shares and the default
 * @param rules the rules, first match wins
 * @param tenants the tenants and their caps, first match wins
 */
public record TrafficSettings(
    TrafficClasses classes, List<Rule> rules, List<TenantLimits.Tenant> tenants) {
  /** The header naming a message's class. */
  public static final String HEADER = dev.sluice.ingress.RelayHeaderRules.CLASS_HEADER;

  /** The header naming a message's tenant; taken out before the message is stored. */
  public static final String TENANT_HEADER = "X-Sluice-Tenant";

  /** Checks for nulls. */
  public TrafficSettings {
    Objects.requireNonNull(classes, "classes");
    rules = List.copyOf(rules);
    tenants = List.copyOf(tenants);
  }

  /**
   * One rule: messages whose {@code what} ({@code user} or {@code domain}) is {@code value} go to
   * class {@code cls}.
   *
   * @param what {@code user} or {@code domain}
   * @param value the user name (exact) or the domain (case-insensitive)
   * @param cls the class's index
   */
  public record Rule(String what, String value, int cls) {}

  /** {@code relay.classes}. */
  public static final ConfigKey<String> CLASSES =
      new ConfigKey<>(
          "relay.classes",
          "transactional:30%,bulk:70%",
          "Traffic classes and their guaranteed shares of the rate, NAME:SHARE%, in order; a class"
              + " may use what the others leave. Each class gets its own spool buckets (in"
              + " proportion to its share, at least one), in-flight slots and line at the rate."
              + " Embedded spool only: with relay.spool.backend=kafka there is one class.",
          s -> s);

  /** {@code relay.class-default}. */
  public static final ConfigKey<String> DEFAULT =
      new ConfigKey<>(
          "relay.class-default",
          "bulk",
          "The class of a message no header or rule names one for.",
          s -> s);

  /** {@code relay.class-rules}. */
  public static final ConfigKey<String> RULES =
      new ConfigKey<>(
          "relay.class-rules",
          "",
          "Rules putting messages in a class, first match wins, e.g. 'user:app=transactional,"
              + " domain:news.example.com=bulk' (the submitting user, or the envelope sender's"
              + " domain). The X-Sluice-Class header comes before the rules and is removed; one"
              + " naming no class is refused at the door.",
          s -> s);

  /** {@code relay.tenant-limits}. */
  public static final ConfigKey<List<TenantLimits.Tenant>> TENANTS =
      new ConfigKey<>(
          "relay.tenant-limits",
          "",
          "Caps per tenant, first match wins, e.g. 'user:app=1000/h 20000/d,"
              + " domain:news.example.com=10/s, tenant:acme=500/h' (the submitting user, the"
              + " envelope sender's domain, or the tenant a message names in its X-Sluice-Tenant"
              + " header, which is removed; N/WINDOW: s, m, h, d or a duration such as 10m)."
              + " Mail over a cap waits in the spool (not an attempt) and goes when its window"
              + " ends; windows start on the clock (:00 for /h). Counts are kept in"
              + " tenants.ledger in relay.spool.dir (per node in distributed mode).",
          TenantLimits::parse);

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = List.of(CLASSES, DEFAULT, RULES, TENANTS);

  /** The settings from resolved settings. */
  public static TrafficSettings from(Settings s) {
    TrafficClasses classes;
    if (KafkaSettings.KAFKA.equals(s.get(KafkaSettings.BACKEND))) {
      for (ConfigKey<?> k : List.of(CLASSES, DEFAULT, RULES)) {
        if (s.entries().get(k.name()).origin() != Settings.Origin.DEFAULT) {
          throw new ConfigException(
              k.name()
                  + " is not available with relay.spool.backend=kafka: a class lives in its own"
                  + " partitions, and a node's share of the rate is its share of all partitions, so"
                  + " nodes holding only one class's partitions would leave the rate unused while"
                  + " another class waits; distributed mode has one class");
        }
      }
      classes = TrafficClasses.single();
    } else {
      try {
        classes = TrafficClasses.parse(s.get(CLASSES), s.get(DEFAULT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(CLASSES.name() + ", " + DEFAULT.name() + ": " + e.getMessage());
      }
    }
    try {
      return new TrafficSettings(classes, rules(s.get(RULES), classes), s.get(TENANTS));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(RULES.name() + ": " + e.getMessage());
    }
  }

  static List<Rule> rules(String spec, TrafficClasses classes) {
    List<Rule> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      int eq = p.lastIndexOf('=');
      if (colon <= 0 || eq < colon + 2) {
        throw new IllegalArgumentException(
            "expected user:NAME=CLASS or domain:DOMAIN=CLASS, got '" + p + "'");
      }
      String what = p.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      if (!what.equals("user") && !what.equals("domain")) {
        throw new IllegalArgumentException("a rule matches user or domain, got '" + what + "'");
      }
      String value = p.substring(colon + 1, eq).strip();
      String cls = p.substring(eq + 1).strip();
      int index = classes.indexOf(cls);
      if (index < 0) {
        throw new IllegalArgumentException(
            "rule '" + p + "' names class '" + cls + "', not one of " + classes.names());
      }
      out.add(
          new Rule(what, what.equals("domain") ? value.toLowerCase(Locale.ROOT) : value, index));
    }
    return out;
  }

  /** The class of a message by the rules, or the default; the header is read elsewhere. */
  int classByRules(Submission m) {
    for (Rule r : rules) {
      if (TenantLimits.matches(r.what(), r.value(), m.origin(), m.envelope().from())) {
        return r.cls();
      }
    }
    return classes.defaultIndex();
  }
}
