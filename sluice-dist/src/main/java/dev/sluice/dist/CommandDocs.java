package dev.sluice.dist;

import dev.sluice.app.Main;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes what the packages ship beside the program that is derived from it, so that none of it is
 * kept by hand: the bash and zsh completion scripts and the manual pages (AsciiDoc, made into roff
 * by the packaging script) from the command line model, and the packaged {@code relay.conf} from
 * {@code config/relay.conf} (which a test keeps equal to the configuration schema).
 *
 * <p>Run by the build: {@code CommandDocs OUT_DIR RELAY_CONF}. Writes {@code OUT_DIR/bash/sluice},
 * {@code OUT_DIR/zsh/_sluice}, {@code OUT_DIR/man/*.adoc} and {@code OUT_DIR/relay.conf}.
 */
public final class CommandDocs {
  /** Where the package keeps the spool. */
  static final String SPOOL_DIR = "/var/lib/sluice/spool";

  private CommandDocs() {}

  /** Writes the files; arguments: the output directory and the source {@code relay.conf}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: CommandDocs OUT_DIR RELAY_CONF");
    }
    write(Path.of(args[0]), Path.of(args[1]));
  }

  static void write(Path out, Path relayConf) throws IOException {
    CommandLine cl = Main.commandLine();
    // A completion file is sourced, never run: no #! line (Debian's lintian asks the same).
    String bash = AutoComplete.bash("sluice", cl).replaceFirst("^#!/usr/bin/env bash\n", "");
    Files.createDirectories(out.resolve("bash"));
    Files.writeString(out.resolve("bash/sluice"), bash, StandardCharsets.UTF_8);
    Files.createDirectories(out.resolve("zsh"));
    Files.writeString(out.resolve("zsh/_sluice"), zsh(bash), StandardCharsets.UTF_8);
    Path man = out.resolve("man");
    Files.createDirectories(man);
    int status =
        ManPageGenerator.generateManPage(
            man.toFile(), (File) null, new boolean[0], true, cl.getCommandSpec());
    if (status != 0) {
      throw new IOException("the manual page generator failed with status " + status);
    }
    Files.writeString(
        out.resolve("relay.conf"),
        packagedRelayConf(Files.readString(relayConf, StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8);
  }

  /**
   * The zsh completion function file ({@code _sluice} in a directory of {@code $fpath}): zsh runs
   * the bash completion through {@code bashcompinit}. Loaded on the first TAB after {@code sluice},
   * it defines the bash functions, registers them for later TABs, and completes this one.
   */
  static String zsh(String bash) {
    return "#compdef sluice\n"
        + "# zsh completion for sluice: the bash completion run through zsh's bashcompinit.\n"
        + bash
        + "\n_bash_complete -F _complete_sluice -o default\n";
  }

  /**
   * The {@code /etc/sluice/relay.conf} of the packages: the example file with every key and its
   * default, the spool moved to {@link #SPOOL_DIR} and the header saying how the service reads it.
   *
   * @throws IllegalStateException when the example no longer has the lines this replaces
   */
  static String packagedRelayConf(String example) {
    String header =
        "# sluice relay: every configuration key with its built-in default.\n"
            + "# Use with: ./sluice relay --config config/relay.conf\n";
    String spool = "relay.spool.dir = sluice-data/spool\n";
    if (!example.startsWith(header) || !example.contains("\n" + spool)) {
      throw new IllegalStateException(
          "config/relay.conf changed its header or relay.spool.dir line; update CommandDocs");
    }
    return "# sluice relay: every configuration key with its built-in default, but for\n"
        + "# relay.spool.dir, which the package keeps in "
        + SPOOL_DIR
        + ".\n"
        + "# Read by sluice-relay.service (sluice relay --config /etc/sluice/relay.conf). Check a\n"
        + "# change with 'sluice check-config /etc/sluice/relay.conf', then apply it with\n"
        + "# 'systemctl restart sluice-relay'. Secrets (relay.admin.token, AWS credentials) are better\n"
        + "# kept in /etc/default/sluice as SLUICE_RELAY_ADMIN_TOKEN=..., AWS_...=... lines.\n"
        + example
            .substring(header.length())
            .replace(spool, "relay.spool.dir = " + SPOOL_DIR + "\n");
  }
}
