package dev.sluice.app.admin;

import java.util.List;

/**
 * What a reload did, each list by configuration key ({@code relay.NAME}).
 *
 * @param applied keys whose new values are in force now
 * @param reread files read again whether or not their key changed (users, TLS certificate)
 * @param restartNeeded keys whose values changed but cannot change while the relay runs (ports, the
 *     spool's directory, …); the relay keeps running with the values it started with
 */
public record ReloadOutcome(List<String> applied, List<String> reread, List<String> restartNeeded) {
  /** Copies the lists. */
  public ReloadOutcome {
    applied = List.copyOf(applied);
    reread = List.copyOf(reread);
    restartNeeded = List.copyOf(restartNeeded);
  }

  /** Reads the configuration again and applies it; what the admin API calls. */
  @FunctionalInterface
  public interface Reloader {
    /**
     * Reloads.
     *
     * @throws Refused when the configuration is invalid; nothing of it was applied
     */
    ReloadOutcome reload();
  }

  /** A configuration refused whole: the running one is kept. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A refusal saying what is wrong, naming the key or file. */
    public Refused(String message) {
      super(message);
    }
  }
}
