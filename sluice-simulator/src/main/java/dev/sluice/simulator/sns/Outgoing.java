package dev.sluice.simulator.sns;

/**
 * A message on its way to subscriptions, with the SignatureVersion its topic had when it was
 * published. One instance is shared by every subscription a notification is queued for, so its
 * signature is made once, by whichever delivery sends it first.
 *
 * <p>Thread-safe: two deliveries may race to sign, which costs a second signature and gives the
 * same answer (RSA PKCS#1 v1.5 signatures are deterministic).
 */
final class Outgoing {
  final SnsMessage message;
  final int signatureVersion;
  private volatile String signature;

  Outgoing(SnsMessage message, int signatureVersion) {
    this.message = message;
    this.signatureVersion = signatureVersion;
  }

  boolean isNotification() {
    return message.type() == SnsMessage.Type.NOTIFICATION;
  }

  /** The base64 signature, made on first use. */
  String signature(SnsSigner signer) {
    String s = signature;
    if (s == null) {
      s = signer.sign(message, signatureVersion);
      signature = s;
    }
    return s;
  }
}
