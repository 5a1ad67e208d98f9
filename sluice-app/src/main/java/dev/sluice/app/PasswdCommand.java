package dev.sluice.app;

import dev.sluice.ingress.UserStore;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice passwd USER}: reads a password (twice from the terminal, or once from standard
 * input with {@code --stdin}) and prints the {@code USER:HASH} line for the relay's users file.
 */
@Command(
    name = "passwd",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a users-file line (name:pbkdf2-sha256$...) for SMTP AUTH and HTTP Basic logins.",
      "Reads the password twice from the terminal, or one line from standard input with --stdin.",
      "Append the line to the file named by relay.access.users-file."
    })
final class PasswdCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "USER", description = "The login name.")
  private String user;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      description = "PBKDF2 iterations. Default: ${DEFAULT-VALUE}.")
  private int iterations = UserStore.DEFAULT_ITERATIONS;

  @Option(names = "--stdin", description = "Read the password as one line of standard input.")
  private boolean stdin;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Console console;

  PasswdCommand(InputStream in, PrintStream out, PrintStream err, Console console) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.console = console;
  }

  @Override
  public Integer call() throws IOException {
    if (user.isEmpty() || user.contains(":") || !user.chars().allMatch(c -> c > ' ' && c != 0x7f)) {
      err.println("sluice passwd: a user name must not be empty or contain ':' or spaces");
      return 2;
    }
    if (iterations < 1) {
      err.println("sluice passwd: --iterations must be >= 1");
      return 2;
    }
    if (!stdin && console == null) {
      err.println("sluice passwd: no terminal to ask for the password; use --stdin");
      return 2;
    }
    char[] password = stdin ? fromStdin() : fromConsole();
    if (password == null) {
      return 1;
    }
    if (password.length == 0) {
      err.println("sluice passwd: the password must not be empty");
      return 2;
    }
    try {
      out.println(user + ":" + UserStore.hash(password, iterations));
    } finally {
      Arrays.fill(password, '\0');
    }
    return 0;
  }

  private char[] fromConsole() {
    char[] a = console.readPassword("Password for %s: ", user);
    char[] b = console.readPassword("Again: ");
    if (a == null || b == null || !Arrays.equals(a, b)) {
      err.println("sluice passwd: the passwords do not match");
      return null;
    }
    Arrays.fill(b, '\0');
    return a;
  }

  private char[] fromStdin() throws IOException {
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    return line == null ? new char[0] : line.toCharArray();
  }
}
