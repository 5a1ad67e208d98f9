package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Clock;
import dev.sluice.core.ses.ConfigurationSetNames;
import dev.sluice.simulator.account.ConfigurationSet;
import dev.sluice.simulator.account.ConfigurationSets;
import dev.sluice.simulator.account.EventDestination;
import dev.sluice.simulator.account.EventType;
import dev.sluice.simulator.account.SuppressionList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SES v2's configuration sets and their event destinations: Create/Get/List/Delete
 * ConfigurationSet, Create/Get/Update/Delete ConfigurationSetEventDestination, and the set's
 * sending and suppression options, with SES's paths, shapes and errors.
 *
 * <p>Only SNS destinations are delivered to; destinations of other kinds (Kinesis Data Firehose,
 * CloudWatch, Pinpoint, EventBridge) are accepted, kept and shown as given.
 *
 * <p>Thread-safe: the state lives in {@link ConfigurationSets}.
 */
final class ConfigurationSetsApi implements V2Resource {
  private static final String SETS = "/v2/email/configuration-sets";
  private static final String SET = SETS + "/{ConfigurationSetName}";
  private static final String DESTINATIONS = SET + "/event-destinations";
  private static final String DESTINATION = DESTINATIONS + "/{EventDestinationName}";
  private static final List<String> OTHER_KINDS =
      List.of(
          "KinesisFirehoseDestination",
          "CloudWatchDestination",
          "PinpointDestination",
          "EventBridgeDestination");

  private final ConfigurationSets sets;
  private final Clock clock;

  ConfigurationSetsApi(ConfigurationSets sets, Clock clock) {
    this.sets = sets;
    this.clock = clock;
  }

  @Override
  public void register(V2Routes r) {
    r.add("CreateConfigurationSet", "POST", SETS, (call, p) -> create(call))
        .add("ListConfigurationSets", "GET", SETS, (call, p) -> list(call))
        .add(
            "ListConfigurationSets",
            "POST",
            "/v2/email/list-configuration-sets",
            (call, p) -> list(call))
        .add("GetConfigurationSet", "GET", SET, (call, p) -> get(p.get("ConfigurationSetName")))
        .add(
            "DeleteConfigurationSet",
            "DELETE",
            SET,
            (call, p) -> delete(p.get("ConfigurationSetName")))
        .add(
            "CreateConfigurationSetEventDestination",
            "POST",
            DESTINATIONS,
            (call, p) -> createDestination(call, p))
        .add(
            "GetConfigurationSetEventDestinations",
            "GET",
            DESTINATIONS,
            (call, p) -> destinations(p.get("ConfigurationSetName")))
        .add(
            "UpdateConfigurationSetEventDestination",
            "PUT",
            DESTINATION,
            (call, p) -> updateDestination(call, p))
        .add(
            "DeleteConfigurationSetEventDestination",
            "DELETE",
            DESTINATION,
            (call, p) -> deleteDestination(p))
        .add(
            "PutConfigurationSetSuppressionOptions",
            "PUT",
            SET + "/suppression-options",
            (call, p) -> suppressionOptions(call, p))
        .add(
            "PutConfigurationSetSendingOptions",
            "PUT",
            SET + "/sending",
            (call, p) -> sendingOptions(call, p));
  }

  private ApiResponse create(ApiCall call) throws V2Api.BadRequest {
    JsonNode req = V2Bodies.parse(call.body());
    String name = V2Bodies.required(req, "ConfigurationSetName");
    String invalid = ConfigurationSetNames.problem(name);
    if (invalid != null) {
      throw new V2Api.BadRequest(invalid);
    }
    List<String> reasons = null;
    if (req.has("SuppressionOptions")) {
      reasons = reasons(req.path("SuppressionOptions"));
    }
    boolean sending = req.path("SendingOptions").path("SendingEnabled").asBoolean(true);
    Map<String, String> tags = new LinkedHashMap<>();
    for (JsonNode t : req.path("Tags")) {
      tags.put(t.path("Key").asText(), t.path("Value").asText());
    }
    if (sets.full()) {
      return V2Bodies.limitExceeded(
          "Maximum number of configuration sets (" + ConfigurationSets.MAX_SETS + ") reached.");
    }
    ConfigurationSet set =
        new ConfigurationSet(name, clock.millis(), sending, reasons, Map.of(), tags);
    if (!sets.create(set)) {
      return V2Bodies.alreadyExists("Configuration set <" + name + "> already exists.");
    }
    return V2Bodies.ok();
  }

