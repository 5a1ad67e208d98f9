package dev.sluice.app;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on SIGHUP. The JDK offers signal handling only in {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, exported and supported in practice, but flagged by the compiler as
 * internal), so it is reached by reflection. Where it is missing, or the JVM runs with {@code
 * -Xrs}, nothing is installed and a warning says so.
 */
final class Hangup {
  private static final Logger log = LoggerFactory.getLogger(Hangup.class);

  private Hangup() {}

  /** Installs {@code action} as the SIGHUP handler; returns whether it could. */
  static boolean handle(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      InvocationHandler h =
          (Object proxy, Method m, Object[] args) ->
              switch (m.getName()) {
                case "handle" -> {
                  action.run();
                  yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "sluice SIGHUP handler";
                default -> throw new UnsupportedOperationException(m.getName());
              };
      Object proxy =
          Proxy.newProxyInstance(Hangup.class.getClassLoader(), new Class<?>[] {handler}, h);
      signal.getMethod("handle", signal, handler).invoke(null, hup, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      log.warn(
          "SIGHUP cannot be handled here ({}); reload through 'sluice reload' instead",
          cause.toString());
      return false;
    }
  }
}
