package dev.sluice.kafka;

import dev.sluice.core.Durations;
import dev.sluice.core.spool.SpoolException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a spool's topics exist and are laid out as the spool needs: every topic with one
 * partition per bucket, at least the configured replication, and the failed topic compacted.
 * Missing topics are created when the configuration allows; anything else wrong stops the open with
 * an error naming the topic, what was expected and what was found.
 *
 * <p>Runs once, on the opening thread.
 */
final class TopicSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  private final Admin admin;
  private final KafkaSpoolConfig config;
  private final Topics topics;
  private final long deadlineNanos;

  private TopicSetup(Admin admin, KafkaSpoolConfig config, Topics topics) {
    this.admin = admin;
    this.config = config;
    this.topics = topics;
    this.deadlineNanos = System.nanoTime() + config.openTimeout().toNanos();
  }

  /**
   * Checks the cluster and the topics, creating missing ones if allowed.
   *
   * @throws SpoolException when the cluster cannot be reached within the open timeout, has fewer
   *     brokers than the replication factor asks for, or a topic is laid out otherwise
   */
  static void ensure(Admin admin, KafkaSpoolConfig config, Topics topics) {
    new TopicSetup(admin, config, topics).run();
  }

  private void run() {
    Collection<Node> brokers =
        await(admin.describeCluster().nodes(), "reach the Kafka cluster at " + where());
    Set<String> existing = await(admin.listTopics().names(), "list the topics");
    List<String> missing = new ArrayList<>();
    for (String t : topics.all()) {
      if (!existing.contains(t)) {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      create(missing, brokers.size());
    }
    while (true) {
      try {
        validate();
        return;
      } catch (SpoolException e) {
        // Topics just created may not be known to every part of the cluster yet.
        if (!(e.getCause() instanceof RetriableException)
            || System.nanoTime() - deadlineNanos > 0) {
          throw e;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SpoolException("interrupted while setting up the Kafka spool's topics", e);
      }
    }
  }

  private void create(List<String> missing, int brokers) {
    if (!config.createTopics()) {
      throw new SpoolException(
          "the Kafka spool's topics "
              + missing
              + " do not exist at "
              + where()
              + "; create them with "
              + config.partitions()
              + " partitions each ("
              + topics.failed()
              + " with cleanup.policy=compact), or set createTopics");
    }
    if (brokers < config.replicationFactor()) {
      throw new SpoolException(
          "the Kafka spool's replicationFactor is "
              + config.replicationFactor()
              + " but the cluster at "
              + where()
              + " has only "
              + brokers
              + " broker(s); set replicationFactor (and minInsyncReplicas) to at most "
              + brokers
              + ", or add brokers");
    }
    List<NewTopic> news = new ArrayList<>();
    for (String name : missing) {
      Map<String, String> cfg = new HashMap<>();
      cfg.put(
          TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(config.minInsyncReplicas()));
      cfg.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(config.maxRecordBytes().bytes()));
      if (topics.consumed().contains(name)) {
        cfg.put(
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(config.messageRetention().toMillis()));
      } else if (name.equals(topics.failed())) {
        cfg.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      } else if (name.equals(topics.deleted())) {
        cfg.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        cfg.put(
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(config.deletedRetention().toMillis()));
      }
      news.add(new NewTopic(name, config.partitions(), config.replicationFactor()).configs(cfg));
    }
    Map<String, KafkaFuture<Void>> results = admin.createTopics(news).values();
    for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
      try {
        await(r.getValue(), "create topic " + r.getKey());
        LOG.info(
            "created topic {} ({} partitions, replication {})",
            r.getKey(),
            config.partitions(),
            config.replicationFactor());
      } catch (SpoolException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // Another node created it at the same moment; it is validated below like any other.
      }
    }
  }

  private void validate() {
    Map<String, TopicDescription> described =
        await(admin.describeTopics(topics.all()).allTopicNames(), "describe the topics");
    for (String name : topics.all()) {
      TopicDescription d = described.get(name);
      int found = d.partitions().size();
      if (found != config.partitions()) {
        throw new SpoolException(
            "Kafka topic "
                + name
                + " has "
                + found
                + " partitions, but the spool is configured for "
                + config.partitions()
                + " (partitions are the spool's buckets and must match); set partitions to "
                + found
                + " or use another topicPrefix");
      }
      int replicas = d.partitions().get(0).replicas().size();
      if (replicas < config.replicationFactor()) {
        throw new SpoolException(
            "Kafka topic "
                + name
                + " has replication factor "
                + replicas
                + ", less than the configured replicationFactor "
                + config.replicationFactor()
                + "; add replicas to the topic or lower replicationFactor");
      }
    }
    ConfigResource failed = new ConfigResource(ConfigResource.Type.TOPIC, topics.failed());
    Map<ConfigResource, Config> configs =
        await(admin.describeConfigs(List.of(failed)).all(), "read the configuration of topics");
    ConfigEntry policy = configs.get(failed).get(TopicConfig.CLEANUP_POLICY_CONFIG);
    if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      throw new SpoolException(
          "Kafka topic "
              + topics.failed()
              + " must have cleanup.policy=compact (it keeps the latest record of each failed"
              + " message), found "
              + (policy == null ? "none" : policy.value()));
    }
  }

  private String where() {
    return config.bootstrapServers();
  }

  private <T> T await(KafkaFuture<T> f, String what) {
    return await(f, what, deadlineNanos, config);
  }

  /**
   * Waits for an admin call until the open deadline; a timeout, ours or the admin client's own,
   * reads the same: what could not be done within the open timeout.
   */
  static <T> T await(KafkaFuture<T> f, String what, long deadlineNanos, KafkaSpoolConfig config) {
    long left = Math.max(0, deadlineNanos - System.nanoTime());
    try {
      return f.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw timedOut(what, e, config);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        // The admin client's own deadline (set from the open timeout) can fire first: the same
        // failure, and the same words, as our wait running out.
        throw timedOut(what, cause, config);
      }
      throw new SpoolException("could not " + what + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpoolException("interrupted while trying to " + what, e);
    }
  }

  private static SpoolException timedOut(String what, Throwable cause, KafkaSpoolConfig config) {
    return new SpoolException(
        "could not "
            + what
            + " within the open timeout of "
            + Durations.format(config.openTimeout())
            + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")
            + "; check bootstrapServers ("
            + config.bootstrapServers()
            + ") and the client security settings",
        cause);
  }
}
