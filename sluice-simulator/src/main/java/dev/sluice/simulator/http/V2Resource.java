package dev.sluice.simulator.http;

/**
 * A family of SES v2 operations (configuration sets, templates, the suppression list, …) that adds
 * its routes to the v2 API. Implementations keep their state in the simulator's core, not here.
 */
interface V2Resource {
  /** Adds this family's operations. */
  void register(V2Routes routes);
}
