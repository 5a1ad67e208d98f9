package dev.sluice.kafka;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import dev.sluice.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Test messages, and waiting on conditions with a deadline, for the Kafka spool tests. */
final class Waits {
  /** Far more than any condition here needs on a loaded machine. */
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private Waits() {}

  static Submission submission(String body, String... recipients) {
    return new Submission(
        new Envelope(
            "sender@example.com",
            recipients.length == 0 ? List.of("rcpt@example.net") : List.of(recipients)),
        ("Subject: test\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8),
        Instant.now(),
        "test");
  }

  static QueueId append(Spool spool, String body) {
    return join(spool.append(submission(body)));
  }

  /** Waits for a future. */
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

  /** Waits until {@code condition} holds, or fails naming it after the deadline. */
  static void await(String what, Await.Condition condition) {
    Await.until(what, DEADLINE, condition);
  }

  /** Takes from every bucket of {@code spool} until what was taken satisfies {@code enough}. */
  static List<SpooledMessage> takeUntil(
      Spool spool, String what, Predicate<List<SpooledMessage>> enough) {
    List<SpooledMessage> taken = new ArrayList<>();
    await(
        what,
        () -> {
          taken.addAll(takeAll(spool));
          return enough.test(taken);
        });
    return taken;
  }

  /** Takes what every bucket holds now. */
  static List<SpooledMessage> takeAll(Spool spool) {
    List<SpooledMessage> taken = new ArrayList<>();
    for (int b = 0; b < spool.buckets(); b++) {
      taken.addAll(spool.takeDue(b, Instant.now(), 1000));
    }
    return taken;
  }

  /** Takes until the message {@code id} comes up, and returns it. */
  static SpooledMessage takeOne(Spool spool, QueueId id) {
    List<SpooledMessage> taken =
        takeUntil(spool, id + " is taken", l -> l.stream().anyMatch(m -> m.id().equals(id)));
    return taken.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
  }

  static List<QueueId> ids(List<SpooledMessage> taken) {
    return taken.stream().map(SpooledMessage::id).toList();
  }
}
