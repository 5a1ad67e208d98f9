package dev.sluice.spool;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.Submission;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test messages and small helpers shared by the spool tests. */
final class Messages {
  /** A fixed wall-clock start for tests: 2026-11-28T00:00:00Z. */
  static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");

  private Messages() {}

  static Submission submission(String recipient, String body, Instant received) {
    return new Submission(
        new Envelope("sender@example.com", List.of(recipient)),
        ("Subject: test\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8),
        received,
        "test");
  }

  static Submission submission(String body) {
    return submission("rcpt@example.net", body, T0);
  }

  static QueueId append(Spool spool, Submission s) {
    return join(spool.append(s));
  }

  /** Waits for a future; a minute is far more than any spool operation needs. */
  static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("spool operation did not complete within a minute", e);
    }
  }
}
