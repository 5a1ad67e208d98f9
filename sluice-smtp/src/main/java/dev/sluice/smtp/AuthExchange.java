package dev.sluice.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL exchanges of AUTH PLAIN (RFC 4616) and AUTH LOGIN, each with or without an initial
 * response (RFC 4954 §4); a {@code *} line cancels. The result is the credentials, or the reply
 * that ends the exchange; checking the credentials is the handler's work.
 *
 * <p>Stateless; each call is confined to the calling session thread.
 */
final class AuthExchange {
  /** The session side of an exchange. */
  interface Conversation {
    /**
     * Sends {@code 334 <prompt>} and reads the client's answer.
     *
     * @return the line, or {@code null} if it was too long
     * @throws java.io.EOFException if the client went away
     */
    String challenge(String prompt) throws IOException;
  }

  /** How an exchange ended. */
  sealed interface Result {}

  /** The client gave credentials. */
  record Credentials(String mechanism, String user, String password) implements Result {}

  /** The exchange ends with one of the server's replies. */
  record Refused(ServerReply reply) implements Result {}

  private static final String USERNAME_PROMPT = b64("Username:");
  private static final String PASSWORD_PROMPT = b64("Password:");

  private AuthExchange() {}

  /**
   * Runs the exchange for a mechanism already checked to be offered.
   *
   * @param initial the initial response from the AUTH line, or {@code null}
   */
  static Result run(String mechanism, String initial, Conversation conversation)
      throws IOException {
    return switch (mechanism) {
      case "PLAIN" -> plain(initial, conversation);
      case "LOGIN" -> login(initial, conversation);
      default -> new Refused(ServerReply.AUTH_MECHANISM_UNKNOWN);
    };
  }

  private static Result plain(String initial, Conversation c) throws IOException {
    Decoded d = decode(initial != null ? initial : c.challenge(""));
    if (d.refused() != null) {
      return d.refused();
    }
    String message = d.text();
    // message = [authzid] NUL authcid NUL passwd
    int first = message.indexOf('\0');
    int second = first < 0 ? -1 : message.indexOf('\0', first + 1);
    if (first < 0 || second < 0 || message.indexOf('\0', second + 1) >= 0) {
      return new Refused(ServerReply.AUTH_BAD_RESPONSE);
    }
    return new Credentials(
        "PLAIN", message.substring(first + 1, second), message.substring(second + 1));
  }

  private static Result login(String initial, Conversation c) throws IOException {
    Decoded user = decode(initial != null ? initial : c.challenge(USERNAME_PROMPT));
    if (user.refused() != null) {
      return user.refused();
    }
    Decoded password = decode(c.challenge(PASSWORD_PROMPT));
    if (password.refused() != null) {
      return password.refused();
    }
    return new Credentials("LOGIN", user.text(), password.text());
  }

  /** One decoded response: its text, or why it ends the exchange. */
  private record Decoded(String text, Refused refused) {
    static Decoded of(String text) {
      return new Decoded(text, null);
    }

    static Decoded refuse(ServerReply reply) {
      return new Decoded(null, new Refused(reply));
    }
  }

  private static Decoded decode(String response) {
    if (response == null) {
      return Decoded.refuse(ServerReply.LINE_TOO_LONG);
    }
    String r = response.strip();
    if (r.equals("*")) {
      return Decoded.refuse(ServerReply.AUTH_CANCELLED);
    }
    if (r.equals("=")) {
      return Decoded.of(""); // an empty initial response (RFC 4954 §4)
    }
    try {
      return Decoded.of(new String(Base64.getDecoder().decode(r), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Decoded.refuse(ServerReply.AUTH_BAD_RESPONSE);
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }
}
