package dev.sluice.app.log;

import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How the command line's log lines look: {@link #TEXT}, slf4j-simple's own ({@code [INFO] Relay -
 * relay stopped}), or {@link #JSON}, one object per line for log shippers ({@link JsonLogLine}).
 *
 * <p>The format in force is one value for the process, chosen once the configuration is read
 * ({@link #use}); loggers made before that read it at each line. Thread-safe.
 */
public enum LogFormat {
  /** slf4j-simple's lines, as configured in {@code simplelogger.properties}. */
  TEXT,
  /** One JSON object per line: time, level, logger, thread, message and exception, if any. */
  JSON;

  private static volatile LogFormat current = TEXT;

  /** Parses {@code text} or {@code json}, in any case. */
  public static LogFormat parse(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException("expected text or json, got '" + s + "'");
    };
  }

  /**
   * Makes {@code format} the one in force; false when the logging backend of this process cannot
   * write it (it is not {@link FormattingLoggerProvider}, e.g. a test's JVM), in which case lines
   * stay as they are.
   */
  public static boolean use(LogFormat format) {
    current = format;
    return format == TEXT || LoggerFactory.getILoggerFactory() instanceof FormattingLoggerFactory;
  }

  /** The format in force. */
  static LogFormat current() {
    return current;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
