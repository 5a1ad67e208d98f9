package dev.sluice.simulator;

import dev.sluice.core.Clock;
import dev.sluice.simulator.account.ConfigurationSet;
import dev.sluice.simulator.account.ConfigurationSets;
import dev.sluice.simulator.account.Identities;
import dev.sluice.simulator.account.Identity;
import dev.sluice.simulator.account.SuppressedDestination;
import dev.sluice.simulator.account.SuppressionList;
import dev.sluice.simulator.auth.TemporaryCredentials;
import dev.sluice.simulator.mailbox.MailboxSimulator;
import dev.sluice.simulator.mailbox.MessageIds;
import dev.sluice.simulator.mailbox.Scenario;
import dev.sluice.simulator.notify.Fate;
import dev.sluice.simulator.notify.Feedback;
import dev.sluice.simulator.notify.FeedbackJson;
import dev.sluice.simulator.notify.FeedbackPublisher;
import dev.sluice.simulator.notify.SentMail;
import dev.sluice.simulator.sns.SnsTopics;
import dev.sluice.simulator.template.TemplateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's decision for every send, whatever interface carried it.
 *
 * <p>Design: checks run in the order SES appears to apply them — recipient count, addresses, size,
 * account paused, identity verification, configuration set, daily quota, rate — so the first
 * failing check decides the error, as it would at SES. Only then is the message given an id,
 * recorded for inspection, counted per address and, for mailbox-simulator addresses, followed by
 * the notifications SES would publish. Nothing here blocks: notification delivery is handed to the
 * feedback publisher's bounded queue.
 *
 * <p>Thread-safe.
 */
public final class SimulatorCore implements SendService {
  /** The SNS topic the account's identity notifications are published to. */
  public static final String FEEDBACK_TOPIC = "sluice-simulator-feedback";

  /** The most addresses the account's suppression list holds. */
  static final int SUPPRESSION_CAPACITY = 100_000;

  /** The most accepted messages whose feedback waits to be published. */
  static final int FEEDBACK_QUEUE = 10_000;

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
  private final ConfigurationSets configurationSets;
  private final SuppressionList suppression;
  private final Identities identities;
  private final FeedbackPublisher feedback;
  private final String feedbackTopic;
  private final TemplateStore templates = new TemplateStore();
  private final TemporaryCredentials temporaryCredentials;
  private volatile boolean sendingEnabled;
  private final Map<SesInterface, Counter> accepted = new EnumMap<>(SesInterface.class);
  private final Map<SesInterface, Map<SesError, Counter>> rejected =
      new EnumMap<>(SesInterface.class);
  private final Counter recipientsCounter;

