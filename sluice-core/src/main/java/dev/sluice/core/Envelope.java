package dev.sluice.core;

import java.util.List;
import java.util.Objects;

/**
 * Who a message is delivered to, as opposed to what its headers say: the envelope sender (the SMTP
 * {@code MAIL FROM}) and the envelope recipients ({@code RCPT TO}; SES's To+Cc+Bcc).
 *
 * @param from the envelope sender
 * @param recipients the envelope recipients, at least one
 */
public record Envelope(String from, List<String> recipients) {
  /** Copies the list and checks it is not empty. */
  public Envelope {
    Objects.requireNonNull(from, "from");
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("an envelope needs at least one recipient");
    }
  }

  /** Splits into envelopes of at most {@code max} recipients each, in order. */
  public List<Envelope> split(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1");
    }
    if (recipients.size() <= max) {
      return List.of(this);
    }
    java.util.ArrayList<Envelope> out = new java.util.ArrayList<>();
    for (int i = 0; i < recipients.size(); i += max) {
      out.add(new Envelope(from, recipients.subList(i, Math.min(recipients.size(), i + max))));
    }
    return out;
  }
}
