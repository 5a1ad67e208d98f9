package dev.sluice.core;

import java.util.Objects;

/**
 * A message to deliver: an id that names it in logs and outcomes, its envelope, and its content as
 * a complete RFC 5322 message (headers, blank line, body).
 *
 * @param id the caller's identifier (a queue id in the relay)
 * @param envelope sender and recipients
 * @param content the raw message bytes; not copied, callers must not change them afterwards
 * @param trafficClass the name of its traffic class, or empty for the sender's first class
 */
public record OutboundMessage(String id, Envelope envelope, byte[] content, String trafficClass) {
  /** Checks for nulls. */
  public OutboundMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(trafficClass, "trafficClass");
  }

  /** A message of no named traffic class. */
  public OutboundMessage(String id, Envelope envelope, byte[] content) {
    this(id, envelope, content, "");
  }
}
