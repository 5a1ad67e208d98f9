package dev.sluice.feedback;

import java.io.IOException;

/**
 * Where the events intake hands each SES event it has read and checked. An intake acknowledges an
 * event (answers SNS {@code 200}, deletes the SQS message) only after {@link #record} returns, so
 * an event is never acknowledged before it is on disk.
 */
public interface SesEventRecorder {

  /**
   * Records the event durably, once.
   *
   * @return true if it was new; false if an event with the same {@link SesEvent#id} was recorded
   *     before (a duplicate, not applied again)
   * @throws IOException if it could not be recorded; the caller must not acknowledge it
   */
  boolean record(SesEvent event) throws IOException;
}
