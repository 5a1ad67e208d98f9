package dev.sluice.ses;

import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One message's recipients as upstream calls: at most {@code maxRecipients} per call, narrowed
 * around the recipients the upstream refuses, and the calls' answers combined into the message's
 * outcome.
 *
 * <p>Design: each call is charged its own recipients by the shaper. If a later call is deferred,
 * the outcome lists who already got the message, so the retry does not send it to them twice; a
 * refused call is narrowed by {@link Refusals} so that the other recipients are still delivered.
 * All the calls of one message share one deadline, {@code maxTime} from the first.
 *
 * <p>Thread-safe: it holds no state of its own; each message is worked on its caller's thread.
 */
final class RecipientSplit {
  private final UpstreamCall call;
  private final int maxRecipients;
  private final long maxMessageSize;
  private final String upstream;
  private final Duration maxTime;
  private final Clock clock;

  RecipientSplit(
      UpstreamCall call,
      int maxRecipients,
      long maxMessageSize,
      String upstream,
      Duration maxTime,
      Clock clock) {
    this.call = call;
    this.maxRecipients = maxRecipients;
    this.maxMessageSize = maxMessageSize;
    this.upstream = upstream;
    this.maxTime = maxTime;
    this.clock = clock;
  }

  /** Delivers {@code m} to all its recipients, or says who is still waiting and why. */
  Outcome deliver(OutboundMessage m) {
    if (m.content().length > maxMessageSize) {
      return new Outcome.Failed(
          "message is "
              + m.content().length
              + " bytes, over the "
              + upstream
              + " limit of "
              + maxMessageSize,
          List.of());
    }
    long deadline = clock.nanos() + maxTime.toNanos();
    List<String> ids = new ArrayList<>();
    List<String> delivered = new ArrayList<>();
    Refusals refused = new Refusals();
    int calls = 0;
    ArrayDeque<Envelope> work = new ArrayDeque<>(m.envelope().split(maxRecipients));
    while (!work.isEmpty()) {
      Envelope chunk = work.poll();
      UpstreamCall.Result r = call.send(chunk, m.content(), deadline, m.trafficClass());
      calls += r.calls();
      switch (r.outcome()) {
        case Outcome.Delivered d -> {
          ids.addAll(d.upstreamIds());
          delivered.addAll(chunk.recipients());
        }
        case Outcome.Deferred d -> {
          return new Outcome.Deferred(d.scope(), d.reason(), d.retryAfter(), delivered);
        }
        case Outcome.Failed f -> {
          List<Envelope> narrower = refused.isolate(chunk, f.reason());
          for (int i = narrower.size() - 1; i >= 0; i--) {
            work.addFirst(narrower.get(i));
          }
        }
      }
    }
    return refused.none()
        ? new Outcome.Delivered(ids, calls)
        : new Outcome.Failed(refused.reason(), delivered);
  }
}
