package dev.sluice.core.spool;

import java.util.Objects;

/**
 * A message taken for delivery: its entry and its content.
 *
 * @param entry what the spool knows about it (state {@link SpoolState#ACTIVE})
 * @param content the message octets; do not change
 */
public record SpooledMessage(SpoolEntry entry, byte[] content) {
  /** Checks for nulls. */
  public SpooledMessage {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(content, "content");
  }

  /** The queue id. */
  public QueueId id() {
    return entry.id();
  }
}
