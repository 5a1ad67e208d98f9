package dev.sluice.app;

import dev.sluice.app.log.FormattingLoggerProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command line: one program, one subcommand per face. */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "High-throughput email relay for Amazon SES.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its status. Logging goes through {@link
   * FormattingLoggerProvider} (slf4j-simple that can write JSON), chosen before anything logs.
   */
  public static void main(String[] args) {
    if (printVersion(args, System.out)) {
      System.exit(0);
    }
    useOwnLogging();
    System.exit(run(args));
  }

  /** Chooses the program's own logging (unless a system property chose another) before any log. */
  static void useOwnLogging() {
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", FormattingLoggerProvider.class.getName());
      // SLF4J says at INFO which provider it was told to load; that line is not the program's.
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN");
      }
    }
  }

  /**
   * Answers {@code sluice --version} (or {@code -V}) alone without building the command tree:
   * making every subcommand's options, the relay's from its configuration schema, is most of the
   * work of a start, and the version needs none of it. Prints what picocli prints for it.
   *
   * @return whether the arguments asked for the version and it was printed
   */
  static boolean printVersion(String[] args, java.io.PrintStream out) {
    if (args.length != 1 || !(args[0].equals("--version") || args[0].equals("-V"))) {
      return false;
    }
    for (String line : new Version().getVersion()) {
      out.println(line);
    }
    out.flush();
    return true;
  }

  /**
   * Runs the command line and returns its exit status. Flushes what the commands printed before
   * returning: picocli's writers flush only at a line end, and {@link System#exit} flushes nothing,
   * so output that does not end in a newline (a message shown by {@code sluice queue show}) would
   * otherwise be lost.
   */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    try {
      return cl.execute(args);
    } finally {
      flush(cl);
    }
  }

  private static void flush(CommandLine cl) {
    cl.getOut().flush();
    cl.getErr().flush();
    cl.getSubcommands().values().forEach(Main::flush);
  }

  /** The whole command tree, as the build's completion and manual page generators read it. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand("simulator", SimulatorCommand.commandLine());
    cl.addSubcommand("relay", RelayCommand.commandLine(System.getenv(), System.out, System.err));
    cl.addSubcommand("queue", new CommandLine(new QueueCommand(System.getenv())));
    cl.addSubcommand("suppression", new CommandLine(new SuppressionCommand(System.getenv())));
    cl.addSubcommand("status", new CommandLine(new StatusCommand(System.getenv())));
    cl.addSubcommand("reload", new CommandLine(new ReloadCommand(System.getenv())));
    cl.addSubcommand("bench", new CommandLine(new BenchCommand(System.out, System.err)));
    cl.addSubcommand(
        "passwd",
        new CommandLine(new PasswdCommand(System.in, System.out, System.err, System.console())));
    cl.addSubcommand(
        "check-config", new CommandLine(new CheckConfigCommand(System.out, System.err)));
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The version and commit this build was made from, and the Java running it. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        BuildInfo.current().describe(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
