package dev.sluice.simulator;

/**
 * Draws latency and faults for each request, from the distributions configured per interface.
 *
 * <p>Implementations are thread-safe and cheap: they are called once per request on the I/O path.
 */
public interface FaultInjector {
  /** Decides the latency and fault for the next request on an interface. */
  Injection next(SesInterface via);

  /** An injector that never delays and never fails. */
  static FaultInjector none() {
    return via -> Injection.NONE;
  }
}
