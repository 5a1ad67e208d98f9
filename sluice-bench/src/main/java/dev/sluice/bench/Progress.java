package dev.sluice.bench;

import java.io.Console;
import java.io.PrintStream;

/**
 * Where a run reports how it is going: on a terminal, one live line redrawn in place (a carriage
 * return, the new text, blanks over what the last one left); anywhere else, such as a log file, a
 * line per update. Notes that must stay ({@link #println}) move the live line out of the way.
 *
 * <p>Thread-safe: workers report failures while the measuring thread updates the live line.
 */
public final class Progress {
  /** Reports nothing. */
  public static final Progress NONE = new Progress(null, false);

  private final PrintStream out;
  private final boolean redraw;
  private int drawn; // width of the live line on the screen; 0 when there is none

  /**
   * @param out where to write, or null for nowhere
   * @param redraw whether {@code out} is a terminal on which one line can be redrawn
   */
  public Progress(PrintStream out, boolean redraw) {
    this.out = out;
    this.redraw = redraw;
  }

  /** Redraws when this JVM's console is a terminal (an interactive shell, nothing redirected). */
  public static Progress auto(PrintStream out) {
    return new Progress(out, terminal());
  }

  /** Replaces the live line with {@code line}. */
  public synchronized void update(String line) {
    if (out == null) {
      return;
    }
    if (!redraw) {
      out.println(line);
      return;
    }
    out.print('\r' + line + " ".repeat(Math.max(0, drawn - line.length())));
    out.flush();
    drawn = line.length();
  }

  /** Writes a line that stays, below the live line's last state. */
  public synchronized void println(String line) {
    if (out == null) {
      return;
    }
    end();
    out.println(line);
  }

  /** Leaves the live line as it is and moves to the next line. */
  public synchronized void end() {
    if (out != null && drawn > 0) {
      out.println();
      drawn = 0;
    }
  }

  /**
   * Whether the console is a terminal: {@code Console.isTerminal()} where the JDK has it (22 and
   * later, where a console exists even when output is redirected), else whether there is a console.
   */
  static boolean terminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only for an interactive shell
    }
  }
}
