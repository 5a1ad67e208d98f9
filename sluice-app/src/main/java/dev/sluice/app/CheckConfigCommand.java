package dev.sluice.app;

import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Settings;
import dev.sluice.ingress.PemTls;
import dev.sluice.ingress.UserStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice check-config FILE}: reads a relay configuration file the way {@code sluice relay
 * --config FILE} does (over the built-in defaults, every key parsed and checked together) and also
 * loads the files it names (TLS certificate and key, users file), without opening a port or the
 * spool. Like {@code postfix check} or {@code nginx -t}, it checks the file alone: environment
 * variables and flags, which a relay would layer on top, are not read.
 *
 * <p>Thread safety: confined to the thread that runs the command.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a relay configuration file without starting a relay: every key known and parsed,",
      "the settings consistent, the TLS certificate and key and the users file readable.",
      "Exit status 0 when the relay would start with it, 1 when not (the reason on stderr)."
    })
final class CheckConfigCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "Relay configuration file.")
  Path file;

  private final PrintStream out;
  private final PrintStream err;

  CheckConfigCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    try {
      Map<String, String> values = ConfigLoader.readFile(file);
      Settings settings =
          ConfigLoader.resolve(
              RelayConfig.SCHEMA, values, file.toString(), Map.of(), null, Map.of());
      RelayConfig config = RelayConfig.from(settings);
      if (config.doors().tls().isPresent()) {
        PemTls.serverContext(
            config.doors().tls().get().certificate(), config.doors().tls().get().key());
      }
      if (config.doors().usersFile().isPresent()) {
        UserStore.load(config.doors().usersFile().get());
      }
      out.println(
          file
              + ": OK ("
              + values.size()
              + " keys set, the rest built-in defaults"
              + (config.delivery().routes().any()
                  ? "; routes: "
                      + String.join(", ", config.delivery().routes().names())
                      + "; "
                      + config.delivery().routes().rules().size()
                      + (config.delivery().routes().rules().size() == 1 ? " rule" : " rules")
                  : "")
              + ")");
      return 0;
    } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
      err.println("sluice check-config: " + file + ": " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("sluice check-config: " + file + ": cannot read a file it names: " + e);
      return 1;
    } catch (UncheckedIOException e) {
      err.println(
          "sluice check-config: " + file + ": cannot read a file it names: " + e.getCause());
      return 1;
    }
  }
}
