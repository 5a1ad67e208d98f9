package dev.sluice.simulator;

import dev.sluice.core.Clock;
import dev.sluice.simulator.mailbox.MailboxSimulator;
import dev.sluice.simulator.mailbox.MessageIds;
import dev.sluice.simulator.mailbox.Scenario;
import dev.sluice.simulator.notify.NotificationFactory;
import dev.sluice.simulator.notify.SentMail;
import dev.sluice.simulator.notify.WebhookPublisher;
import dev.sluice.simulator.template.TemplateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The simulator's decision for every send, whatever interface carried it.
 *
 * <p>Design: checks run in the order SES appears to apply them — recipient count, addresses, size,
 * account paused, identity verification, configuration set, daily quota, rate — so the first
 * failing check decides the error, as it would at SES. Only then is the message given an id,
 * recorded for inspection, counted per address and, for mailbox-simulator addresses, followed by
 * the notifications SES would publish. Nothing here blocks: notification delivery is handed to the
 * {@link WebhookPublisher}'s bounded queue.
 *
 * <p>Thread-safe.
 */
public final class SimulatorCore implements SendService {
  /** SES's per-call recipient limit. */
  public static final int MAX_RECIPIENTS = 50;

  /** Message size limit of the v1 API. */
  public static final int V1_MAX_BYTES = 10 * 1024 * 1024;

  /** Message size limit of the v2 API and SMTP. */
  public static final int V2_MAX_BYTES = 40 * 1024 * 1024;

  private final SimulatorConfig config;
  private final Clock clock;
  private final QuotaLedger ledger;
  private final Inbox inbox;
  private final SendStatistics statistics = new SendStatistics();
  private final TemplateStore templates = new TemplateStore();
  private final WebhookPublisher publisher;
  private final NotificationFactory notifications;
  private final Set<String> verified;
  private final Set<String> configurationSets;
  private volatile boolean sendingEnabled;
  private final Map<SesInterface, Counter> accepted = new EnumMap<>(SesInterface.class);
  private final Map<SesInterface, Map<SesError, Counter>> rejected =
      new EnumMap<>(SesInterface.class);
  private final Counter recipientsCounter;

