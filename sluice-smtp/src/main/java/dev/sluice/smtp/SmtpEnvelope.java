package dev.sluice.smtp;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The envelope of one mail transaction as the client gave it.
 *
 * @param reversePath the MAIL FROM address without angle brackets; empty for the null path {@code
 *     <>}
 * @param mailParameters the MAIL FROM parameters, keys upper case, {@code null}-free (a keyword
 *     without value maps to the empty string)
 * @param recipients the accepted RCPT TO addresses, in order
 */
public record SmtpEnvelope(
    String reversePath, Map<String, String> mailParameters, List<String> recipients) {
  /** Copies the collections. */
  public SmtpEnvelope {
    Objects.requireNonNull(reversePath, "reversePath");
    mailParameters = Map.copyOf(mailParameters);
    recipients = List.copyOf(recipients);
  }
}
