package dev.sluice.core.ses;

import java.util.Objects;

/**
 * A message tag as SES takes it: from v2's {@code EmailTags}, v1's {@code Tags}, or the {@code
 * X-SES-MESSAGE-TAGS} header of raw and SMTP mail; SES adds its own under the {@code ses:} prefix
 * to published events.
 *
 * @param name the tag's name
 * @param value the tag's value
 */
public record MessageTag(String name, String value) {
  /** Checks for nulls. */
  public MessageTag {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
