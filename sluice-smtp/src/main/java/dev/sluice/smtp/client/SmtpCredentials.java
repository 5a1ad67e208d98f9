package dev.sluice.smtp.client;

import java.util.Objects;

/**
 * A user name and password for AUTH PLAIN or LOGIN.
 *
 * @param username the user name (for SES, the access key id)
 * @param password the password (for SES, the derived SMTP password); never printed
 */
public record SmtpCredentials(String username, String password) {
  /** Checks for nulls. */
  public SmtpCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "SmtpCredentials[username=" + username + ", password=***]";
  }
}
