package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  private static final Duration SHORT = Duration.ofMillis(30);

  @Test
  void until_conditionTrueAfterSomePolls_returnsOnceItHolds() {
    AtomicInteger polls = new AtomicInteger();

    Await.until("the fifth poll", LONG, () -> polls.incrementAndGet() == 5);

    assertThat(polls).hasValue(5);
  }

  @Test
  void until_conditionNeverTrue_failsNamingWhatWasAwaitedAndTheLimit() {
    assertThatThrownBy(() -> Await.until("the message delivered", SHORT, () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after PT0.03S waiting for the message delivered");
  }

  @Test
  void until_withState_addsTheStateAtTheDeadlineToTheFailure() {
    assertThatThrownBy(() -> Await.until("3 messages", SHORT, () -> false, () -> "saw 2"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after PT0.03S waiting for 3 messages; saw 2");
  }

  @Test
  void until_conditionThrowsCheckedException_failsAtOnceWithItAsCause() {
    AtomicInteger polls = new AtomicInteger();
    IOException refused = new IOException("connection refused");

    assertThatThrownBy(
            () ->
                Await.until(
                    "the server",
                    LONG,
                    () -> {
                      polls.incrementAndGet();
                      throw refused;
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("failed while waiting for the server")
        .hasCause(refused);
    assertThat(polls).hasValue(1);
  }

  @Test
  void until_conditionFailsAnAssertion_thatAssertionPropagates() {
    AssertionError inner = new AssertionError("wrong content");

    assertThatThrownBy(
            () ->
                Await.until(
                    "the content",
                    LONG,
                    () -> {
                      throw inner;
                    }))
        .isSameAs(inner);
  }

  @Test
  void value_probeFindsAValueAfterSomePolls_returnsThatValue() {
    AtomicInteger polls = new AtomicInteger();

    String v =
        Await.value(
            "the third line",
            LONG,
            () -> polls.incrementAndGet() < 3 ? Optional.empty() : Optional.of("line " + polls));

    assertThat(v).isEqualTo("line 3");
  }

  @Test
  void value_neverPresent_failsNamingWhatWasAwaited() {
    assertThatThrownBy(() -> Await.value("the event", SHORT, Optional::empty))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after PT0.03S waiting for the event");
  }

  @Test
  void until_interrupted_failsAndKeepsTheInterruptFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Await.until("something", LONG, () -> false))
          .isInstanceOf(AssertionError.class)
          .hasMessage("interrupted waiting for something");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
