package dev.sluice.delivery;

import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Submission;
import dev.sluice.ses.SenderConfig;
import dev.sluice.ses.SesApiSettings;
import dev.sluice.ses.SesSender;
import dev.sluice.ses.SesV2Transport;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Everything real, wired as the relay wires it: the simulator on a loopback port, a RocksSpool in a
 * temporary directory, SesSender over the SES v2 API through the AWS SDK, the scheduler, and its
 * events kept in memory and in a JSON-lines file.
 */
final class DeliveryRig implements AutoCloseable {
  final Simulator sim;
  final Path spoolDir;
  final Path eventFile;
  final CollectingSink events = new CollectingSink();
  RocksSpool spool;
  SesSender sender;
  JsonLinesEventLog log;
  DeliveryScheduler scheduler;
  private boolean deliveryStopped;

  /** The scheduler's safety-net wake interval. */
  Duration wakeInterval = Duration.ofSeconds(1);

  DeliveryRig(Path dir, String... simulatorSettings) {
    this.sim = Simulator.start(SimulatorConfig.onFreePorts(simulatorSettings));
    this.spoolDir = dir.resolve("spool");
    this.eventFile = dir.resolve("events.jsonl");
    this.spool = RocksSpool.open(RocksSpoolConfig.builder(spoolDir).buckets(4).build());
  }

  /** Starts a sender and a scheduler over the spool. */
  DeliveryRig start(SenderConfig senderConfig, RetryPolicy policy, int maxInFlight)
      throws IOException {
    deliveryStopped = false;
    SesApiSettings api =
        SesApiSettings.of(
            "us-east-1",
            sim.httpEndpoint(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")));
    sender =
        SesSender.start(
            SesV2Transport.create(api), senderConfig, Clock.system(), new SimpleMeterRegistry());
    log = JsonLinesEventLog.open(eventFile);
    scheduler =
        DeliveryScheduler.builder(spool, sender)
            .policy(policy)
            .events(EventSink.all(events, log))
            .maxInFlight(maxInFlight)
            .wakeInterval(wakeInterval)
            .build()
            .start();
    return this;
  }

  /** Appends messages in batches as the relay would, waking the scheduler after each. */
  List<QueueId> append(int n, String from, java.util.function.IntFunction<List<String>> to) {
    List<QueueId> ids = new ArrayList<>();
    for (int start = 0; start < n; start += 50) {
      List<Submission> batch = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + 50); i++) {
        batch.add(submission(i, from, to.apply(i)));
      }
      ids.addAll(spool.appendAll(batch).join());
      if (scheduler != null) {
        scheduler.wake();
      }
    }
    return ids;
  }

  static Submission submission(int i, String from, List<String> to) {
    String raw =
        "From: "
            + from
            + "\r\nTo: "
            + String.join(", ", to)
            + "\r\nSubject: msg-"
            + i
            + "\r\n\r\nHello "
            + i
            + "\r\n";
    return new Submission(
        new Envelope(from, to), raw.getBytes(StandardCharsets.US_ASCII), Instant.now(), "test");
  }

  /** Changes the simulator's limits while it runs. */
  void setQuota(String query) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + "/_sluice/quota?" + query))
                    .PUT(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(r.body());
    }
  }

  /** The simulator's inspection endpoint, as text. */
  String inspect(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Stops in the relay's order: scheduler, sender, event log; the spool stays open. */
  boolean stopDelivery(Duration grace) {
    deliveryStopped = true;
    boolean drained = scheduler.stop(grace);
    sender.close(grace);
    log.close();
    return drained;
  }

  @Override
  public void close() {
    if (scheduler != null && !deliveryStopped) {
      stopDelivery(Duration.ofSeconds(5));
    }
    spool.close();
    sim.close();
  }
}
