package dev.sluice.app.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One log event as one line of JSON, for log shippers (Vector, Fluent Bit, Promtail, journald's
 * JSON readers): {@code {"time":"2026-12-06T07:13:23.123Z","level":"INFO","logger":"dev.sluice…",
 * "thread":"main","message":"…"}}, with {@code "exception"} holding the whole stack trace as one
 * string when there is one. Newlines in the message and the trace are escaped, so an event is
 * always exactly one line.
 *
 * <p>Stateless; thread-safe.
 */
final class JsonLogLine {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonLogLine() {}

  /**
   * The event as a line of JSON, without the line end.
   *
   * @param thread the thread's name, or {@code #} and its id when it has none (virtual threads)
   * @param exception the throwable logged with the event, or null
   */
  static String encode(
      Instant time,
      String level,
      String logger,
      String thread,
      String message,
      Throwable exception) {
    StringWriter out = new StringWriter(160);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", time.toString());
      g.writeStringField("level", level);
      g.writeStringField("logger", logger);
      g.writeStringField("thread", thread);
      g.writeStringField("message", message == null ? "" : message);
      if (exception != null) {
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        g.writeStringField("exception", trace.toString().stripTrailing());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** The current thread as the {@code thread} field names it. */
  static String currentThread() {
    Thread t = Thread.currentThread();
    return t.getName().isEmpty() ? "#" + t.threadId() : t.getName();
  }
}
