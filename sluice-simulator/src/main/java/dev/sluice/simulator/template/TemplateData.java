package dev.sluice.simulator.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Template data as SES takes it: a string holding a JSON object ({@code TemplateData}, {@code
 * ReplacementTemplateData}, v1's {@code DefaultTemplateData}), at most {@link #MAX_CHARS}
 * characters.
 */
public final class TemplateData {
  /** SES's limit on template data, in characters. */
  public static final int MAX_CHARS = 262_144;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TemplateData() {}

  /** No data: an empty object. */
  public static ObjectNode empty() {
    return JSON.createObjectNode();
  }

  /**
   * Parses template data.
   *
   * @param where the parameter's name, for the message
   * @throws IllegalArgumentException saying why it is not acceptable
   */
  public static ObjectNode parse(String text, String where) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException(
          where + " has " + text.length() + " characters; at most " + MAX_CHARS + " are allowed.");
    }
    JsonNode parsed;
    try {
      parsed = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + " is not valid JSON.", e);
    }
    if (parsed == null || !parsed.isObject()) {
      throw new IllegalArgumentException(where + " must be a JSON object.");
    }
    return (ObjectNode) parsed;
  }

  /** A destination's data over the default: top-level keys, the replacement's winning. */
  public static ObjectNode merge(ObjectNode defaults, ObjectNode replacement) {
    ObjectNode merged = defaults.deepCopy();
    merged.setAll(replacement);
    return merged;
  }
}