  private ApiResponse list(ApiCall call) throws V2Api.BadRequest {
    V2Bodies.Page<String> page =
        V2Bodies.page(sets.names(), V2Bodies.paging(call), V2Bodies.DEFAULT_PAGE);
    ObjectNode out = V2Bodies.JSON.createObjectNode();
    ArrayNode names = out.putArray("ConfigurationSets");
    page.items().forEach(names::add);
    if (page.nextToken() != null) {
      out.put("NextToken", page.nextToken());
    }
    return V2Bodies.ok(out);
  }

  private ApiResponse get(String name) {
    ConfigurationSet set = sets.get(name).orElse(null);
    if (set == null) {
      return missingSet(name);
    }
    ObjectNode out = V2Bodies.JSON.createObjectNode();
    out.put("ConfigurationSetName", set.name());
    out.putObject("SendingOptions").put("SendingEnabled", set.sendingEnabled());
    ArrayNode tags = out.putArray("Tags");
    set.tags().forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
    if (set.suppressedReasons() != null) {
      ArrayNode r = out.putObject("SuppressionOptions").putArray("SuppressedReasons");
      set.suppressedReasons().forEach(r::add);
    }
    return V2Bodies.ok(out);
  }

  private ApiResponse delete(String name) {
    return sets.delete(name) ? V2Bodies.ok() : missingSet(name);
  }

  private ApiResponse createDestination(ApiCall call, Map<String, String> p)
      throws V2Api.BadRequest {
    String setName = p.get("ConfigurationSetName");
    JsonNode req = V2Bodies.parse(call.body());
    String name = V2Bodies.required(req, "EventDestinationName");
    EventDestination d = destination(name, req.path("EventDestination"));
    ConfigurationSet set = sets.get(setName).orElse(null);
    if (set == null) {
      return missingSet(setName);
    }
    if (set.destinations().containsKey(name)) {
      return V2Bodies.alreadyExists(
          "Event destination " + name + " already exists in configuration set " + setName + ".");
    }
    if (set.destinations().size() >= ConfigurationSets.MAX_DESTINATIONS) {
      return V2Bodies.limitExceeded(
          "Maximum number of event destinations ("
              + ConfigurationSets.MAX_DESTINATIONS
              + ") for configuration set "
              + setName
              + " reached.");
    }
    sets.update(setName, s -> s.withDestination(d));
    return V2Bodies.ok();
  }

  private ApiResponse destinations(String setName) {
    ConfigurationSet set = sets.get(setName).orElse(null);
    if (set == null) {
      return missingSet(setName);
    }
    ObjectNode out = V2Bodies.JSON.createObjectNode();
    ArrayNode list = out.putArray("EventDestinations");
    for (EventDestination d : set.destinations().values()) {
      ObjectNode n = list.addObject();
      n.put("Name", d.name());
      n.put("Enabled", d.enabled());
      ArrayNode types = n.putArray("MatchingEventTypes");
      for (EventType t : EventType.values()) {
        if (d.matchingEventTypes().contains(t)) {
          types.add(t.apiName());
        }
      }
      if (d.snsTopicArn() != null) {
        n.putObject("SnsDestination").put("TopicArn", d.snsTopicArn());
      }
      if (d.otherKind() != null) {
        try {
          JsonNode other = V2Bodies.JSON.readTree(d.otherKind());
          for (String kind : OTHER_KINDS) {
            if (other.has(kind)) {
              n.set(kind, other.get(kind));
            }
          }
        } catch (java.io.IOException e) {
          throw new IllegalStateException("a destination kept as JSON reads back", e);
        }
      }
    }
    return V2Bodies.ok(out);
  }

