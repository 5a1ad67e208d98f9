package dev.sluice.app.relay;

import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolRefusal;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import dev.sluice.core.traffic.TrafficClasses;
import dev.sluice.delivery.TenantLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool as the doors see it: each message appended is put in its traffic class (see {@link
 * TrafficSettings}), which means in one of its class's buckets, with the {@value
 * TrafficSettings#HEADER} header taken out, and the tenant its {@value
 * TrafficSettings#TENANT_HEADER} header names is written into its origin as {@code tenant=NAME}
 * (the header taken out too); everything else goes straight to the spool.
 *
 * <p>Design: deciding the class where both doors append keeps them unaware of classes, and removing
 * the headers before the message is stored means no later step can send them to SES by mistake. The
 * class is not stored apart from the bucket: the bucket is what the scheduler reads. The tenant
 * goes in the origin because that is what the tenant caps read ({@link TenantLimits}), as they read
 * the submitting user there; a name that is not a tenant name ({@link TenantLimits#TENANT_NAME}) is
 * dropped, not refused, and logged once, as a route header naming no route is.
 *
 * <p>Thread-safe, as the spool it wraps.
 */
final class ClassifyingSpool implements Spool {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifyingSpool.class);
  private static final Set<String> HEADERS =
      Set.of(TrafficSettings.HEADER, TrafficSettings.TENANT_HEADER);

  private final Spool spool;
  private final TrafficSettings traffic;
  private final AtomicBoolean badTenantLogged = new AtomicBoolean();

  ClassifyingSpool(Spool spool, TrafficSettings traffic) {
    this.spool = spool;
    this.traffic = traffic;
    traffic.classes().checkBuckets(spool.buckets());
  }

  /**
   * The message in its class's buckets, without the class and tenant headers, with the tenant the
   * latter names in its origin.
   */
  Submission classify(Submission m) {
    TrafficClasses classes = traffic.classes();
    List<HeaderSection.Field> fields = HeaderSection.fields(m.content());
    List<HeaderSection.Field> named = HeaderSection.named(fields, TrafficSettings.HEADER);
    List<HeaderSection.Field> tenant = HeaderSection.named(fields, TrafficSettings.TENANT_HEADER);
    int cls = -1;
    byte[] content = m.content();
    if (!named.isEmpty() || !tenant.isEmpty()) {
      content = HeaderSection.without(content, fields, HEADERS);
    }
    if (!named.isEmpty()) {
      cls = classes.indexOf(named.get(0).value());
    }
    if (cls < 0) {
      cls = traffic.classByRules(m);
    }
    String origin = m.origin();
    if (!tenant.isEmpty()) {
      String name = tenant.get(0).value().strip().toLowerCase(Locale.ROOT);
      if (TenantLimits.TENANT_NAME.matcher(name).matches()) {
        origin = origin.isEmpty() ? "tenant=" + name : origin + " tenant=" + name;
      } else if (badTenantLogged.compareAndSet(false, true)) {
        LOG.warn(
            "{} names no tenant: '{}' is not 1 to 64 letters, digits, '.', '_' or '-' (this"
                + " message and any later one like it count for no tenant of that header)",
            TrafficSettings.TENANT_HEADER,
            dev.sluice.ingress.Trace.printable(tenant.get(0).value()));
      }
    }
    return new Submission(
        m.envelope(), content, m.received(), origin, classes.buckets(cls, spool.buckets()));
  }

  @Override
  public int buckets() {
    return spool.buckets();
  }

  @Override
  public CompletableFuture<QueueId> append(Submission message) {
    return spool.append(classify(message));
  }

  @Override
  public CompletableFuture<List<QueueId>> appendAll(List<Submission> messages) {
    return spool.appendAll(classifyAll(messages));
  }

  /** The entries of the messages as classified and stored, not as the doors gave them. */
  @Override
  public CompletableFuture<List<SpoolEntry>> appendEntries(List<Submission> messages) {
    return spool.appendEntries(classifyAll(messages));
  }

  private List<Submission> classifyAll(List<Submission> messages) {
    List<Submission> classified = new ArrayList<>(messages.size());
    for (Submission m : messages) {
      classified.add(classify(m));
    }
    return classified;
  }

  @Override
  public List<SpooledMessage> takeDue(int bucket, Instant now, int max) {
    return spool.takeDue(bucket, now, max);
  }

  @Override
  public Optional<Instant> nextDue(int bucket) {
    return spool.nextDue(bucket);
  }

  @Override
  public CompletableFuture<Boolean> complete(QueueId id) {
    return spool.complete(id);
  }

  @Override
  public CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError) {
    return spool.reschedule(id, due, attempts, lastError);
  }

  @Override
  public CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError, List<String> remainingRecipients) {
    return spool.reschedule(id, due, attempts, lastError, remainingRecipients);
  }

  @Override
  public CompletableFuture<Boolean> fail(QueueId id, String reason, Instant at) {
    return spool.fail(id, reason, at);
  }

  @Override
  public CompletableFuture<Boolean> fail(
      QueueId id, String reason, Instant at, List<String> remainingRecipients) {
    return spool.fail(id, reason, at, remainingRecipients);
  }

  @Override
  public CompletableFuture<Boolean> retryNow(QueueId id, Instant now) {
    return spool.retryNow(id, now);
  }

  @Override
  public CompletableFuture<Boolean> delete(QueueId id) {
    return spool.delete(id);
  }

  @Override
  public Optional<SpoolEntry> find(QueueId id) {
    return spool.find(id);
  }

  @Override
  public Optional<byte[]> content(QueueId id) {
    return spool.content(id);
  }

  @Override
  public List<SpoolEntry> list(SpoolFilter filter, QueueId after, int limit) {
    return spool.list(filter, after, limit);
  }

  @Override
  public SpoolStats stats() {
    return spool.stats();
  }

  @Override
  public SpoolStats intakeStats() {
    return spool.intakeStats();
  }

  @Override
  public Optional<SpoolRefusal> refusal() {
    return spool.refusal();
  }

  /** Leaves the spool open: its owner closes it. */
  @Override
  public void close() {}
}
