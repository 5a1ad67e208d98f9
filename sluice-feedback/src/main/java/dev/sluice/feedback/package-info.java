/**
 * The relay's feedback loop: SES's events in (signed SNS notifications over HTTP(S), or an SQS
 * queue), recorded once each, into the history of each message and the suppression list, both kept
 * on disk.
 *
 * <p>Flow, one way: intake (verify, parse to {@link dev.sluice.feedback.SesEvent}) → {@link
 * dev.sluice.feedback.SesEventRecorder} (deduplicate, write durably) → acknowledgement.
 */
package dev.sluice.feedback;
