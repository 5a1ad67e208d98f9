package dev.sluice.simulator;

import java.util.Locale;

/** The three ways a client reaches the simulator, each with its own latency and fault settings. */
public enum SesInterface {
  /** SES API v2, REST-JSON under {@code /v2/email/}. */
  V2,
  /** SES API v1, the Query protocol on {@code POST /}. */
  V1,
  /** The SES SMTP endpoint. */
  SMTP;

  /** The lower-case name used in configuration keys and metrics. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
