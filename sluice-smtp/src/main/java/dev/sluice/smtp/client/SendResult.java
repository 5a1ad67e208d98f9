package dev.sluice.smtp.client;

import dev.sluice.smtp.Reply;
import java.util.List;
import java.util.Objects;

/**
 * What became of one message handed to an SMTP server: accepted, refused by the server with a
 * reply, or failed without one (an I/O error, a timeout, a server that does not speak SMTP, or a
 * required extension it does not offer). Server refusals are values, never exceptions.
 */
public sealed interface SendResult {
  /** Where in the conversation a refusal or failure happened. */
  enum Stage {
    /** Opening the TCP connection. */
    CONNECT,
    /** The server's 220 greeting. */
    GREETING,
    /** EHLO (or the HELO fallback), first or after STARTTLS. */
    EHLO,
    /** STARTTLS and the TLS handshake. */
    TLS,
    /** AUTH PLAIN or LOGIN. */
    AUTH,
    /** MAIL FROM. */
    MAIL,
    /** RCPT TO. */
    RCPT,
    /** DATA, the message content and the reply to its end. */
    DATA
  }

  /**
   * The server took the message for the accepted recipients.
   *
   * @param reply the reply to the end of data, e.g. {@code 250 Ok <id>}
   * @param recipients the recipients the server accepted, in order
   * @param refused recipients the server refused (only when some may be refused, see {@link
   *     SmtpClientConfig#allRecipientsRequired()})
   */
  record Accepted(Reply reply, List<String> recipients, List<RecipientRefusal> refused)
      implements SendResult {
    /** Copies the lists. */
    public Accepted {
      Objects.requireNonNull(reply, "reply");
      recipients = List.copyOf(recipients);
      refused = List.copyOf(refused);
    }
  }

  /**
   * The server refused, and said so.
   *
   * @param stage where
   * @param reply the refusing reply; at {@link Stage#RCPT} the first recipient refusal
   * @param refused every recipient refusal, when the refusal is about recipients
   */
  record Refused(Stage stage, Reply reply, List<RecipientRefusal> refused) implements SendResult {
    /** Copies the list. */
    public Refused {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(reply, "reply");
      refused = List.copyOf(refused);
    }
  }

  /**
   * The exchange broke off without a refusal.
   *
   * @param stage where
   * @param message what happened, e.g. the exception's message
   * @param retryable false when trying again unchanged cannot help (the server lacks a required
   *     extension, an address cannot be written as a command); true for I/O errors and timeouts
   */
  record Failed(Stage stage, String message, boolean retryable) implements SendResult {
    /** Checks for nulls. */
    public Failed {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * One recipient the server would not take.
   *
   * @param recipient the address
   * @param reply the reply to its RCPT TO
   */
  record RecipientRefusal(String recipient, Reply reply) {
    /** Checks for nulls. */
    public RecipientRefusal {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(reply, "reply");
    }
  }
}
