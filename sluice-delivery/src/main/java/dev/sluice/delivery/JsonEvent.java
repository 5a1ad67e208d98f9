package dev.sluice.delivery;

/**
 * One event of the relay's event stream ({@code --events-log}, {@code --events-webhook}) that
 * writes itself as one JSON object: a {@link DeliveryEvent}, or an event the delivery module does
 * not know (SES's events and suppressions, from the feedback store), so that an application reads
 * one stream per message whatever told of it.
 *
 * <p>Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface JsonEvent {
  /** Appends the event as one JSON object, without a line end. */
  void writeJson(StringBuilder b);
}
