package dev.sluice.app.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J backend of the {@code sluice} command: slf4j-simple, whose lines can be switched to
 * JSON ({@link LogFormat}).
 *
 * <h2>Design note</h2>
 *
 * <p>slf4j-simple has no JSON output and no hook for a format, but its logger and factory are meant
 * to be extended, so this provider keeps everything it does (levels from {@code
 * simplelogger.properties}, its text) and swaps only how a line is written. It is chosen by the
 * {@code slf4j.provider} system property, which {@code Main.main} sets, rather than listed in
 * {@code META-INF/services}: beside slf4j-simple's own entry SLF4J would pick either and warn.
 * Rejected: Logback or Log4j 2 for their JSON encoders (a second configuration format and several
 * megabytes for one feature), and rewriting slf4j-simple's text lines into JSON after the fact
 * (multi-line messages and stack traces cannot be told apart).
 *
 * <p>Thread-safe once {@link #initialize} has run, as SLF4J calls it.
 */
public final class FormattingLoggerProvider implements SLF4JServiceProvider {
  /** The slf4j API version this provider is built against. */
  private static final String API_VERSION = "2.0.99";

  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private ILoggerFactory factory;

  /** Made by SLF4J, by its class name. */
  public FormattingLoggerProvider() {}

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return API_VERSION;
  }

  @Override
  public void initialize() {
    factory = new FormattingLoggerFactory();
  }
}
