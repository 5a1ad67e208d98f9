package dev.sluice.simulator;

/**
 * The refusals the simulator can give a send, one per distinct wire form. Each interface turns a
 * refusal into its own wire form in exactly one place.
 */
public enum SesError {
  /** The per-second recipient rate is exceeded. */
  RATE_EXCEEDED,
  /** The rolling 24-hour recipient quota is spent. */
  DAILY_QUOTA_EXCEEDED,
  /** Content or identity rejected (SES {@code MessageRejected}). */
  MESSAGE_REJECTED,
  /** A parameter is malformed: bad address, bad tag, missing field. */
  INVALID_PARAMETER,
  /** More than 50 recipients, or none. */
  RECIPIENT_COUNT,
  /** The message is over the interface's size limit. */
  MESSAGE_TOO_LONG,
  /** The request names a configuration set that does not exist. */
  CONFIGURATION_SET_DOES_NOT_EXIST,
  /** Sending is paused for the account. */
  SENDING_PAUSED,
  /** Sending is paused for the configuration set the send uses. */
  CONFIGURATION_SET_SENDING_PAUSED,
  /** An injected server fault (500). */
  INTERNAL_FAILURE,
  /** An injected server fault (503). */
  SERVICE_UNAVAILABLE
}
