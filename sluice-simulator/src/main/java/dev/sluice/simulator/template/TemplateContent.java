package dev.sluice.simulator.template;

import java.nio.charset.StandardCharsets;

/**
 * An email template's source, as SES's {@code EmailTemplateContent} carries it.
 *
 * @param subject the subject line, or null
 * @param text the plain-text body, or null
 * @param html the HTML body, or null
 */
public record TemplateContent(String subject, String text, String html) {
  /** The size SES counts against its per-template limit: all three parts, in UTF-8 bytes. */
  public long utf8Bytes() {
    return bytes(subject) + bytes(text) + bytes(html);
  }

  private static long bytes(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }
}
