package dev.sluice.feedback.store;

import java.util.List;

/**
 * Told by the {@link FeedbackStore} of the events it has just recorded, for the relay's event
 * stream: called once the write that recorded them is on disk, so an SES event delivered twice is
 * told of once. Called on the recording thread, outside the store's lock; may block (the store's
 * caller, the events intake, then waits before it acknowledges), must not throw.
 */
@FunctionalInterface
public interface FeedbackListener {
  /** Listens to nothing. */
  FeedbackListener NONE = events -> {};

  /** The lines one write recorded, in order; never empty. */
  void recorded(List<FeedbackEvent> events);
}
