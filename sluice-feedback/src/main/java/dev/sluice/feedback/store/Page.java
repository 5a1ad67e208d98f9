package dev.sluice.feedback.store;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items what is on this page
 * @param next where the next page starts (pass it back as {@code after}); empty when this is the
 *     last page
 */
public record Page<T>(List<T> items, String next) {
  /** Copies the list. */
  public Page {
    items = List.copyOf(items);
  }
}
