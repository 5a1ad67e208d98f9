package dev.sluice.simulator.sns;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A message on its way to subscriptions, with the SignatureVersion its topic had when it was
 * published. One instance is shared by every subscription a notification is queued for, so its
 * signature is made once, by whichever delivery sends it first, while the others wait for it.
 *
 * <p>Thread-safe: the signature is made under a lock, so it is made (and its signing turn taken)
 * once.
 */
final class Outgoing {
  /** Waits for the signer's turn; false when none is coming (delivery stopping). */
  @FunctionalInterface
  interface Turn {
    boolean await();
  }

  final SnsMessage message;
  final int signatureVersion;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile String signature;

  Outgoing(SnsMessage message, int signatureVersion) {
    this.message = message;
    this.signatureVersion = signatureVersion;
  }

  boolean isNotification() {
    return message.type() == SnsMessage.Type.NOTIFICATION;
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
        s = signer.sign(message, signatureVersion);
        signature = s;
      }
      return s;
    } finally {
      lock.unlock();
    }
  }
}
