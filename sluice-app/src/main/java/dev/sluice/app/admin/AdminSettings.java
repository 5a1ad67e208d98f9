package dev.sluice.app.admin;

import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Parsers;
import dev.sluice.core.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where the admin server listens and who may use it. The relay's configuration carries these as
 * {@link #BIND}, {@link #PORT} and {@link #TOKEN} ({@code relay.admin.*}); {@link #from(Settings)}
 * reads them.
 *
 * <p>The token is a shared secret: {@link #toString()} never shows it.
 *
 * @param bindAddress the address to listen on; anything but loopback needs a token
 * @param port the port, 0 picking a free one; empty when the server is off
 * @param token the bearer token every API request must carry, if any (none: loopback only)
 * @param maxConnections connections served at once; more are closed on arrival
 * @param idleTimeout how long an idle connection is kept
 */
public record AdminSettings(
    String bindAddress,
    OptionalInt port,
    Optional<String> token,
    int maxConnections,
    Duration idleTimeout) {

  /** The admin port when none is configured: beside the HTTP submit API's 8587. */
  public static final int DEFAULT_PORT = 8588;

  /** The admin address when none is configured. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** The shortest token accepted: enough that guessing is hopeless. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** {@code relay.admin.bind-address}. */
  public static final ConfigKey<String> BIND =
      new ConfigKey<>(
          "relay.admin.bind-address",
          DEFAULT_BIND,
          "Address of the admin API, status page and /metrics; anything but loopback needs"
              + " relay.admin.token.",
          s -> s);

  /** {@code relay.admin.port}. */
  public static final ConfigKey<Integer> PORT =
      new ConfigKey<>(
          "relay.admin.port",
          Integer.toString(DEFAULT_PORT),
          "Port of the admin API, status page and /metrics; 0 picks a free port, off disables.",
          Parsers::port);

  /** {@code relay.admin.token}; secret. */
  public static final ConfigKey<String> TOKEN =
      new ConfigKey<>(
          "relay.admin.token",
          "",
          "Bearer token the admin API and /metrics require (16+ printable characters); required"
              + " when the admin address is not loopback. Prefer SLUICE_RELAY_ADMIN_TOKEN to a"
              + " flag.",
          AdminSettings::checkToken,
          true);

  /** The three keys, for the relay's schema. */
  public static final List<ConfigKey<?>> KEYS = List.of(BIND, PORT, TOKEN);

  /** Checks the values; the token's text is never put in a message. */
  public AdminSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(port, "port");
    if (port.isPresent() && (port.getAsInt() < 0 || port.getAsInt() > 65535)) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port.getAsInt());
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1");
    }
    token.ifPresent(AdminSettings::checkToken);
    if (token.isPresent() && token.get().isEmpty()) {
      throw new IllegalArgumentException("an admin token is not empty; none is Optional.empty()");
    }
  }

  /** Loopback on the default port, no token, 64 connections, idle for a minute at most. */
  public static AdminSettings defaults() {
    return new AdminSettings(
        DEFAULT_BIND, OptionalInt.of(DEFAULT_PORT), Optional.empty(), 64, Duration.ofMinutes(1));
  }

  /** The settings the relay's configuration gives. */
  public static AdminSettings from(Settings s) {
    int port = s.get(PORT);
    AdminSettings bound =
        port < 0
            ? defaults().off().withBind(s.get(BIND))
            : defaults().withBind(s.get(BIND)).withPort(port);
    return bound.withToken(s.get(TOKEN));
  }

  /** These settings listening on another address. */
  public AdminSettings withBind(String address) {
    return new AdminSettings(address, port, token, maxConnections, idleTimeout);
  }

  /** These settings listening on {@code address} and {@code newPort} (0: a free one). */
  public AdminSettings withBind(String address, int newPort) {
    return withBind(address).withPort(newPort);
  }

  /** These settings listening on another port (0: a free one). */
  public AdminSettings withPort(int newPort) {
    return new AdminSettings(
        bindAddress, OptionalInt.of(newPort), token, maxConnections, idleTimeout);
  }

  /** These settings with the server off. */
  public AdminSettings off() {
    return new AdminSettings(bindAddress, OptionalInt.empty(), token, maxConnections, idleTimeout);
  }

  /** These settings with another token; an empty text (the key's default) is none. */
  public AdminSettings withToken(String newToken) {
    return new AdminSettings(
        bindAddress,
        port,
        newToken.isEmpty() ? Optional.empty() : Optional.of(newToken),
        maxConnections,
        idleTimeout);
  }

  /** Whether the server is to run at all. */
  public boolean enabled() {
    return port.isPresent();
  }

  /** Whether requests must carry the token. */
  public boolean tokenRequired() {
    return token.isPresent();
  }

  /** Accepts an empty token or one of 16+ visible ASCII characters; returns it. */
  static String checkToken(String token) {
    if (token.isEmpty()) {
      return token;
    }
    if (token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "the admin token must be at least " + MIN_TOKEN_LENGTH + " characters");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "the admin token must be printable ASCII without spaces (e.g. from `openssl rand -hex"
              + " 24`)");
    }
    return token;
  }

  @Override
  public String toString() {
    return "AdminSettings[bindAddress="
        + bindAddress
        + ", port="
        + (port.isPresent() ? Integer.toString(port.getAsInt()) : "off")
        + ", token="
        + (token.isEmpty() ? "(none)" : "********")
        + ", maxConnections="
        + maxConnections
        + ", idleTimeout="
        + idleTimeout
        + "]";
  }
}
