package dev.sluice.app.relay;

import dev.sluice.core.config.ConfigKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;

/**
 * One of the relay's doors (SMTP, HTTP, the admin API) could not listen: which, where, the key that
 * sets its port, and whether the address was taken, in one line without the network library's
 * exception names. The usual cause is another relay on the same port.
 */
public final class ListenFailure extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  private final transient ConfigKey<?> portKey;
  private final boolean addressInUse;

  /**
   * @param door the door in words, e.g. {@code the admin API}
   * @param address the address it was to bind
   * @param port the port it was to bind
   * @param portKey the configuration key of that port
   */
  ListenFailure(String door, String address, int port, ConfigKey<?> portKey, IOException cause) {
    super(message(door, address, port, cause), cause);
    this.portKey = Objects.requireNonNull(portKey, "portKey");
    this.addressInUse = inUse(cause);
  }

  /** The configuration key of the port that could not be bound. */
  public ConfigKey<?> portKey() {
    return portKey;
  }

  /** Whether another socket already listens on the address (another relay, most likely). */
  public boolean addressInUse() {
    return addressInUse;
  }

  private static String message(String door, String address, int port, IOException cause) {
    return "cannot listen for "
        + door
        + " on "
        + address
        + ":"
        + port
        + ": "
        + (inUse(cause) ? "the address is already in use" : innermost(cause));
  }

  /**
   * EADDRINUSE, as the JDK ({@code BindException: Address already in use}) and Netty's native
   * transport ({@code bind(..) failed with error(-98): Address already in use}) both word it.
   */
  private static boolean inUse(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT).contains("already in use")) {
        return true;
      }
    }
    return false;
  }

  /** The deepest cause's own words (the wrappers above it repeat them with class names). */
  private static String innermost(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
