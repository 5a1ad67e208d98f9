package dev.sluice.ses;

import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

/** A simulator started for one test, and transport settings that reach it. */
final class SimulatorHarness implements AutoCloseable {
  final Simulator sim;

  SimulatorHarness(String... settings) {
    this.sim = Simulator.start(SimulatorConfig.onFreePorts(settings));
  }

  SesApiSettings api(boolean https) {
    return SesApiSettings.of(
            "us-east-1",
            https ? sim.httpsEndpoint() : sim.httpEndpoint(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .withTrust(trust());
  }

  TlsTrustManagersProvider trust() {
    return () -> {
      try {
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(sim.certificate().trustStore());
        return tmf.getTrustManagers();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    };
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

  /** A counter from the simulator's Prometheus metrics, summed over matching series. */
  double metric(String name, String labelFilter) throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name) && line.contains(labelFilter)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  @Override
  public void close() {
    sim.close();
  }
}
