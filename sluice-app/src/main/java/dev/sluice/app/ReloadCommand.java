package dev.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.app.admin.AdminClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice reload}: asks a running relay to read its configuration again ({@code POST
 * /api/reload}, the same as sending it SIGHUP) and prints what it applied, what it read again and
 * what changed but needs a restart. Exits 1 when the relay refused the configuration (it keeps the
 * running one) or could not be asked.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
      "Makes a running relay read its configuration file and environment again and apply what",
      "can change live (rates, access lists, users, TLS certificate, retry policy, intake limits)",
      "without dropping a connection or a message; names what needs a restart. Same as SIGHUP."
    })
final class ReloadCommand implements Callable<Integer> {
  @CommandLine.Mixin AdminFlags adminFlags = new AdminFlags();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  ReloadCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminClient client;
    try {
      client = adminFlags.client(env);
    } catch (IllegalArgumentException e) {
      err.println("sluice reload: " + e.getMessage());
      return 2;
    }
    JsonNode answer;
    try {
      answer = client.send("POST", "/api/reload", null, null);
    } catch (AdminClient.Failure e) {
      err.println("sluice reload: " + e.getMessage() + StatusCommand.hint(e));
      return 1;
    }
    List<String> applied = strings(answer.path("applied"));
    List<String> restart = strings(answer.path("restartNeeded"));
    out.println(
        "reloaded: "
            + (applied.isEmpty()
                ? "no live setting changed"
                : "applied " + String.join(", ", applied)));
    List<String> reread = strings(answer.path("reread"));
    if (!reread.isEmpty()) {
      out.println("read again: " + String.join(", ", reread));
    }
    if (!restart.isEmpty()) {
      out.println(
          "changed but not applied until a restart (the relay keeps its running values): "
              + String.join(", ", restart));
    }
    return 0;
  }

  private static List<String> strings(JsonNode array) {
    List<String> s = new ArrayList<>();
    array.forEach(n -> s.add(n.asText()));
    return s;
  }
}
