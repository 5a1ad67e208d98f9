package dev.sluice.app;

import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Settings;
import dev.sluice.simulator.FaultSpec;
import dev.sluice.simulator.SesInterface;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.simulator.sns.SnsSettings;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice simulator}: runs the SES-compatible server in the foreground until SIGTERM or
 * Ctrl-C. Every configuration key {@code simulator.NAME} is also the flag {@code --NAME} (dots
 * become dashes), generated from the schema so the two can never drift apart.
 */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs an SES-compatible server: the v2 REST and v1 Query APIs over HTTP and HTTPS, the SMTP",
      "endpoint, quotas and throttling, mailbox-simulator addresses, latency and fault injection.",
      "Every option is also a configuration key simulator.NAME (file: --config, environment:",
      "SLUICE_SIMULATOR_NAME). Precedence: defaults < file < environment < flags."
    })
final class SimulatorCommand implements Callable<Integer> {
  private static final SchemaOptions OPTIONS =
      new SchemaOptions(
          SimulatorConfig.SCHEMA,
          "simulator.",
          "SLUICE_SIMULATOR_",
          Map.of(SnsSettings.SUBSCRIPTIONS.name(), "--sns-subscription"));

  @CommandLine.Mixin private ConfigFlags flags = new ConfigFlags();

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;
  private final PrintStream out;

  SimulatorCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  static CommandLine commandLine() {
    return commandLine(System.getenv(), System.out);
  }

  static CommandLine commandLine(Map<String, String> env, PrintStream out) {
    CommandLine cl = new CommandLine(new SimulatorCommand(env, out));
    cl.setOut(new java.io.PrintWriter(out, true, java.nio.charset.StandardCharsets.UTF_8));
    OPTIONS.addTo(cl);
    return cl;
  }

  static String flag(ConfigKey<?> k) {
    return OPTIONS.flag(k);
  }

  @Override
  public Integer call() throws InterruptedException {
    SimulatorConfig config;
    Settings settings;
    try {
      settings = resolve();
      config = SimulatorConfig.from(settings);
    } catch (ConfigException e) {
      System.err.println("sluice simulator: " + e.getMessage());
      return 2;
    }
    if (flags.printConfig) {
      out.print(settings.render());
      return 0;
    }
    Simulator sim;
    try {
      sim = Simulator.start(config);
    } catch (RuntimeException e) {
      System.err.println("sluice simulator: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              sim.close();
              stopped.countDown();
            },
            "sluice-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    banner(sim, config);
    stopped.await();
    return 0;
  }

  private Settings resolve() {
    return flags.resolve(OPTIONS, spec.commandLine().getParseResult(), env);
  }

  private void banner(Simulator sim, SimulatorConfig c) {
    if (sim.httpEndpoint() != null) {
      out.println("simulator: v2/v1 API " + sim.httpEndpoint());
    }
    if (sim.httpsEndpoint() != null) {
      out.println(
          "simulator: v2/v1 API "
              + sim.httpsEndpoint()
              + " (self-signed certificate"
              + c.listeners()
                  .exportCertificate()
                  .map(p -> " written to " + p)
                  .orElse("; --export-cert FILE writes it")
              + ")");
    }
    if (sim.smtpPort() >= 0) {
      out.println(
          "simulator: SMTP endpoint smtp://"
              + c.listeners().bindAddress()
              + ":"
              + sim.smtpPort()
              + " (STARTTLS, AUTH PLAIN/LOGIN)");
    }
    if (sim.httpEndpoint() != null) {
      out.println(
          "simulator: inbox "
              + sim.httpEndpoint()
              + "/_sluice/inbox (a page for people; as JSON: "
              + sim.httpEndpoint()
              + "/_sluice/messages), metrics "
              + sim.httpEndpoint()
              + "/metrics, faults at run time: PUT "
              + sim.httpEndpoint()
              + "/_sluice/faults");
    }
    out.println(
        "simulator: account "
            + c.account().accountId()
            + " in "
            + c.account().region()
            + (c.account().sandbox() ? " (sandbox)" : "")
            + ", MaxSendRate "
            + limit(c.account().maxSendRate(), "/s")
            + ", Max24HourSend "
            + limit(c.account().max24HourSend(), "")
            + ", signatures "
            + (c.account().strictAuth().isEmpty() ? "not checked" : "verified (strict)"));
    StringBuilder f = new StringBuilder();
    for (SesInterface i : SesInterface.values()) {
      FaultSpec s = c.chaos().faults().get(i);
      f.append(f.length() == 0 ? "" : "; ")
          .append(i.key())
          .append(": latency ")
          .append(c.chaos().latency().get(i).text());
      if (!s.equals(FaultSpec.NONE)) {
        f.append(
            String.format(
                java.util.Locale.ROOT,
                ", 500 %.4g, 503 %.4g, reset %.4g, hang %.4g",
                s.error500(),
                s.error503(),
                s.reset(),
                s.hang()));
      }
    }
    out.println(
        "simulator: "
            + f
            + c.notifications().webhook().map(w -> "; notifications to " + w).orElse(""));
    if (sim.sns().signingCertUrl() != null) {
      int subscriptions = c.sns().subscriptions().size();
      out.println(
          "simulator: SNS signs with SignatureVersion "
              + c.sns().signatureVersion()
              + " through "
              + sim.sns().signer().signing()
              + ", certificate at "
              + sim.sns().signingCertUrl()
              + "; "
              + subscriptions
              + (subscriptions == 1 ? " subscription" : " subscriptions")
              + (subscriptions == 0
                  ? ""
                  : c.sns().autoConfirm()
                      ? " (confirmed at once)"
                      : " (pending until the endpoint visits its SubscribeURL)")
              + (sim.httpEndpoint() == null
                  ? ""
                  : ", see " + sim.httpEndpoint() + "/_sluice/sns/subscriptions"));
    }
    out.println("simulator: ready; stop with Ctrl-C or SIGTERM");
    out.flush();
  }

  private static String limit(java.util.OptionalDouble limit, String unit) {
    if (limit.isEmpty()) {
      return "unlimited";
    }
    double v = limit.getAsDouble();
    return (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v)) + unit;
  }
}
