package dev.sluice.app.relay;

import dev.sluice.core.Durations;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Parsers;
import dev.sluice.core.config.Settings;
import dev.sluice.feedback.intake.SnsTrust;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where SES's events come in: the keys {@code relay.sns.*} (an HTTP endpoint for SNS subscriptions)
 * and {@code relay.sqs.queue-url} (an SQS queue subscribed to the topic).
 *
 * @param snsListen the SNS endpoint's address, if it is on
 * @param topics the topic ARNs whose messages are taken and whose subscriptions are confirmed
 * @param certHosts hosts beyond SNS's own trusted to serve signing certificates ({@code host} or
 *     {@code host:port})
 * @param trustCa a PEM certificate to trust for fetching certificates instead of the JDK's CAs, or
 *     null
 * @param replayWindow how far an SNS message's Timestamp may be from now
 * @param sqsQueueUrl the SQS queue read, if any
 */
public record SesEventsSettings(
    Optional<InetSocketAddress> snsListen,
    List<String> topics,
    List<String> certHosts,
    Optional<Path> trustCa,
    Duration replayWindow,
    Optional<URI> sqsQueueUrl) {

  /** {@code relay.sns.listen}. */
  public static final ConfigKey<String> LISTEN =
      new ConfigKey<>(
          "relay.sns.listen",
          "off",
          "Address (host:port) of the HTTP endpoint SNS POSTs SES's events to, its own listener;"
              + " off disables (with the embedded simulator the relay then subscribes an endpoint of"
              + " its own on loopback to the simulator's feedback topic). Loopback unless SNS must"
              + " reach it directly: put a TLS proxy in front for an https subscription.",
          SesEventsSettings::listen);

  /** {@code relay.sns.topic}. */
  public static final ConfigKey<List<String>> TOPICS =
      new ConfigKey<>(
          "relay.sns.topic",
          "",
          "SNS topic ARNs (comma-separated) whose events are taken and whose subscriptions are"
              + " confirmed; messages from any other topic are refused.",
          Parsers::list);

  /** {@code relay.sns.trust-cert-url}. */
  public static final ConfigKey<List<String>> CERT_HOSTS =
      new ConfigKey<>(
          "relay.sns.trust-cert-url",
          "",
          "Hosts besides sns.<region>.amazonaws.com[.cn] trusted to serve SNS signing certificates"
              + " (comma-separated https://host[:port]), e.g. a simulator's.",
          SesEventsSettings::certHosts);

  /** {@code relay.sns.trust-ca}. */
  public static final ConfigKey<Path> TRUST_CA =
      new ConfigKey<>(
          "relay.sns.trust-ca",
          "",
          "PEM certificate trusted, instead of the JDK's CAs, when fetching signing certificates;"
              + " empty: the JDK's CAs.",
          s -> s.isBlank() ? null : Path.of(s));

  /** {@code relay.sns.replay-window}. */
  public static final ConfigKey<Duration> REPLAY =
      new ConfigKey<>(
          "relay.sns.replay-window",
          "1h",
          "How far an SNS message's Timestamp may be from now; older (replayed) messages are refused.",
          Durations::parse);

  /** {@code relay.sqs.queue-url}. */
  public static final ConfigKey<URI> QUEUE =
      new ConfigKey<>(
          "relay.sqs.queue-url",
          "",
          "SQS queue subscribed to the SES events topic, read with long polling (AWS credentials and"
              + " region as for SES); empty: none. Give it a redrive policy.",
          Parsers::uri);

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(LISTEN, TOPICS, CERT_HOSTS, TRUST_CA, REPLAY, QUEUE);

  /** Copies the lists and checks for nulls. */
  public SesEventsSettings {
    Objects.requireNonNull(snsListen, "snsListen");
    Objects.requireNonNull(trustCa, "trustCa");
    Objects.requireNonNull(sqsQueueUrl, "sqsQueueUrl");
    topics = List.copyOf(topics);
    certHosts = List.copyOf(certHosts);
  }

  /** Reads the keys. */
  public static SesEventsSettings from(Settings s) {
    String listen = s.get(LISTEN);
    Optional<InetSocketAddress> address = Optional.empty();
    if (!listen.equals("off")) {
      int colon = listen.lastIndexOf(':');
      String host = listen.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      address =
          Optional.of(
              InetSocketAddress.createUnresolved(
                  host, Integer.parseInt(listen.substring(colon + 1))));
    }
    SesEventsSettings settings =
        new SesEventsSettings(
            address,
            s.get(TOPICS),
            s.get(CERT_HOSTS),
            Optional.ofNullable(s.get(TRUST_CA)),
            s.get(REPLAY),
            Optional.ofNullable(s.get(QUEUE)));
    if (settings.enabled() && settings.topics.isEmpty()) {
      throw new ConfigException(
          TOPICS.name() + " must list the SNS topics whose events are taken (ARNs)");
    }
    return settings;
  }

  /** Whether any intake is on. */
  public boolean enabled() {
    return snsListen.isPresent() || sqsQueueUrl.isPresent();
  }

  /** What the intake trusts. */
  public SnsTrust trust() {
    return new SnsTrust(new LinkedHashSet<>(topics), certHosts, replayWindow);
  }

  private static String listen(String s) {
    String v = s.strip();
    if (v.equals("off")) {
      return v;
    }
    int colon = v.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected host:port or off, got '" + s + "'");
    }
    if (Parsers.port(v.substring(colon + 1)) < 0) {
      throw new IllegalArgumentException("expected host:port or off, got '" + s + "'");
    }
    return v;
  }

  /** {@code https://host[:port]} or {@code host[:port]} to {@code host[:port]}. */
  private static List<String> certHosts(String s) {
    List<String> out = new ArrayList<>();
    for (String entry : Parsers.list(s)) {
      String e = entry;
      if (e.contains("://")) {
        URI u = URI.create(e);
        if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
          throw new IllegalArgumentException(
              "certificates are fetched over https only, not '" + entry + "'");
        }
        e = u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
      }
      out.add(e);
    }
    return out;
  }
}
