package dev.sluice.kafka;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Writes a spool's records through its one producer: keyed by queue id, always to the partition of
 * the id's bucket (never Kafka's own partitioner, which hashes keys differently), stamped with the
 * spool's clock.
 *
 * <p>Thread-safe, as the producer is.
 */
final class RecordWriter {
  private final Producer<String, byte[]> producer;
  private final Clock clock;
  private final int partitions;
  private final Duration timeout;

  RecordWriter(Producer<String, byte[]> producer, Clock clock, int partitions, Duration timeout) {
    this.producer = producer;
    this.clock = clock;
    this.partitions = partitions;
    this.timeout = timeout;
  }

  /**
   * Sends one record; the future completes on the producer's thread when Kafka acknowledged it (or
   * refused it, or the producer gave up). {@code value} null is a tombstone.
   */
  CompletableFuture<RecordMetadata> send(String topic, QueueId id, byte[] value) {
    CompletableFuture<RecordMetadata> f = new CompletableFuture<>();
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, id.bucket(partitions), clock.millis(), id.value(), value);
    try {
      producer.send(
          record,
          (md, e) -> {
            if (e == null) {
              f.complete(md);
            } else {
              f.completeExceptionally(e);
            }
          });
    } catch (KafkaException | IllegalStateException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /**
   * Sends one record and waits for Kafka's acknowledgement, at most the open timeout.
   *
   * @throws SpoolException when Kafka refused it or did not answer in time
   */
  void write(String topic, QueueId id, byte[] value) {
    try {
      send(topic, id, value).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new SpoolException(
          "Kafka refused a write to " + topic + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new SpoolException("Kafka did not acknowledge a write to " + topic + " in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpoolException("interrupted while writing to Kafka", e);
    }
  }

  /** Waits until every record sent so far is acknowledged or failed. */
  void flush() {
    producer.flush();
  }

  /** Closes the producer, waiting up to {@code wait} for records in flight. */
  void close(Duration wait) {
    producer.close(wait);
  }

  /** The error a future failed with, without the wrappers futures add. */
  static Throwable cause(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
