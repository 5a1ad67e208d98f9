package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.simulator.FaultSettings;
import dev.sluice.simulator.FaultSettings.Conditions;
import dev.sluice.simulator.FaultSpec;
import dev.sluice.simulator.LatencySpec;
import dev.sluice.simulator.SesInterface;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chaos at run time: {@code GET}, {@code PUT} and {@code DELETE /_sluice/faults} read, change and
 * restore the latency and fault settings of a running simulator.
 *
 * <p>A change takes the parameters of the start-up flags, in their units and forms, as query
 * parameters like {@code PUT /_sluice/quota}: {@code latency}, {@code fault-rate}, {@code
 * reset-rate} and {@code hang-rate} change every interface, and the same names prefixed with {@code
 * v2-}, {@code v1-} or {@code smtp-} change one (and win over the unprefixed form in the same
 * request). A setting not named keeps its value. {@code fault-rate} is split evenly between 500 and
 * 503 as at start-up, or takes the split explicitly, {@code 503:1} or {@code 500:0.02,503:0.03}.
 * The whole request is checked before anything changes; a bad value is a 400 naming the parameter.
 * The change applies from the next request on every connection.
 *
 * <p>Thread-safe; the state is the {@link FaultSettings}.
 */
final class FaultsApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SETTINGS =
      List.of("latency", "fault-rate", "reset-rate", "hang-rate");

  private final FaultSettings settings;

  FaultsApi(FaultSettings settings) {
    this.settings = settings;
  }

  /** The settings of every interface as JSON. */
  ApiResponse get() {
    ObjectNode o = JSON.createObjectNode();
    settings
        .snapshot()
        .forEach(
            (i, c) -> {
              FaultSpec f = c.faults();
              o.putObject(i.key())
                  .put("latency", c.latency().text())
                  .put("fault-rate", f.error500() + f.error503())
                  .put("fault-rate-500", f.error500())
                  .put("fault-rate-503", f.error503())
                  .put("reset-rate", f.reset())
                  .put("hang-rate", f.hang());
            });
    return ApiResponse.json(200, o.toString());
  }

  /** Applies the changes the query names, all or none; answers the new settings. */
  ApiResponse put(QueryForm query) {
    Set<String> known = new LinkedHashSet<>(SETTINGS);
    for (SesInterface i : SesInterface.values()) {
      for (String s : SETTINGS) {
        known.add(i.key() + "-" + s);
      }
    }
    for (String name : query.names()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "unknown parameter '" + name + "'; expected one of " + String.join(", ", known));
      }
    }
    settings.change(current -> changed(current, query));
    return get();
  }

  /** Goes back to the start-up settings. */
  ApiResponse delete() {
    settings.restore();
    return get();
  }

  private static Map<SesInterface, Conditions> changed(
      Map<SesInterface, Conditions> current, QueryForm query) {
    Map<SesInterface, Conditions> out = new EnumMap<>(SesInterface.class);
    for (SesInterface i : SesInterface.values()) {
      Conditions c = current.get(i);
      LatencySpec latency = c.latency();
      FaultSpec f = c.faults();
      double e500 = f.error500();
      double e503 = f.error503();
      double reset = f.reset();
      double hang = f.hang();
      String name = param(query, i, "latency");
      if (name != null) {
        latency = parse(name, query.get(name), LatencySpec::parse);
      }
      name = param(query, i, "fault-rate");
      if (name != null) {
        double[] split = parse(name, query.get(name), FaultsApi::errorRates);
        e500 = split[0];
        e503 = split[1];
      }
      name = param(query, i, "reset-rate");
      if (name != null) {
        reset = parse(name, query.get(name), FaultSpec::parseProbability);
      }
      name = param(query, i, "hang-rate");
      if (name != null) {
        hang = parse(name, query.get(name), FaultSpec::parseProbability);
      }
      FaultSpec spec;
      try {
        spec = new FaultSpec(e500, e503, reset, hang);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            i.key()
                + ": the fault-rate ("
                + (e500 + e503)
                + "), reset-rate ("
                + reset
                + ") and hang-rate ("
                + hang
                + ") would add up to more than 1",
            e);
      }
      out.put(i, new Conditions(latency, spec.equals(FaultSpec.NONE) ? FaultSpec.NONE : spec));
    }
    return out;
  }

  /** The parameter that sets {@code setting} of interface {@code i} in this query, or null. */
  private static String param(QueryForm query, SesInterface i, String setting) {
    String own = i.key() + "-" + setting;
    if (query.get(own) != null) {
      return own;
    }
    return query.get(setting) != null ? setting : null;
  }

  private static <T> T parse(String name, String value, java.util.function.Function<String, T> p) {
    try {
      return p.apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses an error rate: a probability split evenly between 500 and 503, or the split itself as
   * {@code CODE:P[,CODE:P]} with codes 500 and 503.
   */
  static double[] errorRates(String text) {
    if (!text.contains(":")) {
      double p = FaultSpec.parseProbability(text);
      return new double[] {p / 2, p / 2};
    }
    double[] out = new double[2];
    List<String> seen = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String[] kv = part.split(":", 2);
      String code = kv[0].strip();
      if (kv.length != 2 || !(code.equals("500") || code.equals("503")) || seen.contains(code)) {
        throw new IllegalArgumentException(
            "expected a probability such as 0.05, or 500:P and 503:P such as 503:1 or"
                + " 500:0.02,503:0.03, got '"
                + text
                + "'");
      }
      seen.add(code);
      out[code.equals("500") ? 0 : 1] = FaultSpec.parseProbability(kv[1]);
    }
    return out;
  }
}
