package dev.sluice.core;

import java.time.Duration;
import java.util.List;

/** What became of one message after a delivery attempt: delivered, deferred, or failed for good. */
public sealed interface Outcome {
  /** Who a deferral is about: this message, the upstream service, or the whole account. */
  enum Scope {
    /** Something about this message; others may go ahead. */
    MESSAGE,
    /** The upstream is unwell (5xx, resets, timeouts); back off from it. */
    UPSTREAM,
    /** The account's rate or daily quota; nothing should be sent until it frees. */
    ACCOUNT
  }

  /**
   * Accepted upstream.
   *
   * @param upstreamIds the upstream's message ids, one per call (more than one when the recipients
   *     were split across calls)
   * @param calls how many upstream calls it took, throttled and retried ones included
   */
  record Delivered(List<String> upstreamIds, int calls) implements Outcome {
    /** Copies the list. */
    public Delivered {
      upstreamIds = List.copyOf(upstreamIds);
    }
  }

  /**
   * Not delivered yet; try again later.
   *
   * @param scope what the deferral is about
   * @param reason the upstream's words
   * @param retryAfter the earliest sensible retry
   * @param delivered recipients already accepted in earlier calls (when recipients were split),
   *     which must not be sent again
   */
  record Deferred(Scope scope, String reason, Duration retryAfter, List<String> delivered)
      implements Outcome {
    /** Copies the list. */
    public Deferred {
      delivered = List.copyOf(delivered);
    }
  }

  /**
   * Refused for good; retrying cannot help.
   *
   * @param reason the upstream's words
   * @param delivered recipients already accepted in earlier calls, if any
   */
  record Failed(String reason, List<String> delivered) implements Outcome {
    /** Copies the list. */
    public Failed {
      delivered = List.copyOf(delivered);
    }
  }
}
