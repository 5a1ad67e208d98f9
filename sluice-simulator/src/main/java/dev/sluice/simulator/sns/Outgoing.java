package dev.sluice.simulator.sns;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A message on its way to subscriptions, with the SignatureVersion its topic had when it was
 * published. One instance is shared by every subscription a notification is queued for, so its body
 * is written and its signature made once, by whichever delivery sends it first, while the others
 * wait for it.
 *
 * <p>A published notification's body is written only when a delivery first needs it: a queue that
 * fills faster than its subscriber takes messages holds the publisher's small record (its type, id,
 * topic and time, and how to write the body), not the written JSON, and a message dropped before it
 * is sent (its subscription deleted, delivery stopping) is never written. Everything the body says
 * is fixed when it is published; only the writing waits.
 *
 * <p>Thread-safe: the body and the signature are made under a lock, so each is made (and the
 * signing turn taken) once.
 */
final class Outgoing {
  /** Waits for the signer's turn; false when none is coming (delivery stopping). */
  @FunctionalInterface
  interface Turn {
    boolean await();
  }

  final SnsMessage.Type type;
  final String messageId;
  final String topicArn;
  final int signatureVersion;
  private final ReentrantLock lock = new ReentrantLock();

  /** Writes the message; null once it is written. Guarded by {@link #lock}. */
  private Supplier<SnsMessage> write;

  private volatile SnsMessage message;
  private volatile String signature;

  /** A message written already (the confirmations, whose text is short). */
  Outgoing(SnsMessage message, int signatureVersion) {
    this.type = message.type();
    this.messageId = message.messageId();
    this.topicArn = message.topicArn();
    this.signatureVersion = signatureVersion;
    this.message = message;
  }

  private Outgoing(String messageId, String topicArn, Supplier<SnsMessage> write, int version) {
    this.type = SnsMessage.Type.NOTIFICATION;
    this.messageId = messageId;
    this.topicArn = topicArn;
    this.signatureVersion = version;
    this.write = write;
  }

  /**
   * A notification whose body is written on first use.
   *
   * @param body writes the published message; called at most once, on a delivery's thread
   * @param epochMillis when it was published (its Timestamp)
   */
  static Outgoing notification(
      String messageId,
      String topicArn,
      String subject,
      Supplier<String> body,
      long epochMillis,
      int signatureVersion) {
    Objects.requireNonNull(body, "body");
    return new Outgoing(
        messageId,
        topicArn,
        () -> SnsMessage.notification(messageId, topicArn, subject, body.get(), epochMillis),
        signatureVersion);
  }

  boolean isNotification() {
    return type == SnsMessage.Type.NOTIFICATION;
  }

  /** The message, written on first use. */
  SnsMessage message() {
    SnsMessage m = message;
    if (m != null) {
      return m;
    }
    lock.lock();
    try {
      m = message;
      if (m == null) {
        m = write.get();
        message = m;
        write = null;
      }
      return m;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the message has been written (for tests). */
  boolean written() {
    return message != null;
  }

  /**
   * The base64 signature, made on first use once {@code turn} allows it.
   *
   * @return the signature, or null when {@code turn} gave up
   */
  String signature(SnsSigner signer, Turn turn) {
    String s = signature;
    if (s != null) {
      return s;
    }
    lock.lock();
    try {
      s = signature;
      if (s == null) {
        if (!turn.await()) {
          return null;
        }
        s = signer.sign(message(), signatureVersion);
        signature = s;
      }
      return s;
    } finally {
      lock.unlock();
    }
  }
}
