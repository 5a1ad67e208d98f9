package dev.sluice.app.relay;

import dev.sluice.core.transport.Transport;
import dev.sluice.ses.AssumedRole;
import dev.sluice.ses.HttpClientKind;
import dev.sluice.ses.UpstreamTransports;
import dev.sluice.ses.UpstreamUrl;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Where the relay delivers: real SES, another endpoint named by URL, or an SES simulator it runs
 * itself. {@code auto} picks real SES only when AWS is configured (a region, and credentials from
 * the environment, a profile, a credentials file, a container or web identity); otherwise mail goes
 * to the embedded simulator, so a relay started with no configuration never sends real mail.
 *
 * <p>Owns the embedded simulator, if any; {@link #close()} stops it.
 */
public final class Upstream implements AutoCloseable {
  /** The default: real SES when AWS is configured, otherwise the embedded simulator. */
  public static final String AUTO = "auto";

  /** Always the embedded simulator. */
  public static final String SIMULATOR = "simulator";

  private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

  /** Credentials for endpoints that take any (the simulator, unless strict; LocalStack). */
  private static final AwsCredentialsProvider ANY =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("SLUICELOCAL", "not-a-secret"));

  private final UpstreamUrl target;
  private final Simulator simulator;
  private final String description;
  private final AwsCredentialsProvider credentials;

  private Upstream(
      UpstreamUrl target,
      Simulator simulator,
      String description,
      AwsCredentialsProvider credentials) {
    this.target = target;
    this.simulator = simulator;
    this.description = description;
    this.credentials = credentials;
  }

  /**
   * Resolves {@code relay.upstream}.
   *
   * @param env the process environment (for AWS_REGION and the credential sources)
   * @param home the user's home directory (for ~/.aws/credentials)
   * @throws IllegalArgumentException when the URL is not one the relay can deliver to
   */
  public static Upstream resolve(RelayConfig c, Map<String, String> env, Path home) {
    return resolve(c.delivery().upstream(), region(c, env), Optional.empty(), c, env, home);
  }

  /**
   * Resolves a route's upstream ({@code relay.route.NAME.upstream}).
   *
   * @param route the route
   * @param c the relay's configuration (its region when the route names none, the embedded
   *     simulator's settings)
   * @throws IllegalArgumentException when the URL is not one the relay can deliver to
   */
  public static Upstream resolve(
      RoutesConfig.Route route, RelayConfig c, Map<String, String> env, Path home) {
    String region = route.region().orElseGet(() -> region(c, env));
    Upstream u = resolve(route.upstream(), region, route.credentialsProfile(), c, env, home);
    return route.assumeRole().isEmpty() ? u : u.assuming(route.assumeRole().get(), route.name());
  }

  /**
   * This upstream signing as an assumed role, with its credentials as the caller's; STS is asked at
   * the upstream's own endpoint unless it is real SES. The role is assumed once now: a refusal
   * stops the start (and closes this upstream), an STS out of reach is logged and asked again at
   * the first call.
   *
   * @throws IllegalArgumentException naming the route, the role and STS's answer
   */
  private Upstream assuming(AssumedRole.Role role, String route) {
    URI sts = target.realSes() ? null : target.endpoint();
    AssumedRole assumed = AssumedRole.of(role, target.region(), sts, credentials);
    try {
      assumed.check().ifPresent(w -> LOG.warn("route {}: {}", route, w));
    } catch (IllegalStateException e) {
      assumed.close();
      close();
      throw new IllegalArgumentException("route '" + route + "': " + e.getMessage(), e);
    }
    return new Upstream(
        target,
        simulator,
        description
            + " as role "
            + role.roleArn()
            + " (STS "
            + (sts == null ? "in " + target.region() : "at " + sts)
            + ")",
        assumed);
  }

  private static Upstream resolve(
      String u,
      String region,
      Optional<String> profile,
      RelayConfig c,
      Map<String, String> env,
      Path home) {
    if (u.equals(AUTO)) {
      if (region != null && awsCredentialsConfigured(env, home)) {
        UpstreamUrl t = UpstreamUrl.parse("ses-v2://" + region, region);
        return new Upstream(
            t, null, "Amazon SES v2 API in " + region + " (AWS configuration found)", null);
      }
      return embedded(c, "no AWS configuration found");
    }
    if (u.equals(SIMULATOR)) {
      return embedded(c, "relay.upstream=simulator");
    }
    UpstreamUrl t = UpstreamUrl.parse(u, region == null ? "us-east-1" : region);
    if (profile.isPresent()) {
      return new Upstream(
          t,
          null,
          (t.realSes() ? "Amazon SES: " : "") + t.text() + " (AWS profile " + profile.get() + ")",
          ProfileCredentialsProvider.create(profile.get()));
    }
    // Another endpoint (a simulator, LocalStack) takes any credentials; without AWS configuration
    // the SDK's chain would find none and every call would fail.
    boolean anyCredentials = !t.realSes() && !awsCredentialsConfigured(env, home);
    return new Upstream(
        t,
        null,
        (t.realSes() ? "Amazon SES: " : "")
            + t.text()
            + (anyCredentials ? " (placeholder AWS credentials: none are configured)" : ""),
        anyCredentials ? ANY : null);
  }

  private static Upstream embedded(RelayConfig c, String why) {
    Simulator sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "http-port=" + c.simulator().httpPort(),
                // Its SNS serves the signing certificate over HTTPS (the feedback loop's).
                "https-port=0",
                "smtp-port=off",
                "max-send-rate="
                    + c.simulator().maxSendRate().map(Upstream::text).orElse("unlimited"),
                "seed=0"));
    URI endpoint = sim.httpEndpoint();
    UpstreamUrl t =
        UpstreamUrl.parse(
            "ses-v2+http://" + endpoint.getHost() + ":" + endpoint.getPort(), "us-east-1");
    return new Upstream(
        t,
        sim,
        "embedded SES simulator at "
            + endpoint
            + " ("
            + why
            + "; nothing leaves this machine; its inbox: "
            + endpoint
            + "/_sluice/inbox)",
        ANY);
  }

  /** A rate as the simulator's flag takes it, exactly (plain digits: no exponent). */
  private static String text(dev.sluice.core.Rate r) {
    return java.math.BigDecimal.valueOf(r.perSecond()).toPlainString() + "/s";
  }

  /** The region from the configuration, else AWS_REGION or AWS_DEFAULT_REGION, else null. */
  static String region(RelayConfig c, Map<String, String> env) {
    if (c.delivery().region().isPresent()) {
      return c.delivery().region().get();
    }
    for (String v : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      String r = env.get(v);
      if (r != null && !r.isBlank()) {
        return r.strip();
      }
    }
    return null;
  }

  /**
   * Whether the SDK's default chain has a source to draw on, judged without calling it (which could
   * wait seconds for an instance-metadata endpoint that is not there).
   */
  static boolean awsCredentialsConfigured(Map<String, String> env, Path home) {
    for (String v :
        new String[] {
          "AWS_ACCESS_KEY_ID",
          "AWS_PROFILE",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "AWS_WEB_IDENTITY_TOKEN_FILE"
        }) {
      String s = env.get(v);
      if (s != null && !s.isBlank()) {
        return true;
      }
    }
    String file = env.get("AWS_SHARED_CREDENTIALS_FILE");
    Path credentials = file != null ? Path.of(file) : home.resolve(".aws").resolve("credentials");
    return Files.isRegularFile(credentials);
  }

  /**
   * Opens the transport, sized for {@code concurrency} calls in flight, with {@code httpClient}
   * under SES API calls (an SMTP upstream has none).
   */
  public Transport openTransport(int concurrency, HttpClientKind httpClient) {
    UpstreamTransports.Connection d = UpstreamTransports.Connection.defaults();
    return UpstreamTransports.open(
        target,
        concurrency,
        new UpstreamTransports.Connection(
            credentials, d.keepAlive(), d.asyncClient(), d.trust(), d.tls(), httpClient));
  }

  /** The target. */
  public UpstreamUrl target() {
    return target;
  }

  /** Whether mail goes to the embedded simulator. */
  public boolean embedded() {
    return simulator != null;
  }

  /** The embedded simulator, when mail goes to it. */
  public java.util.Optional<Simulator> simulator() {
    return java.util.Optional.ofNullable(simulator);
  }

  /** One line for the banner. */
  public String description() {
    return description;
  }

  /** Stops the embedded simulator, if any, and releases an assumed role's STS client. */
  @Override
  public void close() {
    if (credentials instanceof AssumedRole r) {
      r.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }
}
