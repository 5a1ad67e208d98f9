package dev.sluice.app;

import dev.sluice.bench.Bench;
import dev.sluice.bench.BenchOptions;
import dev.sluice.bench.Probe;
import dev.sluice.bench.Progress;
import dev.sluice.bench.report.BenchRun;
import dev.sluice.core.ByteSize;
import dev.sluice.core.Durations;
import dev.sluice.core.Rate;
import dev.sluice.ses.HttpClientKind;
import dev.sluice.ses.UpstreamUrl;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

/**
 * {@code sluice bench}: measures round-trip latency and throughput against SES, the simulator or
 * any SMTP server, at one concurrency or over a ramp, in one or several processes.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures latency and throughput against an upstream and finds the knee of the curve.",
      "With no --target it starts a local simulator and measures that: a bare 'sluice bench'",
      "never sends real mail. Against real SES, recipients default to the mailbox simulator."
    })
final class BenchCommand implements Callable<Integer> {
  private static final String SIMULATOR_SUCCESS = "success@simulator.amazonses.com";

  @Option(
      names = "--target",
      paramLabel = "URL",
      description = {
        "ses-v2+https://HOST:PORT, ses-v2+http://…, ses-v1+https://…, ses-v2://REGION (real SES),",
        "ses-smtp://USER:PASS@HOST:PORT, smtp://HOST:PORT. Repeat with --probe to compare endpoints.",
        "Default: a simulator started for the run."
      })
  private List<String> targets = new ArrayList<>();

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Calls in flight per process (the ramp's maximum with --ramp). Default: 16.")
  private int concurrency = 16;

  @Option(names = "--ramp", description = "Run 1, 2, 4 … up to --concurrency and name the knee.")
  private boolean ramp;

  @Option(
      names = "--processes",
      paramLabel = "N",
      description =
          "Worker processes per level, each with --concurrency calls in flight. Default: 1.")
  private int processes = 1;

  @Option(
      names = "--messages",
      paramLabel = "N",
      description = "Messages per level and process (instead of --duration).")
  private long messages = -1;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description = "How long each level runs. Default: 10s.")
  private String duration = "10s";

  @Option(
      names = "--warmup",
      paramLabel = "TIME",
      description = "Unmeasured time before each level. Default: 1s.")
  private String warmup = "1s";

  @Option(names = "--recipients-per-message", paramLabel = "N", description = "Default: 1.")
  private int recipientsPerMessage = 1;

  @Option(
      names = "--message-size",
      paramLabel = "SIZE",
      description = "Approximate message size. Default: 2KB.")
  private String messageSize = "2KB";

  @Option(
      names = "--to",
      paramLabel = "ADDR",
      split = ",",
      description =
          "Recipients to cycle through. Default: success@simulator.amazonses.com (with +labels).")
  private List<String> to = new ArrayList<>();

  @Option(
      names = "--real-recipients",
      description =
          "Allow --to addresses outside the mailbox simulator when the target is real SES.")
  private boolean realRecipients;

  @Option(
      names = "--max-send-rate",
      paramLabel = "RATE",
      description =
          "Shape to this rate (e.g. 500/s) instead of the account's MaxSendRate; 'unlimited' for none.")
  private String maxSendRate;

  @Option(
      names = "--no-keepalive",
      description =
          "Open a new connection for every call, to show what persistent connections are worth.")
  private boolean noKeepAlive;

  @Option(
      names = "--async-client",
      description = "Use the AWS SDK's asynchronous (Netty) client instead of the blocking one.")
  private boolean asyncClient;

  @Option(
      names = "--http-client",
      paramLabel = "apache5|crt",
      description =
          "HTTP client under the blocking SDK client: apache5 (Apache HttpClient 5, the default) or"
              + " crt (the AWS Common Runtime client: native HTTP and TLS, less CPU per call; with"
              + " --ca-cert its trust goes through javax.net.ssl.trustStore).")
  private String httpClient = "apache5";

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "Region for endpoints that do not name one. Default: us-east-1.")
  private String region = "us-east-1";

  @Option(
      names = "--ca-cert",
      paramLabel = "PEM",
      description =
          "Also trust this certificate (e.g. one written by 'sluice simulator --export-cert').")
  private Path caCert;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Write the results as JSON ('-' for standard output).")
  private String json;

  @Option(
      names = "--report",
      paramLabel = "FILE.html",
      description = "Write a self-contained HTML page with the curves and the knee.")
  private Path report;

  /** How the run reports its progress on standard error. */
  enum ProgressMode {
    auto,
    lines,
    off
  }

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      description =
          "Progress on standard error: auto (one line redrawn in place on a terminal, a line per"
              + " second elsewhere), lines (a line per second), off. Default: auto.")
  private ProgressMode progressMode = ProgressMode.auto;

  @Option(
      names = "--probe",
      description =
          "Time DNS, TCP connect, TLS handshake and one call for each --target, then exit.")
  private boolean probe;

  @Option(
      names = "--simulator-latency",
      paramLabel = "LATENCY",
      description = "Latency of the simulator started when no --target is given. Default: 0ms.")
  private String simulatorLatency = "0ms";

  @Option(names = "--worker-concurrency", hidden = true)
  private int workerConcurrency;

  private final PrintStream out;
  private final PrintStream err;
  private TrustManagerFactory trust;

  BenchCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    Simulator sim = null;
    try {
      List<String> urls = new ArrayList<>(targets);
      if (urls.isEmpty()) {
        sim =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "max-send-rate=unlimited",
                    "max-24h-send=unlimited",
                    "latency=" + simulatorLatency,
                    "https-port=off",
                    "smtp-port=0",
                    "inbox-size=100"));
        urls.add("ses-v2+http:/" + sim.httpEndpoint().toString().substring("http:/".length()));
        if (workerConcurrency == 0) {
          err.println(
              "bench: no --target given; measuring a local simulator at "
                  + sim.httpEndpoint()
                  + " (latency "
                  + simulatorLatency
                  + "); nothing leaves this machine");
        }
      }
      List<BenchOptions> all = new ArrayList<>();
      for (String u : urls) {
        all.add(options(UpstreamUrl.parse(u, region)));
      }
      if (probe) {
        Probe.print(Probe.probeAll(all, tlsContext()), out);
        return 0;
      }
      if (all.size() != 1) {
        err.println("bench: give one --target (several only with --probe)");
        return 2;
      }
      BenchOptions o = all.get(0);
      if (workerConcurrency > 0) {
        Bench.worker(o, workerConcurrency, out);
        return 0;
      }
      Progress progress =
          switch (progressMode) {
            case auto -> Progress.auto(err);
            case lines -> new Progress(err, false);
            case off -> Progress.NONE;
          };
      Bench bench = new Bench(o, progress, workerCommand(urls.get(0)));
      Map<String, String> settings = Bench.describe(o);
      if (sim != null) {
        settings.put(
            "target",
            "the bench's own throwaway simulator at "
                + urls.get(0)
                + " (started for this run and stopped after it: MaxSendRate and daily quota"
                + " unlimited, latency "
                + simulatorLatency
                + "; nothing left this machine)");
      }
      BenchRun run = bench.run(settings);
      Path jsonFile = json == null || json.equals("-") ? null : Path.of(json);
      Bench.report(run, out, jsonFile, report);
      if ("-".equals(json)) {
        out.println(dev.sluice.bench.report.JsonReport.toJson(run));
      }
      if (report != null) {
        err.println("bench: report written to " + report.toAbsolutePath());
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("sluice bench: " + e.getMessage());
      return 2;
    } finally {
      if (sim != null) {
        sim.close();
      }
    }
  }

  private BenchOptions options(UpstreamUrl t) throws IOException, GeneralSecurityException {
    List<String> recipients = to.isEmpty() ? List.of(SIMULATOR_SUCCESS) : to;
    if (t.realSes() && !realRecipients) {
      for (String r : recipients) {
        if (!r.toLowerCase(Locale.ROOT).endsWith("@simulator.amazonses.com")) {
          throw new IllegalArgumentException(
              "the target is real SES and "
                  + r
                  + " is a real recipient; benchmarks send to the mailbox"
                  + " simulator unless --real-recipients confirms otherwise");
        }
      }
    }
    double rate =
        maxSendRate == null
            ? Double.NaN
            : maxSendRate.equalsIgnoreCase("unlimited") ? -1 : Rate.parse(maxSendRate).perSecond();
    if (!Double.isNaN(rate) && rate > 0 && workerConcurrency == 0 && processes > 1) {
      rate = rate / processes;
    }
    HttpClientKind http = HttpClientKind.parse(httpClient);
    AwsCredentialsProvider creds =
        t.realSes()
            ? null
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIASLUICEBENCH", "bench"));
    return new BenchOptions(
        t,
        ramp ? BenchOptions.ramp(concurrency) : List.of(concurrency),
        processes,
        messages,
        Durations.parse(duration),
        Durations.parse(warmup),
        recipients,
        recipientsPerMessage,
        ByteSize.parse(messageSize).toIntExact(),
        rate,
        !noKeepAlive,
        asyncClient,
        creds,
        http == HttpClientKind.CRT && !asyncClient ? crtTrust() : trustProvider(),
        tlsContext(),
        http);
  }

  /**
   * Trust for --ca-cert under the CRT client, which reads it only from the {@code
   * javax.net.ssl.trustStore} system property: the certificates go to a PKCS12 file that the
   * property then names. Returns null (no trust managers) either way.
   */
  private TlsTrustManagersProvider crtTrust() throws IOException, GeneralSecurityException {
    KeyStore ks = trustStore();
    if (ks == null) {
      return null;
    }
    if (System.getProperty("javax.net.ssl.trustStore") != null) {
      throw new IllegalArgumentException(
          "--ca-cert with --http-client crt sets javax.net.ssl.trustStore, which is already set");
    }
    Path file = Files.createTempFile("sluice-bench-trust", ".p12");
    file.toFile().deleteOnExit();
    char[] password = "sluice-bench".toCharArray();
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, password);
    }
    System.setProperty("javax.net.ssl.trustStore", file.toString());
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    System.setProperty("javax.net.ssl.trustStorePassword", new String(password));
    return null;
  }

  private KeyStore trustStore() throws IOException, GeneralSecurityException {
    if (caCert == null) {
      return null;
    }
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    int i = 0;
    for (Certificate c :
        cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(caCert)))) {
      ks.setCertificateEntry("ca" + i++, c);
    }
    if (i == 0) {
      throw new IllegalArgumentException("--ca-cert " + caCert + " holds no certificate");
    }
    return ks;
  }

  /** Trust for --ca-cert, read once and shared by the HTTPS and SMTP clients; null without it. */
  private TrustManagerFactory trust() throws IOException, GeneralSecurityException {
    if (trust == null) {
      KeyStore ks = trustStore();
      if (ks == null) {
        return null;
      }
      trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(ks);
    }
    return trust;
  }

  private TlsTrustManagersProvider trustProvider() throws IOException, GeneralSecurityException {
    TrustManagerFactory tmf = trust();
    return tmf == null ? null : tmf::getTrustManagers;
  }

  private SSLContext tlsContext() throws IOException, GeneralSecurityException {
    TrustManagerFactory tmf = trust();
    if (tmf == null) {
      return null;
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** This program's command line, re-run as a bench worker for one level. */
  private List<String> workerCommand(String target) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("bench");
    cmd.addAll(Arrays.asList("--target", target, "--duration", duration, "--warmup", warmup));
    cmd.addAll(Arrays.asList("--messages", Long.toString(messages), "--region", region));
    cmd.addAll(Arrays.asList("--recipients-per-message", Integer.toString(recipientsPerMessage)));
    cmd.addAll(Arrays.asList("--message-size", messageSize));
    if (!to.isEmpty()) {
      cmd.addAll(Arrays.asList("--to", String.join(",", to)));
    }
    if (realRecipients) {
      cmd.add("--real-recipients");
    }
    if (maxSendRate != null) {
      double r =
          maxSendRate.equalsIgnoreCase("unlimited") ? -1 : Rate.parse(maxSendRate).perSecond();
      cmd.addAll(Arrays.asList("--max-send-rate", r < 0 ? "unlimited" : (r / processes) + "/s"));
    }
    if (noKeepAlive) {
      cmd.add("--no-keepalive");
    }
    if (asyncClient) {
      cmd.add("--async-client");
    }
    cmd.addAll(Arrays.asList("--http-client", httpClient));
    if (caCert != null) {
      cmd.addAll(Arrays.asList("--ca-cert", caCert.toString()));
    }
    return cmd;
  }
}