  /**
   * Creates the core.
   *
   * @param topics where SES publishes feedback: identity notifications to the account's feedback
   *     topic, configuration-set events to their SNS destinations
   */
  public SimulatorCore(
      SimulatorConfig config, Clock clock, MeterRegistry registry, SnsTopics topics) {
    this.config = config;
    this.clock = clock;
    this.temporaryCredentials = new TemporaryCredentials(clock);
    this.ledger =
        new QuotaLedger(
            config.account().maxSendRate().orElse(-1),
            config.account().max24HourSend().orElse(-1),
            config.account().burst().toNanos() / 1e9,
            clock);
    this.inbox = new Inbox(config.inspection().size(), config.inspection().bytes().bytes());
    this.configurationSets =
        new ConfigurationSets(config.account().configurationSets().contains("*"));
    for (String name : config.account().configurationSets()) {
      if (!name.equals("*")) {
        configurationSets.create(ConfigurationSet.empty(name, clock.millis()));
      }
    }
    this.suppression = new SuppressionList(SUPPRESSION_CAPACITY, List.of("BOUNCE", "COMPLAINT"));
    this.identities = new Identities();
    for (String id : config.account().verifiedIdentities()) {
      identities.create(new Identity(id, id.indexOf('@') < 0, true, clock.millis(), null));
    }
    this.feedbackTopic =
        "arn:aws:sns:"
            + config.account().region()
            + ":"
            + config.account().accountId()
            + ":"
            + FEEDBACK_TOPIC;
    this.feedback =
        new FeedbackPublisher(
            topics,
            configurationSets,
            feedbackTopic,
            new SuppressOnFeedback(),
            config.notifications().delay(),
            FEEDBACK_QUEUE,
            clock,
            registry);
    this.sendingEnabled = config.account().sendingEnabled();
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
              + config.account().region().toUpperCase(Locale.ROOT)
              + ": "
              + String.join(", ", unverified));
    }
    String setName = configurationSetOf(r);
    ConfigurationSet set = null;
    if (setName != null) {
      set = configurationSets.forSend(setName, clock.millis()).orElse(null);
      if (set == null) {
        return new SendOutcome.Rejected(
            SesError.CONFIGURATION_SET_DOES_NOT_EXIST,
            "Configuration set " + setName + " does not exist.");
      }
      if (!set.sendingEnabled()) {
        return new SendOutcome.Rejected(
            SesError.CONFIGURATION_SET_SENDING_PAUSED,
            "Sending is paused for the configuration set " + setName + ".");
      }
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
    String id = MessageIds.messageId(config.account().region(), now);
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
            setName,
            r.tags(),
            new MessageTrail());
    inbox.add(received);
    statistics.attempts(now, n);
    recipientsCounter.increment(n);
    String rejected = null;
    List<Fate> fates = List.of();
    if (r.renderingFailure() != null) {
      // Accepted and charged, as SES does, but never sent: the failure is reported afterwards.
      received
          .trail()
          .add(
              new MessageTrail.Entry(
                  now, "RenderingFailure", null, r.template() + ": " + r.renderingFailure()));
    } else if (VirusScan.infected(r.content())) {
      // SES accepts such a message, finds the virus, and delivers it to nobody (a Reject event).
      rejected = "Bad content";
      received.trail().add(new MessageTrail.Entry(now, "rejected", null, "a virus: not delivered"));
    } else {
      fates = fates(r, scenarios, set, received.trail(), now);
    }
    if (feedback.wanted(setName, fates)) {
      MimeHeaders.Fields headers = MimeHeaders.fields(r.content(), FeedbackJson.MAX_HEADERS);
      feedback.submit(
          new Feedback(
              new SentMail(
                  id,
                  Addresses.bare(r.from()),
                  r.recipients(),
                  now,
                  config.account().accountId(),
                  r.accessKeyId(),
                  config.account().region()),
              setName,
              r.tags(),
              headers.fields(),
              headers.truncated(),
              r.subject(),
              fates,
              rejected,
              r.renderingFailure() == null
                  ? null
                  : new Feedback.RenderingFailure(r.template(), r.renderingFailure()),
              received.trail()));
    }
    return new SendOutcome.Accepted(id);
  }

  private List<String> unverified(SendRequest r) {
    List<String> out = new ArrayList<>();
    boolean checkSender = config.account().sandbox() || identities.any();
    if (checkSender && !identities.verified(Addresses.bare(r.from()))) {
      out.add(Addresses.bare(r.from()));
    }
    if (config.account().sandbox()) {
      for (String rcpt : r.recipients()) {
        if (!MailboxSimulator.isSimulatorAddress(rcpt)
            && !identities.verified(Addresses.bare(rcpt))) {
          out.add(Addresses.bare(rcpt));
        }
      }
    }
    return out;
  }

  /**
   * The configuration set a send uses: the one it names (the API parameter, or the {@code
   * X-SES-CONFIGURATION-SET} header where SES reads it), else its identity's default, else the
   * simulator's default; null for none.
   */
  private String configurationSetOf(SendRequest r) {
    if (r.configurationSet() != null) {
      return r.configurationSet();
    }
    String byIdentity =
        identities
            .forAddress(Addresses.bare(r.from()))
            .map(Identity::defaultConfigurationSet)
            .orElse(null);
    return byIdentity != null
        ? byIdentity
        : config.account().defaultConfigurationSet().orElse(null);
  }

  /**
   * What becomes of each recipient, and the statistics SES keeps of it. A recipient on the
   * account's suppression list is not sent to, when the list applies to the send (the set's
   * reasons, or the account's, are not empty), and is counted as sent.
   */
  private List<Fate> fates(
      SendRequest r,
      List<Optional<Scenario>> scenarios,
      ConfigurationSet set,
      MessageTrail trail,
      long now) {
    List<String> reasons =
        set != null && set.suppressedReasons() != null
            ? set.suppressedReasons()
            : suppression.accountReasons();
    List<Fate> out = new ArrayList<>(scenarios.size());
    for (int i = 0; i < scenarios.size(); i++) {
      String rcpt = r.recipients().get(i);
      if (!reasons.isEmpty() && suppression.get(Addresses.bare(rcpt)).isPresent()) {
        out.add(Fate.ACCOUNT_SUPPRESSED);
        trail.add(
            new MessageTrail.Entry(
                now, "suppressed", rcpt, "on the account's suppression list: not sent"));
        continue;
      }
      Fate f =
          switch (scenarios.get(i).orElse(Scenario.SUCCESS)) {
            case SUCCESS -> Fate.DELIVERED;
            case BOUNCE -> Fate.BOUNCED;
            case SUPPRESSIONLIST -> Fate.GLOBALLY_SUPPRESSED;
            case COMPLAINT -> Fate.COMPLAINED;
            case OOTO -> Fate.AUTO_REPLIED;
            case DELIVERY_DELAY -> Fate.DELAYED;
          };
      switch (f) {
        case BOUNCED, GLOBALLY_SUPPRESSED -> statistics.bounce(now);
        case COMPLAINED -> statistics.complaint(now);
        default -> {}
      }
      out.add(f);
    }
    return out;
  }

  /**
   * Adds hard-bounced and complaining recipients to the account's suppression list, for the reasons
   * the send's set (or the account) names. SES does not do this for the mailbox simulator's
   * addresses, so neither does the simulator unless told to ({@code
   * --suppress-simulator-feedback}).
   */
  private final class SuppressOnFeedback implements FeedbackPublisher.Listener {
    @Override
    public void hardBounced(Feedback f, String recipient, String feedbackId) {
      add(f, recipient, "BOUNCE", feedbackId);
    }

    @Override
    public void complained(Feedback f, String recipient, String feedbackId) {
      add(f, recipient, "COMPLAINT", feedbackId);
    }

    private void add(Feedback f, String recipient, String reason, String feedbackId) {
      if (MailboxSimulator.isSimulatorAddress(recipient)
          && !config.account().suppressSimulatorFeedback()) {
        return;
      }
      List<String> reasons =
          f.configurationSet() == null
              ? suppression.accountReasons()
              : configurationSets
                  .get(f.configurationSet())
                  .map(ConfigurationSet::suppressedReasons)
                  .orElse(null);
      if (reasons == null) {
        reasons = suppression.accountReasons();
      }
      if (reasons.contains(reason)) {
        long now = clock.millis();
        suppression.put(
            new SuppressedDestination(
                Addresses.bare(recipient), reason, now, f.mail().messageId(), feedbackId));
        f.trail()
            .add(
                new MessageTrail.Entry(
                    now, "suppressed", recipient, "added to the account's suppression list"));
      }
    }
  }

  /** The account's configuration sets. */
  public ConfigurationSets configurationSets() {
    return configurationSets;
  }

  /** The account-level suppression list. */
  public SuppressionList suppression() {
    return suppression;
  }

  /** The account's identities. */
  public Identities identities() {
    return identities;
  }

  /** The ARN of the topic identity notifications are published to. */
  public String feedbackTopic() {
    return feedbackTopic;
  }

  /** Feedback objects waiting to be published. */
  public int feedbackQueued() {
    return feedback.queuedNow();
  }

  /** Stops publishing feedback; what is still queued is dropped and counted. */
  public void close() {
    feedback.close();
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

  /** The temporary credentials STS's AssumeRole issued. */
  public TemporaryCredentials temporaryCredentials() {
    return temporaryCredentials;
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
