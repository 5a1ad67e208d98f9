package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.spool.SpoolException;
import java.time.Duration;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/**
 * Which of two deadlines fires first — the wait for an admin call's answer, or the admin client's
 * own, set from the same open timeout — must not change what the operator reads.
 */
class TopicSetupTimeoutTest {
  private static final KafkaSpoolConfig CONFIG =
      KafkaSpoolConfig.builder("127.0.0.1:1").openTimeout(Duration.ofSeconds(2)).build();

  @Test
  void await_adminClientTimesOutFirst_saysTheOpenTimeout() {
    KafkaFutureImpl<String> f = new KafkaFutureImpl<>();
    f.completeExceptionally(
        new TimeoutException("Timed out waiting for a node assignment. Call: listNodes"));

    assertThatThrownBy(
            () ->
                TopicSetup.await(
                    f, "reach the Kafka cluster at 127.0.0.1:1", System.nanoTime(), CONFIG))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("could not reach the Kafka cluster at 127.0.0.1:1")
        .hasMessageContaining("within the open timeout of 2s")
        .hasMessageContaining("listNodes");
  }

  @Test
  void await_ourWaitRunsOutFirst_saysTheOpenTimeout() {
    KafkaFuture<String> never = new KafkaFutureImpl<>();

    assertThatThrownBy(() -> TopicSetup.await(never, "list the topics", System.nanoTime(), CONFIG))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("could not list the topics within the open timeout of 2s;");
  }

  @Test
  void await_otherFailure_saysWhatFailed() {
    KafkaFutureImpl<String> f = new KafkaFutureImpl<>();
    f.completeExceptionally(new IllegalStateException("boom"));

    assertThatThrownBy(() -> TopicSetup.await(f, "list the topics", System.nanoTime(), CONFIG))
        .isInstanceOf(SpoolException.class)
        .hasMessage("could not list the topics: boom");
  }
}
