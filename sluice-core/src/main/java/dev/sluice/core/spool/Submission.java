package dev.sluice.core.spool;

import dev.sluice.core.Envelope;
import java.time.Instant;
import java.util.Objects;

/**
 * A message handed to the spool: envelope, content as received, and when and from where it came.
 *
 * @param envelope the envelope sender and recipients
 * @param content the RFC 5322 message, CRLF line endings; the spool keeps this array, do not change
 *     it afterwards
 * @param received when the message was accepted
 * @param origin where it came from, for operators (e.g. {@code smtp 127.0.0.1 user=app}); may be
 *     empty
 * @param buckets the buckets the spool may put it in (its traffic class's), {@link BucketRange#ANY}
 *     for any
 */
public record Submission(
    Envelope envelope, byte[] content, Instant received, String origin, BucketRange buckets) {
  /** Checks for nulls. */
  public Submission {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(received, "received");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(buckets, "buckets");
  }

  /** A message the spool may put in any bucket. */
  public Submission(Envelope envelope, byte[] content, Instant received, String origin) {
    this(envelope, content, received, origin, BucketRange.ANY);
  }

  /** This message with other content, kept to {@code range}. */
  public Submission with(byte[] newContent, BucketRange range) {
    return new Submission(envelope, newContent, received, origin, range);
  }
}
