package dev.sluice.app;

/** Entry point placeholder replaced by the CLI. */
public final class Main {
  private Main() {}

  /** Runs the command line. */
  public static void main(String[] args) {
    System.out.println("sluice");
  }
}
