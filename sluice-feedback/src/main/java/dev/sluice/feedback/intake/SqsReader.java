package dev.sluice.feedback.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Reads SES's events from an SQS queue subscribed to the SNS topic, for operators who want events
 * kept while the relay is down: long polling (20 s, 10 messages at a time), each message handed to
 * the recorder, and deleted (in one batch per receive) only once the recorder returned.
 *
 * <h2>Design note</h2>
 *
 * <p>A body is either SNS's envelope (the subscription's raw message delivery off, the default) or
 * SES's event itself (raw delivery on). The envelope is checked exactly as an HTTP POST is ({@link
 * SnsVerifier}: signature, trusted certificate, listed topic, replay window) and its event's id is
 * the SNS MessageId, so an event that arrives both over HTTP and through the queue is recorded
 * once. A raw body carries no signature and no MessageId: it is trusted because only the queue's
 * access policy lets anything write to it, and its id is {@code sha256:} and the SHA-256 of the
 * body. The SQS MessageId was rejected as the id: SNS delivers at least once, and a second delivery
 * of the same event to the queue is a new SQS message with a new MessageId, while its bytes are the
 * same; SES's events differ in their timestamps, feedback ids and recipients, so two different
 * events with the same bytes do not occur in practice. (Raw and enveloped copies of one event do
 * not dedupe with each other; use one form per topic.)
 *
 * <p>A message that cannot be taken (not an event, a bad signature, an unlisted topic) is counted,
 * logged with its receive count, and left in the queue, not deleted: it comes back after the
 * visibility timeout, and after the queue's {@code maxReceiveCount} its redrive policy moves it to
 * the dead-letter queue, where the operator can look at it. Deleting it would lose the evidence;
 * keeping it forever would spin, so {@link #start} warns when the queue has no redrive policy. A
 * recorder failure leaves the message too, to be recorded when it comes back.
 *
 * <p>One platform thread polls (the recorder may call native code); a failed receive is retried
 * after a growing pause, up to 30 s. Thread-safe: {@link #start} and {@link #close} may be called
 * from any thread; the polling is confined to the reader's thread.
 */
public final class SqsReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqsReader.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int WAIT_SECONDS = 20;
  static final int BATCH = 10;
  private static final long MAX_PAUSE_MILLIS = 30_000;

  private final SqsClient sqs;
  private final String queueUrl;
  private final SnsIntake intake;
  private final IntakeMetrics metrics;
  private volatile boolean running;
  private Thread thread;

  /**
   * A reader; nothing is read until {@link #start}.
   *
   * @param sqs the client, owned by the caller
   * @param queueUrl the queue's URL
   * @param intake what checks enveloped messages and records events
   */
  public SqsReader(SqsClient sqs, String queueUrl, SnsIntake intake) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    this.intake = Objects.requireNonNull(intake, "intake");
    this.metrics = intake.metrics("sqs");
  }

  /** Starts polling on its own thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    warnWithoutRedrive();
    running = true;
    thread = Thread.ofPlatform().daemon().name("sqs-reader").start(this::run);
    log.info("reading SES events from {}", queueUrl);
  }

  private void warnWithoutRedrive() {
    try {
      var attrs =
          sqs.getQueueAttributes(
                  b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
              .attributes();
      if (!attrs.containsKey(QueueAttributeName.REDRIVE_POLICY)) {
        log.warn(
            "{} has no redrive policy: a message that is not an SES event comes back forever;"
                + " give it a dead-letter queue",
            queueUrl);
      }
    } catch (SdkException e) {
      log.warn("cannot read {}'s attributes: {}", queueUrl, e.toString());
    }
  }

  private void run() {
    long pause = 0;
    while (running) {
      try {
        pollOnce();
        pause = 0;
      } catch (RuntimeException e) {
        // SdkException for a failed receive or delete; anything else is a defect, logged the same.
        if (!running) {
          return;
        }
        pause = Math.min(MAX_PAUSE_MILLIS, Math.max(1_000, pause * 2));
        log.warn("receiving from {} failed, again in {} ms: {}", queueUrl, pause, e.toString());
        try {
          Thread.sleep(pause);
        } catch (InterruptedException x) {
          return;
        }
      }
    }
  }

  /**
   * One long poll: receives up to 10 messages, takes each, deletes those acknowledged.
   *
   * @return the messages received
   */
  int pollOnce() {
    List<Message> messages =
        sqs.receiveMessage(
                b ->
                    b.queueUrl(queueUrl)
                        .waitTimeSeconds(WAIT_SECONDS)
                        .maxNumberOfMessages(BATCH)
                        .messageSystemAttributeNames(
                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
            .messages();
    List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
    for (Message m : messages) {
      IntakeOutcome o = take(m.body());
      if (o.acknowledged()) {
        done.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(done.size()))
                .receiptHandle(m.receiptHandle())
                .build());
      } else {
        log.warn(
            "SQS message {} left in the queue (received {} times): {}",
            m.messageId(),
            m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "?"),
            o.detail());
      }
    }
    if (!done.isEmpty()) {
      DeleteMessageBatchResponse r =
          sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
      for (BatchResultErrorEntry f : r.failed()) {
        // It comes back after the visibility timeout and is then recorded as a duplicate.
        log.warn("deleting a recorded SQS message failed: {} {}", f.code(), f.message());
      }
    }
    return messages.size();
  }

  /** Takes one body: an SNS envelope, or SES's event delivered raw. */
  IntakeOutcome take(String body) {
    metrics.received();
    IntakeOutcome o;
    try {
      o =
          isEnvelope(body)
              ? intake.envelope(SnsEnvelope.parse(body))
              : intake.record(rawId(body), body);
    } catch (SnsRefusal r) {
      o = IntakeOutcome.refused(r);
    }
    return metrics.count(o);
  }

  /** Whether a body is SNS's envelope rather than SES's JSON: it has SNS's Type and Signature. */
  private static boolean isEnvelope(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() && n.has("Type") && n.has("Signature");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The id of a raw event: its bytes' SHA-256. */
  static String rawId(String body) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Tells the reader to stop after the poll in progress, without waiting; an owner that then closes
   * the client ends that poll at once instead of after up to 20 s.
   */
  public void stopPolling() {
    running = false;
  }

  /** Stops polling; waits for the poll in progress to end (at most its 20 s). Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
      thread = null;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(Duration.ofSeconds(WAIT_SECONDS + 5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
