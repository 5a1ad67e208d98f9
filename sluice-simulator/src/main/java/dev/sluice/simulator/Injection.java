package dev.sluice.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * What the fault injector decided for one request: how long to wait before answering, and whether
 * to answer normally, with a server error, by resetting the connection, or not at all.
 *
 * @param kind the fault, or {@link Kind#NONE}
 * @param latency the delay before the answer (or before the reset); zero for none
 */
public record Injection(Kind kind, Duration latency) {
  /** The faults the simulator can inject. */
  public enum Kind {
    /** Answer normally. */
    NONE,
    /** Answer with an internal failure (HTTP 500; SMTP 451). */
    ERROR_500,
    /** Answer with service unavailable (HTTP 503; SMTP 454). */
    ERROR_503,
    /** Reset the connection (TCP RST) instead of answering. */
    RESET,
    /**
     * Never answer; the connection stays open until the client gives up or the hang limit ends it.
     */
    HANG
  }

  /** An answer with no fault and no delay. */
  public static final Injection NONE = new Injection(Kind.NONE, Duration.ZERO);

  /** Checks the parts. */
  public Injection {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(latency, "latency");
  }
}