  private ApiResponse updateDestination(ApiCall call, Map<String, String> p)
      throws V2Api.BadRequest {
    String setName = p.get("ConfigurationSetName");
    String name = p.get("EventDestinationName");
    EventDestination d = destination(name, V2Bodies.parse(call.body()).path("EventDestination"));
    ConfigurationSet set = sets.get(setName).orElse(null);
    if (set == null) {
      return missingSet(setName);
    }
    if (!set.destinations().containsKey(name)) {
      return missingDestination(setName, name);
    }
    sets.update(setName, s -> s.withDestination(d));
    return V2Bodies.ok();
  }

  private ApiResponse deleteDestination(Map<String, String> p) {
    String setName = p.get("ConfigurationSetName");
    String name = p.get("EventDestinationName");
    ConfigurationSet set = sets.get(setName).orElse(null);
    if (set == null) {
      return missingSet(setName);
    }
    if (!set.destinations().containsKey(name)) {
      return missingDestination(setName, name);
    }
    sets.update(setName, s -> s.withoutDestination(name));
    return V2Bodies.ok();
  }

  private ApiResponse suppressionOptions(ApiCall call, Map<String, String> p)
      throws V2Api.BadRequest {
    List<String> reasons = reasons(V2Bodies.parse(call.body()));
    String setName = p.get("ConfigurationSetName");
    return sets.update(setName, s -> s.withSuppressedReasons(reasons))
        ? V2Bodies.ok()
        : missingSet(setName);
  }

  private ApiResponse sendingOptions(ApiCall call, Map<String, String> p) throws V2Api.BadRequest {
    boolean enabled = V2Bodies.parse(call.body()).path("SendingEnabled").asBoolean(false);
    String setName = p.get("ConfigurationSetName");
    return sets.update(setName, s -> s.withSendingEnabled(enabled))
        ? V2Bodies.ok()
        : missingSet(setName);
  }

  /** An {@code EventDestination} object, checked as SES checks it. */
  private static EventDestination destination(String name, JsonNode d) throws V2Api.BadRequest {
    String invalid = ConfigurationSetNames.problem("Event destination name", name);
    if (invalid != null) {
      throw new V2Api.BadRequest(invalid);
    }
    if (!d.isObject()) {
      throw new V2Api.BadRequest("Missing required parameter EventDestination.");
    }
    Set<EventType> types = EnumSet.noneOf(EventType.class);
    for (String t : V2Bodies.strings(d, "MatchingEventTypes")) {
      EventType type = EventType.ofApiName(t);
      if (type == null) {
        throw new V2Api.BadRequest("Invalid event type " + t + ".");
      }
      types.add(type);
    }
    String topic = null;
    if (d.has("SnsDestination")) {
      topic = V2Bodies.required(d.path("SnsDestination"), "TopicArn");
      if (!topic.startsWith("arn:")) {
        throw new V2Api.BadRequest("Invalid SNS topic ARN " + topic + ".");
      }
    }
    ObjectNode other = V2Bodies.JSON.createObjectNode();
    for (String kind : OTHER_KINDS) {
      if (d.has(kind)) {
        other.set(kind, d.get(kind));
      }
    }
    if (topic == null && other.isEmpty()) {
      throw new V2Api.BadRequest(
          "An event destination needs one of SnsDestination, KinesisFirehoseDestination,"
              + " CloudWatchDestination, PinpointDestination or EventBridgeDestination.");
    }
    return new EventDestination(
        name,
        d.path("Enabled").asBoolean(false),
        types,
        topic,
        other.isEmpty() ? null : other.toString());
  }

  /** The {@code SuppressedReasons} of a body: BOUNCE and COMPLAINT only. */
  static List<String> reasons(JsonNode n) throws V2Api.BadRequest {
    List<String> reasons = V2Bodies.strings(n, "SuppressedReasons");
    for (String r : reasons) {
      if (!SuppressionList.REASONS.contains(r)) {
        throw new V2Api.BadRequest(
            "Invalid suppression reason " + r + ": use BOUNCE or COMPLAINT.");
      }
    }
    return reasons.stream().distinct().toList();
  }

  private static ApiResponse missingSet(String name) {
    return V2Bodies.notFound("Configuration set <" + name + "> does not exist.");
  }

  private static ApiResponse missingDestination(String set, String name) {
    return V2Bodies.notFound(
        "Event destination " + name + " does not exist in configuration set " + set + ".");
  }
}
