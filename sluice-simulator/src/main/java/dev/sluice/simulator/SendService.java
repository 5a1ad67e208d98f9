package dev.sluice.simulator;

/**
 * The protocol-independent heart of the simulator: validates a send, applies quotas and the mailbox
 * simulator, records it, and answers. Every interface (v2, v1, SMTP) calls this.
 *
 * <p>Implementations are thread-safe and never block.
 */
public interface SendService {
  /** Decides one send. */
  SendOutcome send(SendRequest request);
}
