package dev.sluice.simulator.template;

/**
 * A template's parts after rendering.
 *
 * @param subject the subject, empty when the template has none
 * @param text the plain-text body, or null when the template has none
 * @param html the HTML body, or null when the template has none
 */
public record RenderedContent(String subject, String text, String html) {}
