package dev.sluice.core.traffic;

import java.util.Objects;

/**
 * One traffic class: a name and its guaranteed share of a route's rate.
 *
 * @param name letters, digits, {@code -} and {@code _}
 * @param share the guaranteed fraction of the route's rate, above 0 and at most 1
 */
public record TrafficClass(String name, double share) {
  /** Checks the name and the share. */
  public TrafficClass {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || !name.chars().allMatch(TrafficClass::legal)) {
      throw new IllegalArgumentException(
          "a class name is letters, digits, '-' and '_', got '" + name + "'");
    }
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException(
          "the share of class " + name + " must be above 0% and at most 100%, got " + share);
    }
  }

  private static boolean legal(int c) {
    return Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_';
  }
}
