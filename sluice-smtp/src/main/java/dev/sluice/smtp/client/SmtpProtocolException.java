package dev.sluice.smtp.client;

import java.io.IOException;

/** The server sent something that is not a well-formed SMTP reply; the connection is unusable. */
final class SmtpProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  SmtpProtocolException(String message) {
    super(message);
  }
}
