package dev.sluice.simulator.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SES v2 operations the simulator answers, by HTTP method and path template, as SES's REST
 * binding names them: {@code GET /v2/email/configuration-sets/{ConfigurationSetName}}. Each family
 * of operations ({@link V2Resource}) adds its routes once at start; a request is matched against
 * them in the order they were added and handed the path's named parts, URL-decoded.
 *
 * <p>Design: a list of templates split into segments, matched segment by segment. There are a few
 * dozen routes at most, so a linear scan costs less than any index; the send operations, which
 * carry the load, come first.
 *
 * <p>Filled before the server starts, then read only: safe to share once built.
 */
final class V2Routes {
  /** Answers one operation. */
  @FunctionalInterface
  interface Handler {
    /**
     * @param path the template's named parts, e.g. {@code ConfigurationSetName}
     */
    ApiResponse handle(ApiCall call, Map<String, String> path) throws V2Api.BadRequest;
  }

  private record Route(String operation, String method, String[] segments, Handler handler) {}

  private final List<Route> routes = new ArrayList<>();

  /**
   * Adds an operation.
   *
   * @param operation its name in SES's API, e.g. {@code GetEmailTemplate}
   * @param template a path such as {@code /v2/email/templates/{TemplateName}}
   */
  V2Routes add(String operation, String method, String template, Handler handler) {
    routes.add(new Route(operation, method, split(template), handler));
    return this;
  }

  /** The names of the operations answered, each once. */
  java.util.Set<String> operations() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    routes.forEach(r -> out.add(r.operation()));
    return out;
  }

  /** The answer of the operation at the call's method and path, if there is one. */
  Optional<ApiResponse> dispatch(ApiCall call) throws V2Api.BadRequest {
    String[] given = split(call.path());
    for (Route r : routes) {
      if (!r.method().equals(call.method())) {
        continue;
      }
      Map<String, String> parts = match(r.segments(), given);
      if (parts != null) {
        return Optional.of(r.handler().handle(call, parts));
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> match(String[] template, String[] given) {
    if (template.length != given.length) {
      return null;
    }
    Map<String, String> parts = new LinkedHashMap<>();
    for (int i = 0; i < template.length; i++) {
      String t = template[i];
      if (t.length() > 2 && t.charAt(0) == '{' && t.charAt(t.length() - 1) == '}') {
        String value = URLDecoder.decode(given[i], StandardCharsets.UTF_8);
        if (value.isEmpty()) {
          return null;
        }
        parts.put(t.substring(1, t.length() - 1), value);
      } else if (!t.equals(given[i])) {
        return null;
      }
    }
    return parts;
  }

  private static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.split("/", -1);
  }
}
