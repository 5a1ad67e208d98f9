package dev.sluice.app;

import dev.sluice.app.log.LogFormat;
import dev.sluice.app.relay.DeliveryLimits;
import dev.sluice.app.relay.ListenFailure;
import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.ByteSize;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
  private static final Logger log = LoggerFactory.getLogger(RelayCommand.class);
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
    LogFormat format = settings.get(RelayConfig.LOG_FORMAT);
    if (!LogFormat.use(format)) {
      err.println(
          "sluice relay: "
              + RelayConfig.LOG_FORMAT.name()
              + " = "
              + format
              + " needs the sluice command's own logging; this process logs through another");
      return 2;
    }
    String levels = settings.get(RelayConfig.LOG_LEVELS);
    if (!dev.sluice.app.log.LogLevels.apply(levels) && !levels.isBlank()) {
      log.warn(
          "{} not applied: this process logs through another backend",
          RelayConfig.LOG_LEVELS.name());
    }
    // In JSON, what the relay says goes to the log as JSON lines too, so every line is one.
    Consumer<String> complain =
        format == LogFormat.JSON ? log::error : line -> err.println("sluice relay: " + line);
    Relay relay;
    try {
      relay = Relay.start(config, env, java.nio.file.Path.of(System.getProperty("user.home")));
    } catch (ConfigException e) {
      complain.accept(e.getMessage());
      return 2;
    } catch (ListenFailure e) {
      complain.accept(
          e.getMessage()
              + (e.addressInUse() ? " (is another relay running?)" : "")
              + "; choose another port with "
              + OPTIONS.flag(e.portKey())
              + ", or 'off'");
      return 1;
    } catch (SpoolInUseException e) {
      complain.accept(QueueCommand.spoolInUse(e));
      return 1;
    } catch (IllegalArgumentException
        | UncheckedIOException
        | IllegalStateException
        | dev.sluice.core.spool.SpoolException e) {
      complain.accept(e.getMessage());
      return 1;
    }
    CommandLine.ParseResult parse = spec.commandLine().getParseResult();
    relay.reloadFrom(settings, () -> flags.resolve(OPTIONS, parse, env));
    onHangup(relay);
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
    if (format == LogFormat.JSON) {
      banner(relay, log::info);
    } else {
      banner(relay, out);
    }
    notify(systemd, "READY=1");
    stopped.await();
    return 0;
  }

  /**
   * SIGHUP reloads the configuration (as {@code sluice reload} and {@code POST /api/reload} do), as
   * systemd's {@code ExecReload} and Postfix's habit expect; without this, the JVM would take it as
   * a request to stop.
   */
  private static void onHangup(Relay relay) {
    Hangup.handle(
        () ->
            Thread.ofVirtual()
                .name("sluice-reload")
                .start(
                    () -> {
                      try {
                        relay.reload(); // it logs what it applied, or why it refused
                      } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(RelayCommand.class)
                            .warn("SIGHUP: reload failed: {}", e.toString());
                      }
                    }));
  }

  /**
   * The first lines a relay prints: what it bound and where mail goes, each limit under the name
   * and in the units of its flag (as {@code --help} and the README write them), with the value the
   * relay runs with.
   */
  static void banner(Relay relay, PrintStream out) {
    banner(relay, out::println);
    out.flush();
  }

  /** The banner, one line at a time. */
  static void banner(Relay relay, Consumer<String> out) {
    RelayConfig c = relay.config();
    if (relay.smtpPort() >= 0) {
      out.accept(
          "relay: SMTP smtp://"
              + c.doors().smtp().bind()
              + ":"
              + relay.smtpPort()
              + " ("
              + (c.doors().tls().isEmpty() ? "no STARTTLS" : "STARTTLS")
              + "; "
              + setting(
                  RelayConfig.MAX_SIZE,
                  ByteSize.ofBytes(c.doors().smtp().limits().maxMessageSize()))
              + ", "
              + setting(RelayConfig.MAX_RCPT, c.doors().smtp().limits().maxRecipients())
              + ")");
    }
    if (relay.httpPort() >= 0) {
      out.accept(
          "relay: HTTP "
              + (c.doors().http().https() ? "https://" : "http://")
              + c.doors().http().bind()
              + ":"
              + relay.httpPort()
              + "/v1/messages (message/rfc822 or JSON; /v1/messages/batch, "
              + setting(RelayConfig.MAX_BATCH, c.doors().http().maxBatch())
              + ")");
    }
    if (relay.adminUri() != null) {
      out.accept("relay: admin " + relay.adminUri() + " (status page, /api, /metrics)");
    }
    out.accept(
        "relay: may send: networks "
            + (c.doors().relayNetworks().isEmpty() ? "(none)" : c.doors().relayNetworks())
            + "; logins "
            + c.doors().usersFile().map(f -> "from " + f).orElse("(none)")
            + (c.doors().tls().isEmpty() ? " (loopback only, no TLS)" : ""));
    SpoolStats s = relay.spool().stats();
    if (c.spool().kafka().distributed()) {
      out.accept(
          "relay: spool kafka://"
              + c.spool().kafka().bootstrapServers()
              + " (topics "
              + c.spool().kafka().topicPrefix()
              + ".*, "
              + relay.spool().buckets()
              + " partitions, group "
              + c.spool().kafka().groupId()
              + ", "
              + s.total()
              + " messages waiting)");
    } else {
      out.accept(
          "relay: spool "
              + c.spool().dir().toAbsolutePath()
              + " ("
              + setting(RelayConfig.BUCKETS, relay.spool().buckets())
              + ", "
              + s.total()
              + " messages held)");
    }
    out.accept("relay: delivery: " + relay.deliveryDescription());
    if (relay.sender() != null) {
      DeliveryLimits limits = c.delivery().limits();
      out.accept(
          "relay: sending: "
              + setting(RelayConfig.IN_FLIGHT, limits.callsInFlight())
              + " upstream calls in flight ("
              + limits.messagesInFlight()
              + " messages taken at once, "
              + limits.connections()
              + " connections), "
              + setting(RelayConfig.SEND_RATE, c.delivery().maxSendRate()));
    }
    out.accept("relay: ready; stop with Ctrl-C or SIGTERM");
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
