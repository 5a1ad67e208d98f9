/**
 * Delivery: the {@link dev.sluice.delivery.DeliveryScheduler} that takes due messages from the
 * spool and hands them to a sender, the {@link dev.sluice.delivery.RetryPolicy} that decides when a
 * deferred message is tried again or given up on, and the {@link
 * dev.sluice.delivery.DeliveryEvent}s it reports through an {@link dev.sluice.delivery.EventSink}:
 * a JSON-lines file or a webhook. It knows the spool and the sender only through their SPIs in
 * {@code sluice-core}.
 */
package dev.sluice.delivery;
