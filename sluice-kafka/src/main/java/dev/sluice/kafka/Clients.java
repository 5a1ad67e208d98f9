package dev.sluice.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka client settings of a spool's producer, consumers and admin client. The user's extra
 * client properties (security settings) go into every one and override the spool's own.
 *
 * <p>Stateless.
 */
final class Clients {
  /** Numbers the clients of one process, so that two spools' clients do not share an id. */
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private Clients() {}

  /**
   * The one producer: idempotent, acknowledged by every in-sync replica, lz4-compressed, with a
   * buffer and request size that fit the largest record.
   */
  static Map<String, Object> producer(KafkaSpoolConfig c) {
    Map<String, Object> p = common(c, "producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, (int) c.linger().toMillis());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) c.maxRecordBytes().bytes());
    p.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        Math.max(32L << 20, c.maxRecordBytes().bytes() + (1L << 20)));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.putAll(c.clientProperties());
    return p;
  }

  /**
   * The group member: commits by hand, reads only committed records, and assigns by range, which
   * gives partition i of every topic (a bucket's messages and its retry tiers) to the same member.
   */
  static Map<String, Object> member(KafkaSpoolConfig c) {
    Map<String, Object> p = reader(c, "consumer");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, c.groupId());
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
    p.putAll(c.clientProperties());
    return p;
  }

  /** A consumer outside the group, for operator scans and the deletions topic. */
  static Map<String, Object> reader(KafkaSpoolConfig c, String role) {
    Map<String, Object> p = common(c, role);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // An offset the log no longer has (retention): read what is left, never skip to the end.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.putAll(c.clientProperties());
    return p;
  }

  /** The admin client: topic set-up, group offsets. */
  static Map<String, Object> admin(KafkaSpoolConfig c) {
    Map<String, Object> p = common(c, "admin");
    int timeout = (int) Math.min(Integer.MAX_VALUE, c.openTimeout().toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 30_000));
    p.putAll(c.clientProperties());
    return p;
  }

  private static Map<String, Object> common(KafkaSpoolConfig c, String role) {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
    p.put(
        CommonClientConfigs.CLIENT_ID_CONFIG,
        c.clientId() + "-" + role + "-" + SEQUENCE.incrementAndGet());
    return p;
  }
}
