package dev.sluice.app.log;

import org.slf4j.Logger;
import org.slf4j.simple.SimpleLoggerFactory;

/** slf4j-simple's logger factory, making {@link FormattingLogger}s. Thread-safe. */
final class FormattingLoggerFactory extends SimpleLoggerFactory {
  @Override
  protected Logger createLogger(String name) {
    return new FormattingLogger(name);
  }
}
