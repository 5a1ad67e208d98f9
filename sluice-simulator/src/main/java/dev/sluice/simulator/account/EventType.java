package dev.sluice.simulator.account;

import java.util.Locale;

/**
 * The kinds of event an SES event destination can match ({@code MatchingEventTypes}), with the
 * names SES uses on the wire: upper case in the v2 API, and the {@code eventType} values of the
 * published JSON.
 */
public enum EventType {
  SEND("Send"),
  REJECT("Reject"),
  BOUNCE("Bounce"),
  COMPLAINT("Complaint"),
  DELIVERY("Delivery"),
  OPEN("Open"),
  CLICK("Click"),
  RENDERING_FAILURE("Rendering Failure"),
  DELIVERY_DELAY("DeliveryDelay"),
  SUBSCRIPTION("Subscription");

  private final String eventName;

  EventType(String eventName) {
    this.eventName = eventName;
  }

  /** The {@code eventType} value of a published event, e.g. {@code Rendering Failure}. */
  public String eventName() {
    return eventName;
  }

  /** The v2 API's name, e.g. {@code RENDERING_FAILURE}. */
  public String apiName() {
    return name();
  }

  /** Parses the v2 API's name; null when it is not one. */
  public static EventType ofApiName(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