  /**
   * Creates the core.
   *
   * @param publisher where notifications go, or null for none
   */
  public SimulatorCore(
      SimulatorConfig config, Clock clock, MeterRegistry registry, WebhookPublisher publisher) {
    this.config = config;
    this.clock = clock;
    this.ledger =
        new QuotaLedger(
            config.maxSendRate(), config.max24HourSend(), config.burst().toNanos() / 1e9, clock);
    this.inbox = new Inbox(config.inboxSize(), config.inboxBytes().bytes());
    this.publisher = publisher;
    this.notifications = new NotificationFactory();
    this.verified =
        config.verifiedIdentities().stream()
            .map(s -> s.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    this.configurationSets = Set.copyOf(config.configurationSets());
    this.sendingEnabled = config.sendingEnabled();
    for (SesInterface i : SesInterface.values()) {
      accepted.put(
          i,
          Counter.builder("simulator.sends")
              .tag("interface", i.key())
              .tag("outcome", "accepted")
              .description("Sends answered by the simulator")
              .register(registry));
      Map<SesError, Counter> byError = new EnumMap<>(SesError.class);
      for (SesError e : SesError.values()) {
        byError.put(
            e,
            Counter.builder("simulator.sends")
                .tag("interface", i.key())
                .tag("outcome", e.name().toLowerCase(Locale.ROOT))
                .description("Sends answered by the simulator")
                .register(registry));
      }
      rejected.put(i, byError);
    }
    this.recipientsCounter =
        Counter.builder("simulator.recipients")
            .description("Recipients accepted")
            .register(registry);
    registry.gauge("simulator.quota.sent.last24h", ledger, l -> l.sentLast24Hours());
    registry.gauge("simulator.quota.max.send.rate", ledger, QuotaLedger::maxSendRate);
    registry.gauge("simulator.quota.max24h.send", ledger, QuotaLedger::max24HourSend);
    registry.gauge("simulator.inbox.messages", inbox, Inbox::size);
  }

  @Override
  public SendOutcome send(SendRequest r) {
    SendOutcome outcome = decide(r);
    if (outcome instanceof SendOutcome.Rejected rej) {
      rejected.get(r.via()).get(rej.error()).increment();
      if (rej.error() == SesError.MESSAGE_REJECTED) {
        statistics.reject(clock.millis());
      }
    } else {
      accepted.get(r.via()).increment();
    }
    return outcome;
  }

  /** Records an injected fault in the same counters as real refusals. */
  public void countFault(SesInterface via, SesError error) {
    rejected.get(via).get(error).increment();
  }

  private SendOutcome decide(SendRequest r) {
    int n = r.recipients().size();
    if (n == 0) {
      return new SendOutcome.Rejected(SesError.RECIPIENT_COUNT, "Missing final '@domain'");
    }
    if (n > MAX_RECIPIENTS) {
      return new SendOutcome.Rejected(SesError.RECIPIENT_COUNT, "Recipient count exceeds 50.");
    }
    String fromProblem = Addresses.problem(r.from());
    if (fromProblem != null) {
      return new SendOutcome.Rejected(SesError.INVALID_PARAMETER, fromProblem);
    }
    for (String rcpt : r.recipients()) {
      String p = Addresses.problem(rcpt);
      if (p != null) {
        return new SendOutcome.Rejected(SesError.INVALID_PARAMETER, p);
      }
    }
    int limit = r.via() == SesInterface.V1 ? V1_MAX_BYTES : V2_MAX_BYTES;
    if (r.content().length > limit) {
      return new SendOutcome.Rejected(
          SesError.MESSAGE_TOO_LONG,
          "Message length is more than " + limit + " bytes long: '" + r.content().length + "'.");
    }
    if (!sendingEnabled) {
      return new SendOutcome.Rejected(
          SesError.SENDING_PAUSED, "Sending is paused for this account.");
    }
    List<String> unverified = unverified(r);
    if (!unverified.isEmpty()) {
      return new SendOutcome.Rejected(
          SesError.MESSAGE_REJECTED,
          "Email address is not verified. The following identities failed the check in region "
              + config.region().toUpperCase(Locale.ROOT)
              + ": "
              + String.join(", ", unverified));
    }
    String set = r.configurationSet();
    if (set != null && !configurationSets.contains("*") && !configurationSets.contains(set)) {
      return new SendOutcome.Rejected(
          SesError.CONFIGURATION_SET_DOES_NOT_EXIST,
          "Configuration set " + set + " does not exist.");
    }
    List<Optional<Scenario>> scenarios = new ArrayList<>(n);
    int daily = 0;
    for (String rcpt : r.recipients()) {
      Optional<Scenario> s = MailboxSimulator.classify(rcpt);
      scenarios.add(s);
      if (s.isEmpty()) {
        daily++;
      }
    }
    switch (ledger.admit(n, daily)) {
      case DAILY_EXCEEDED:
        return new SendOutcome.Rejected(
            SesError.DAILY_QUOTA_EXCEEDED, "Daily message quota exceeded.");
      case RATE_EXCEEDED:
        return new SendOutcome.Rejected(SesError.RATE_EXCEEDED, "Maximum sending rate exceeded.");
      case ADMIT:
      default:
        break;
    }
    long now = clock.millis();
    String id = MessageIds.messageId(config.region(), now);
    ReceivedMessage received =
        new ReceivedMessage(
            id,
            now,
            r.via(),
            r.operation(),
            r.accessKeyId(),
            Addresses.bare(r.from()),
            r.recipients(),
            r.subject(),
            r.content().length,
            r.content(),
            r.configurationSet(),
            r.tags(),
            new MessageTrail());
    inbox.add(received);
    statistics.attempts(now, n);
    recipientsCounter.increment(n);
    if (r.renderingFailure() != null) {
      // Accepted and charged, as SES does, but never sent: the failure is reported afterwards.
      received
          .trail()
          .add(
              new MessageTrail.Entry(
                  now, "RenderingFailure", null, r.template() + ": " + r.renderingFailure()));
      return new SendOutcome.Accepted(id);
    }
    notify(id, r, scenarios, now);
    return new SendOutcome.Accepted(id);
  }

  private List<String> unverified(SendRequest r) {
    List<String> out = new ArrayList<>();
    boolean checkSender = config.sandbox() || !verified.isEmpty();
    if (checkSender && !isVerified(r.from())) {
      out.add(Addresses.bare(r.from()));
    }
    if (config.sandbox()) {
      for (String rcpt : r.recipients()) {
        if (!MailboxSimulator.isSimulatorAddress(rcpt) && !isVerified(rcpt)) {
          out.add(Addresses.bare(rcpt));
        }
      }
    }
    return out;
  }

  private boolean isVerified(String address) {
    String a = Addresses.bare(address).toLowerCase(Locale.ROOT);
    return verified.contains(a) || verified.contains(Addresses.domain(a));
  }

  private void notify(String id, SendRequest r, List<Optional<Scenario>> scenarios, long now) {
    List<String> delivered = new ArrayList<>();
    List<String> events = new ArrayList<>();
    SentMail mail =
        new SentMail(
            id,
            Addresses.bare(r.from()),
            r.recipients(),
            now,
            config.accountId(),
            r.accessKeyId(),
            config.region());
    for (int i = 0; i < scenarios.size(); i++) {
      String rcpt = r.recipients().get(i);
      Scenario s = scenarios.get(i).orElse(Scenario.SUCCESS);
      switch (s) {
        case BOUNCE -> {
          statistics.bounce(now);
          events.add(publisher == null ? null : notifications.bounce(mail, rcpt, now));
        }
        case SUPPRESSIONLIST -> {
          statistics.bounce(now);
          events.add(publisher == null ? null : notifications.suppressed(mail, rcpt, now));
        }
        case COMPLAINT -> {
          statistics.complaint(now);
          delivered.add(rcpt);
          events.add(publisher == null ? null : notifications.complaint(mail, rcpt, now));
        }
        case OOTO -> {
          delivered.add(rcpt);
          events.add(publisher == null ? null : notifications.ooto(mail, rcpt, now));
        }
        case SUCCESS -> delivered.add(rcpt);
      }
    }
    if (publisher == null) {
      return;
    }
    if (!delivered.isEmpty()) {
      publisher.publish(notifications.delivery(mail, delivered, now));
    }
    for (String e : events) {
      publisher.publish(e);
    }
  }

  /** The quota ledger. */
  public QuotaLedger ledger() {
    return ledger;
  }

  /** The inspection ring. */
  public Inbox inbox() {
    return inbox;
  }

  /**
   * The account's email templates. Like the quota limits and the sending switch, they are the
   * account's configuration, so {@link #reset()} keeps them.
   */
  public TemplateStore templates() {
    return templates;
  }

  /** Send statistics for GetSendStatistics. */
  public SendStatistics statistics() {
    return statistics;
  }

  /** The configuration. */
  public SimulatorConfig config() {
    return config;
  }

  /** The clock. */
  public Clock clock() {
    return clock;
  }

  /** Whether the account may send. */
  public boolean sendingEnabled() {
    return sendingEnabled;
  }

  /** Turns account sending on or off (PutAccountSendingAttributes). */
  public void sendingEnabled(boolean enabled) {
    this.sendingEnabled = enabled;
  }

  /**
   * Clears messages, counters, statistics and quota usage: what sending produced, not how the
   * account is configured (limits, sending switch, templates).
   */
  public void reset() {
    inbox.clear();
    statistics.clear();
    ledger.reset();
  }
}
