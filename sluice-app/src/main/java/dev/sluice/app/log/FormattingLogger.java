package dev.sluice.app.log;

import java.time.Instant;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NormalizedParameters;
import org.slf4j.simple.SimpleLogger;

/**
 * slf4j-simple's logger, levels and all, that writes {@link JsonLogLine}s instead of its text while
 * {@link LogFormat#JSON} is in force. Levels are slf4j-simple's ({@code simplelogger.properties}),
 * checked before this is called; lines go where slf4j-simple's go by default, standard error.
 *
 * <p>Thread-safe: each event is one {@code println} of one whole line.
 */
final class FormattingLogger extends SimpleLogger {
  private static final long serialVersionUID = 1L;

  // The level slf4j-simple gave it from simplelogger.properties; LogLevels may put another.
  private final int initialLevel;

  FormattingLogger(String name) {
    super(name);
    this.initialLevel = currentLogLevel;
    LogLevels.register(this);
  }

  int initialLevel() {
    return initialLevel;
  }

  /** Sets the level (slf4j-simple's numbers: 0 trace … 40 error, 50 off). */
  void setLevel(int level) {
    currentLogLevel = level;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
    if (LogFormat.current() != LogFormat.JSON) {
      super.handleNormalizedLoggingCall(level, marker, pattern, arguments, throwable);
      return;
    }
    write(level, MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
  }

  /** The fluent API's events ({@code log.atInfo()…}); slf4j-simple handles them apart. */
  @Override
  public void log(LoggingEvent event) {
    if (LogFormat.current() != LogFormat.JSON) {
      super.log(event);
      return;
    }
    if (!isLevelEnabled(event.getLevel().toInt())) {
      return;
    }
    NormalizedParameters np = NormalizedParameters.normalize(event);
    write(
        event.getLevel(),
        MessageFormatter.basicArrayFormat(np.getMessage(), np.getArguments()),
        np.getThrowable());
  }

  private void write(Level level, String message, Throwable throwable) {
    System.err.println(
        JsonLogLine.encode(
            Instant.now(),
            level.name(),
            getName(),
            JsonLogLine.currentThread(),
            message,
            throwable));
  }
}
