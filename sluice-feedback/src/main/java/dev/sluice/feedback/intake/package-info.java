/**
 * SES's events in: an HTTP endpoint for SNS subscriptions ({@link
 * dev.sluice.feedback.intake.SnsEndpoint}) and a reader of an SQS queue ({@link
 * dev.sluice.feedback.intake.SqsReader}), both through {@link
 * dev.sluice.feedback.intake.SnsIntake}, which checks SNS's signatures ({@code SnsVerifier}, {@link
 * dev.sluice.feedback.intake.SnsTrust}), reads SES's JSON ({@link
 * dev.sluice.feedback.intake.SesEventParser}) and hands each event to the {@link
 * dev.sluice.feedback.SesEventRecorder} before it is acknowledged.
 *
 * <p>Counters: {@code sluice.feedback.received}, {@code .recorded}, {@code .duplicate}, {@code
 * .confirmed}, {@code .ignored}, {@code .failed} and {@code .refused} (tag {@code reason}), each
 * tagged {@code source} ({@code sns} or {@code sqs}).
 */
package dev.sluice.feedback.intake;
