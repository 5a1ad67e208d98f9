package dev.sluice.app;

import dev.sluice.app.admin.AdminClient;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags of a command that asks a running relay's admin API ({@code --admin}, {@code --token}),
 * as a picocli mixin.
 */
final class AdminFlags {
  @Option(
      names = "--admin",
      paramLabel = "URL",
      description = "The relay's admin API. Default: ${DEFAULT-VALUE}.")
  String admin = AdminClient.DEFAULT_URL;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "The admin token, when the relay has one. Default: environment SLUICE_ADMIN_TOKEN"
              + " (or SLUICE_RELAY_ADMIN_TOKEN); prefer it to this flag, which others can see.")
  String token;

  /**
   * A client of the API these flags name.
   *
   * @throws IllegalArgumentException for an unusable URL
   */
  AdminClient client(Map<String, String> env) {
    return AdminClient.of(admin, AdminClient.token(token, env));
  }
}
