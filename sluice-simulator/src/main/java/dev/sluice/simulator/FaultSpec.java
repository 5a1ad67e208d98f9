package dev.sluice.simulator;

/**
 * Fault probabilities for one interface, each in [0, 1] and summing to at most 1.
 *
 * @param error500 probability of an internal failure (HTTP 500, SMTP 451)
 * @param error503 probability of service unavailable (HTTP 503, SMTP 454)
 * @param reset probability of a connection reset instead of an answer
 * @param hang probability of never answering
 */
public record FaultSpec(double error500, double error503, double reset, double hang) {
  /** No faults. */
  public static final FaultSpec NONE = new FaultSpec(0, 0, 0, 0);

  /** Checks the ranges. */
  public FaultSpec {
    for (double p : new double[] {error500, error503, reset, hang}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("a probability must be between 0 and 1, got " + p);
      }
    }
    if (error500 + error503 + reset + hang > 1.0 + 1e-9) {
      throw new IllegalArgumentException("fault probabilities add up to more than 1");
    }
  }

  /** Builds a spec where {@code errorRate} is split evenly between 500 and 503. */
  public static FaultSpec of(double errorRate, double reset, double hang) {
    return new FaultSpec(errorRate / 2, errorRate / 2, reset, hang);
  }

  /** Parses a probability such as {@code 0.05} or {@code 5%}. */
  public static double parseProbability(String text) {
    String t = text.strip();
    double p;
    try {
      p =
          t.endsWith("%")
              ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100
              : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected a probability such as 0.05 or 5%, got '" + text + "'", e);
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(
          "expected a probability between 0 and 1, got '" + text + "'");
    }
    return p;
  }
}
