package dev.sluice.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws latency and faults independently per request from each interface's current settings.
 *
 * <p>Thread-safe: each thread splits its own random source from a seeded root, so draws are cheap
 * and need no lock; the settings are read as one snapshot per request.
 */
public final class RandomFaultInjector implements FaultInjector {
  private final FaultSettings settings;
  private final SplittableRandom root;
  private final ThreadLocal<SplittableRandom> local;

  /** Creates an injector with fixed settings: one latency spec and one fault spec per interface. */
  public RandomFaultInjector(
      Map<SesInterface, LatencySpec> latency, Map<SesInterface, FaultSpec> faults, long seed) {
    this(new FaultSettings(latency, faults), seed);
  }

  /** Creates an injector that follows {@code settings} as they change. */
  public RandomFaultInjector(FaultSettings settings, long seed) {
    this.settings = settings;
    this.root = new SplittableRandom(seed);
    this.local = ThreadLocal.withInitial(this::split);
  }

  private synchronized SplittableRandom split() {
    return root.split();
  }

  @Override
  public Injection next(SesInterface via) {
    SplittableRandom r = local.get();
    FaultSettings.Conditions c = settings.of(via);
    long nanos = c.latency().sampleNanos(r);
    FaultSpec f = c.faults();
    Injection.Kind kind = Injection.Kind.NONE;
    if (!f.equals(FaultSpec.NONE)) {
      double x = r.nextDouble();
      if ((x -= f.error500()) < 0) {
        kind = Injection.Kind.ERROR_500;
      } else if ((x -= f.error503()) < 0) {
        kind = Injection.Kind.ERROR_503;
      } else if ((x -= f.reset()) < 0) {
        kind = Injection.Kind.RESET;
      } else if (x - f.hang() < 0) {
        kind = Injection.Kind.HANG;
      }
    }
    if (kind == Injection.Kind.NONE && nanos == 0) {
      return Injection.NONE;
    }
    return new Injection(kind, Duration.ofNanos(nanos));
  }
}
