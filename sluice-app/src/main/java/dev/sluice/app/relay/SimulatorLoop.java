package dev.sluice.app.relay;

import dev.sluice.core.Clock;
import dev.sluice.feedback.SesEventRecorder;
import dev.sluice.feedback.intake.SnsEndpoint;
import dev.sluice.feedback.intake.SnsIntake;
import dev.sluice.feedback.intake.SnsTrust;
import dev.sluice.simulator.Simulator;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SES's feedback loop with the embedded simulator, wired with nothing to set: an SNS endpoint of
 * the relay's own on loopback, subscribed to the simulator's feedback topic, so every Delivery,
 * Bounce and Complaint the simulator publishes lands in the relay's feedback store.
 *
 * <h2>Design note</h2>
 *
 * <p>It goes the way SES's events go with real SES, not a shortcut into the store: the simulator's
 * SNS sends a signed SubscriptionConfirmation, the intake confirms it by a GET of its SubscribeURL,
 * and every notification is verified (signature, certificate URL, topic, age) before it is
 * recorded. What an operator would configure is derived from the simulator in memory: the one topic
 * listed is its feedback topic, the one extra certificate host is its HTTPS listener, and the one
 * CA trusted for fetching the certificate is its self-signed certificate. The endpoint is not a
 * door: it listens on 127.0.0.1, port 0, and only the simulator is told where.
 *
 * <p>Thread-safe: started once, closed once.
 */
final class SimulatorLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatorLoop.class);

  /** How long the start waits for the subscription to be confirmed. */
  private static final Duration CONFIRMATION = Duration.ofSeconds(10);

  private final SnsIntake intake;
  private final SnsEndpoint endpoint;

  private SimulatorLoop(SnsIntake intake, SnsEndpoint endpoint) {
    this.intake = intake;
    this.endpoint = endpoint;
  }

  /**
   * Subscribes an endpoint of the relay's own to the simulator's feedback topic and waits for the
   * subscription to be confirmed, so that mail sent once the relay has started has its events
   * recorded (SNS sends nothing to a pending subscription).
   *
   * @param replayWindow how far a notification's Timestamp may be from now
   * @throws IOException when the endpoint cannot listen
   * @throws IllegalStateException when the simulator has no HTTPS listener
   */
  static SimulatorLoop start(
      Simulator sim, SesEventRecorder recorder, MeterRegistry registry, Duration replayWindow)
      throws IOException {
    URI https = sim.httpsEndpoint();
    if (https == null) {
      throw new IllegalStateException(
          "the embedded simulator has no HTTPS listener to serve its SNS signing certificate");
    }
    String topic = sim.core().feedbackTopic();
    SnsIntake intake =
        new SnsIntake(
            new SnsTrust(
                Set.of(topic), List.of(https.getHost() + ":" + https.getPort()), replayWindow),
            sim.certificate().clientContext(),
            recorder,
            registry,
            Clock.system());
    SnsEndpoint endpoint = new SnsEndpoint(intake, new InetSocketAddress("127.0.0.1", 0));
    SimulatorLoop loop = new SimulatorLoop(intake, endpoint);
    try {
      endpoint.start();
      URI url = URI.create("http://127.0.0.1:" + endpoint.port() + "/sns");
      sim.sns().subscribe(topic, url);
      if (awaitConfirmed(sim, topic, url)) {
        log.info(
            "SES feedback loop wired: the embedded simulator's {} topic -> {} -> the feedback"
                + " store (bounces and complaints suppress; see sluice queue show, sluice"
                + " suppression list)",
            topic,
            url);
      } else {
        log.warn(
            "SES feedback loop with the embedded simulator not confirmed within {}: events sent"
                + " before SNS confirms it are not recorded",
            CONFIRMATION);
      }
    } catch (IOException | RuntimeException e) {
      loop.close();
      throw e;
    }
    return loop;
  }

  private static boolean awaitConfirmed(Simulator sim, String topic, URI url) {
    long deadline = System.nanoTime() + CONFIRMATION.toNanos();
    while (System.nanoTime() < deadline) {
      boolean confirmed =
          sim.sns().subscriptions().stream()
              .anyMatch(
                  s ->
                      s.topicArn().equals(topic)
                          && s.endpoint().equals(url.toString())
                          && s.state().equals("confirmed"));
      if (confirmed) {
        return true;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** The endpoint's port. */
  int port() {
    return endpoint.port();
  }

  /** Stops the endpoint; idempotent. */
  @Override
  public void close() {
    endpoint.close();
    intake.close();
  }
}
