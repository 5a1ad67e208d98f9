package dev.sluice.delivery;

import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.transport.MessageSender;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A sender whose answers a test writes: each call is recorded and answered by the current script.
 * For the scheduler's own rules on a manual clock; the integration tests use the real sender.
 */
final class ScriptedSender implements MessageSender {
  final List<OutboundMessage> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<Held> held = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger unfinished = new AtomicInteger();
  private final AtomicInteger mostUnfinished = new AtomicInteger();
  private volatile Function<OutboundMessage, Outcome> script;

  ScriptedSender(Function<OutboundMessage, Outcome> script) {
    this.script = script;
  }

  /** Answers every call with {@code Delivered(["ses-<id>"], 1)}. */
  static ScriptedSender delivering() {
    return new ScriptedSender(m -> new Outcome.Delivered(List.of("ses-" + m.id()), 1));
  }

  /** A sender that answers nothing until {@link #completeHeld} is called. */
  static ScriptedSender holding() {
    return new ScriptedSender(null);
  }

  void script(Function<OutboundMessage, Outcome> s) {
    this.script = s;
  }

  @Override
  public CompletableFuture<Outcome> send(OutboundMessage m) {
    calls.add(m);
    int now = unfinished.incrementAndGet();
    mostUnfinished.accumulateAndGet(now, Math::max);
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    f.whenComplete((o, e) -> unfinished.decrementAndGet());
    Function<OutboundMessage, Outcome> s = script;
    if (s == null) {
      held.add(new Held(m, f));
    } else {
      f.complete(s.apply(m));
    }
    return f;
  }

  private record Held(OutboundMessage message, CompletableFuture<Outcome> future) {}

  /** Answers every call held so far with what {@code answer} says. */
  void completeHeld(Function<OutboundMessage, Outcome> answer) {
    List<Held> hs;
    synchronized (held) {
      hs = List.copyOf(held);
      held.clear();
    }
    for (Held h : hs) {
      h.future().complete(answer.apply(h.message()));
    }
  }

  int heldCount() {
    return held.size();
  }

  /** The most calls ever unfinished at once. */
  int mostUnfinished() {
    return mostUnfinished.get();
  }

  /** Calls for the message with this queue id. */
  long callsFor(String id) {
    synchronized (calls) {
      return calls.stream().filter(m -> m.id().equals(id)).count();
    }
  }
}
