package dev.sluice.app.log;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * The log levels in force, set from {@code relay.log-levels} at start and again by a reload: a
 * level for everything ({@code info}), and levels for loggers by name prefix ({@code
 * dev.sluice.delivery=debug}), e.g. {@code info, dev.sluice.delivery=debug, io.netty=warn}.
 *
 * <p>A logger takes the level of the longest prefix of its name that is named, here or in {@code
 * simplelogger.properties} (here wins for the same prefix); else the level for everything given
 * here; else the one in {@code simplelogger.properties}. Empty: as {@code simplelogger.properties}
 * says. Loggers already made change at once; later ones start with it.
 *
 * <p>Applies only with {@link FormattingLoggerProvider} (the {@code sluice} command's own logging);
 * elsewhere {@link #apply} says it could not. Thread-safe.
 */
public final class LogLevels {
  /** A parsed value: the level for everything (-1: not given) and levels by name prefix. */
  record Spec(int root, Map<String, Integer> byPrefix) {}

  private static final String PROPERTY_PREFIX = "org.slf4j.simpleLogger.log.";
  private static final Set<FormattingLogger> LOGGERS = ConcurrentHashMap.newKeySet();
  private static final Map<String, Integer> FROM_PROPERTIES = properties();
  private static volatile Spec current = new Spec(-1, Map.of());

  private LogLevels() {}

  /**
   * Checks a value and returns it as given.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String parse(String s) {
    spec(s);
    return s;
  }

  static Spec spec(String s) {
    int root = -1;
    Map<String, Integer> byPrefix = new LinkedHashMap<>();
    for (String part : s.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        if (root >= 0) {
          throw new IllegalArgumentException(
              "one level for everything, got a second: '" + p + "' (name others as LOGGER=LEVEL)");
        }
        root = level(p);
      } else {
        String name = p.substring(0, eq).strip();
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_$.]+")) {
          throw new IllegalArgumentException("not a logger name: '" + name + "'");
        }
        byPrefix.put(name, level(p.substring(eq + 1)));
      }
    }
    return new Spec(root, Map.copyOf(byPrefix));
  }

  private static int level(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "trace" -> 0;
      case "debug" -> 10;
      case "info" -> 20;
      case "warn" -> 30;
      case "error" -> 40;
      case "off" -> 50;
      default ->
          throw new IllegalArgumentException(
              "not a level: '" + s.strip() + "' (trace, debug, info, warn, error or off)");
    };
  }

  /**
   * Puts {@code value} in force for every logger.
   *
   * @return false when this process logs through another backend, which this cannot change
   * @throws IllegalArgumentException for a value {@link #parse} refuses
   */
  public static boolean apply(String value) {
    Spec next = spec(value);
    current = next;
    for (FormattingLogger l : LOGGERS) {
      l.setLevel(levelOf(l.getName(), l.initialLevel()));
    }
    return LoggerFactory.getILoggerFactory() instanceof FormattingLoggerFactory;
  }

  /** Called by each new logger. */
  static void register(FormattingLogger logger) {
    LOGGERS.add(logger);
    logger.setLevel(levelOf(logger.getName(), logger.initialLevel()));
  }

  /** The level of the logger {@code name}, made with {@code initial} from the properties file. */
  static int levelOf(String name, int initial) {
    Spec s = current;
    String best = null;
    int level = -1;
    for (var e : s.byPrefix().entrySet()) {
      if (covers(e.getKey(), name) && (best == null || e.getKey().length() > best.length())) {
        best = e.getKey();
        level = e.getValue();
      }
    }
    for (var e : FROM_PROPERTIES.entrySet()) {
      if (covers(e.getKey(), name) && (best == null || e.getKey().length() > best.length())) {
        best = e.getKey();
        level = e.getValue();
      }
    }
    if (best != null) {
      return level;
    }
    return s.root() >= 0 ? s.root() : initial;
  }

  private static boolean covers(String prefix, String name) {
    return name.equals(prefix) || name.startsWith(prefix + ".");
  }

  /** The per-logger levels of {@code simplelogger.properties}, as slf4j-simple reads them. */
  private static Map<String, Integer> properties() {
    Properties p = new Properties();
    try (InputStream in =
        LogLevels.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return Map.of();
    }
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith(PROPERTY_PREFIX)) {
        try {
          m.put(k.substring(PROPERTY_PREFIX.length()), level(p.getProperty(k)));
        } catch (IllegalArgumentException e) {
          // slf4j-simple ignores what it cannot read; so does this
        }
      }
    }
    return Map.copyOf(m);
  }
}
