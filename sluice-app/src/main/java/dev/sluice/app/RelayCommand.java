package dev.sluice.app;

import dev.sluice.app.relay.ListenFailure;
import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.ByteSize;
import dev.sluice.core.Rate;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.Settings;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.spool.SpoolInUseException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice relay}: runs the relay in the foreground until SIGTERM or Ctrl-C. Every
 * configuration key {@code relay.NAME} is also the flag {@code --NAME}.
 */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the relay: SMTP and HTTP submission on loopback into a durable spool, and shaped",
      "delivery from it to Amazon SES (or, with no AWS configuration, an embedded simulator).",
      "Every option is also a configuration key relay.NAME (file: --config, environment:",
      "SLUICE_RELAY_NAME). Precedence: defaults < file < environment < flags."
    })
final class RelayCommand implements Callable<Integer> {
  private static final SchemaOptions OPTIONS =
      new SchemaOptions(RelayConfig.SCHEMA, "relay.", "SLUICE_RELAY_");

  @CommandLine.Mixin private ConfigFlags flags = new ConfigFlags();

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  RelayCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  static CommandLine commandLine(Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new RelayCommand(env, out, err));
    cl.setOut(new java.io.PrintWriter(out, true, java.nio.charset.StandardCharsets.UTF_8));
    OPTIONS.addTo(cl);
    return cl;
  }

  @Override
  public Integer call() throws InterruptedException {
    Settings settings;
    RelayConfig config;
    try {
      settings = flags.resolve(OPTIONS, spec.commandLine().getParseResult(), env);
      config = RelayConfig.from(settings);
    } catch (ConfigException e) {
      err.println("sluice relay: " + e.getMessage());
      return 2;
    }
    if (flags.printConfig) {
      out.print(settings.render());
      return 0;
    }
    Relay relay;
    try {
      relay = Relay.start(config, env, java.nio.file.Path.of(System.getProperty("user.home")));
    } catch (ConfigException e) {
      err.println("sluice relay: " + e.getMessage());
      return 2;
    } catch (ListenFailure e) {
      err.println(
          "sluice relay: "
              + e.getMessage()
              + (e.addressInUse() ? " (is another relay running?)" : "")
              + "; choose another port with "
              + OPTIONS.flag(e.portKey())
              + ", or 'off'");
      return 1;
    } catch (SpoolInUseException e) {
      err.println("sluice relay: " + QueueCommand.spoolInUse(e));
      return 1;
    } catch (IllegalArgumentException
        | UncheckedIOException
        | IllegalStateException
        | dev.sluice.core.spool.SpoolException e) {
      err.println("sluice relay: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    SystemdNotify systemd = SystemdNotify.from(env);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  notify(systemd, "STOPPING=1");
                  relay.close();
                  stopped.countDown();
                },
                "sluice-shutdown"));
    banner(relay, out);
    notify(systemd, "READY=1");
    stopped.await();
    return 0;
  }

  /**
   * The first lines a relay prints: what it bound and where mail goes, each limit under the name
   * and in the units of its flag (as {@code --help} and the README write them), with the value the
   * relay runs with.
   */
  static void banner(Relay relay, PrintStream out) {
    RelayConfig c = relay.config();
    if (relay.smtpPort() >= 0) {
      out.println(
          "relay: SMTP smtp://"
              + c.smtpBind()
              + ":"
              + relay.smtpPort()
              + " ("
              + (c.tlsCertificate() == null ? "no STARTTLS" : "STARTTLS")
              + "; "
              + setting(RelayConfig.MAX_SIZE, ByteSize.ofBytes(c.smtpLimits().maxMessageSize()))
              + ", "
              + setting(RelayConfig.MAX_RCPT, c.smtpLimits().maxRecipients())
              + ")");
    }
    if (relay.httpPort() >= 0) {
      out.println(
          "relay: HTTP "
              + (c.httpTls() ? "https://" : "http://")
              + c.httpBind()
              + ":"
              + relay.httpPort()
              + "/v1/messages (message/rfc822 or JSON; /v1/messages/batch, "
              + setting(RelayConfig.MAX_BATCH, c.maxBatch())
              + ")");
    }
    if (relay.adminUri() != null) {
      out.println("relay: admin " + relay.adminUri() + " (status page, /api, /metrics)");
    }
    out.println(
        "relay: may send: networks "
            + (c.relayNetworks().isEmpty() ? "(none)" : c.relayNetworks())
            + "; logins "
            + (c.usersFile() == null ? "(none)" : "from " + c.usersFile())
            + (c.tlsCertificate() == null ? " (loopback only, no TLS)" : ""));
    SpoolStats s = relay.spool().stats();
    if (c.kafka().distributed()) {
      out.println(
          "relay: spool kafka://"
              + c.kafka().bootstrapServers()
              + " (topics "
              + c.kafka().topicPrefix()
              + ".*, "
              + relay.spool().buckets()
              + " partitions, group "
              + c.kafka().groupId()
              + ", "
              + s.total()
              + " messages waiting)");
    } else {
      out.println(
          "relay: spool "
              + c.spoolDir().toAbsolutePath()
              + " ("
              + setting(RelayConfig.BUCKETS, relay.spool().buckets())
              + ", "
              + s.total()
              + " messages held)");
    }
    out.println("relay: delivery: " + relay.deliveryDescription());
    if (relay.sender() != null) {
      double rate = c.maxSendRate();
      out.println(
          "relay: sending: "
              + setting(RelayConfig.IN_FLIGHT, c.maxInFlight())
              + " upstream calls in flight ("
              + relay.scheduler().maxInFlight()
              + " messages taken at once), "
              + setting(
                  RelayConfig.SEND_RATE,
                  Double.isNaN(rate) ? "account" : rate < 0 ? "unlimited" : new Rate(rate)));
    }
    out.println("relay: ready; stop with Ctrl-C or SIGTERM");
    out.flush();
  }

  /** Tells systemd the relay's state (a unit of Type=notify); a failure is reported, not fatal. */
  private void notify(SystemdNotify systemd, String state) {
    try {
      systemd.send(state);
    } catch (java.io.IOException | RuntimeException e) {
      err.println("sluice relay: " + e.getMessage());
    }
  }

  /** {@code --flag value}, as the flag's help and the README write it. */
  private static String setting(ConfigKey<?> key, Object value) {
    return OPTIONS.flag(key) + " " + value;
  }
}
