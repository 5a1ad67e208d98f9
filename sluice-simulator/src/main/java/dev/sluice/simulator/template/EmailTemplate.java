package dev.sluice.simulator.template;

import java.util.Objects;

/**
 * A stored email template, as CreateEmailTemplate (v2) or CreateTemplate (v1) made it.
 *
 * @param name the template's name
 * @param compiled its content, parsed
 * @param createdMillis when it was first created, on the simulator's clock (an update keeps it)
 */
public record EmailTemplate(String name, CompiledContent compiled, long createdMillis) {
  /** Checks for nulls. */
  public EmailTemplate {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(compiled, "compiled");
  }

  /** The source of its parts. */
  public TemplateContent content() {
    return compiled.source();
  }
}
