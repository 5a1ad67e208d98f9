package dev.sluice.smtp;

/**
 * Every reply the server makes on its own (as opposed to the handler's), with its default code,
 * enhanced code and text: one table, so a {@link SmtpDialect} can replace any of them.
 *
 * <p>Texts of {@link #INVALID_SENDER}, {@link #INVALID_RECIPIENT} and {@link #NON_ASCII_ADDRESS}
 * may hold the placeholders {@code {address}}, replaced by the address the client gave, and {@code
 * {reason}}, replaced by what is wrong with it in words, starting with the address in brackets (the
 * message of {@link dev.sluice.core.address.SesAddressGrammar}).
 */
public enum ServerReply {
  /** RSET, NOOP and other plain successes. */
  OK(250, "2.0.0", "Ok"),
  /** HELP. */
  HELP(
      214,
      "2.0.0",
      "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY STARTTLS AUTH"),
  /** VRFY: never verified, never refused (RFC 5321 §3.5.3). */
  VRFY(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery"),
  /** DATA accepted; send the message. */
  DATA_START(354, null, "End data with <CR><LF>.<CR><LF>"),
  /** QUIT. */
  BYE(221, "2.0.0", "Bye"),
  /** STARTTLS accepted; the handshake follows. */
  START_TLS(220, "2.0.0", "Ready to start TLS"),
  /** STARTTLS without a TLS context. */
  TLS_NOT_AVAILABLE(454, "4.7.0", "TLS not available"),
  /** STARTTLS once TLS is active. */
  TLS_ALREADY_ACTIVE(503, "5.5.1", "TLS already active"),
  /** AUTH succeeded. */
  AUTH_SUCCEEDED(235, "2.7.0", "Authentication successful"),
  /** AUTH failed: wrong user or password. */
  AUTH_FAILED(535, "5.7.8", "Authentication credentials invalid"),
  /** The client answered a challenge with {@code *} (RFC 4954 §4). */
  AUTH_CANCELLED(501, "5.0.0", "Authentication cancelled"),
  /** The authenticator failed (threw). */
  AUTH_TEMPORARY_FAILURE(454, "4.7.0", "Temporary authentication failure"),
  /** AUTH with a mechanism not offered. */
  AUTH_MECHANISM_UNKNOWN(504, "5.5.4", "Unrecognized authentication type"),
  /** An AUTH response that is not valid base64 or not the mechanism's form. */
  AUTH_BAD_RESPONSE(501, "5.5.2", "Cannot decode response"),
  /** AUTH after a successful AUTH. */
  AUTH_ALREADY_DONE(503, "5.5.1", "Already authenticated"),
  /** AUTH during a mail transaction (RFC 4954 §4). */
  AUTH_IN_TRANSACTION(503, "5.5.1", "AUTH not permitted during a mail transaction"),
  /** AUTH (or MAIL, when AUTH is required) before STARTTLS, when AUTH needs TLS. */
  TLS_REQUIRED(530, "5.7.0", "Must issue a STARTTLS command first"),
  /** MAIL before AUTH, when AUTH is required. */
  AUTH_REQUIRED(530, "5.7.0", "Authentication required"),
  /** No command for the command timeout, or no data for the data timeout; the server closes. */
  TIMEOUT(421, "4.4.2", "Timeout exceeded, closing connection"),
  /** The connection limit (total or per client address) is reached; the server closes. */
  TOO_MANY_CONNECTIONS(421, "4.7.0", "Too many connections, try again later"),
  /**
   * The server is stopping: a session waiting for a command, or one that has just been answered, is
   * told so and closed (RFC 5321 §3.8).
   */
  SHUTTING_DOWN(421, "4.3.2", "Service shutting down, try again later"),
  /** Too many refused commands in one session; the server closes. */
  TOO_MANY_ERRORS(421, "4.7.0", "Too many errors, closing connection"),
  /** A command line over the limit (512 octets with CRLF, RFC 5321 §4.5.3.1.4). */
  LINE_TOO_LONG(500, "5.5.2", "Line too long"),
  /** A command the server does not know. */
  UNKNOWN_COMMAND(500, "5.5.1", "Command unrecognized"),
  /** A known command that is switched off here (EXPN, or an extension not offered). */
  NOT_IMPLEMENTED(502, "5.5.1", "Command not implemented"),
  /** Bad arguments. */
  SYNTAX(501, "5.5.4", "Syntax error in parameters or arguments"),
  /** MAIL, AUTH and others before HELO/EHLO. */
  HELO_FIRST(503, "5.5.1", "Send HELO/EHLO first"),
  /** MAIL inside a transaction. */
  NESTED_MAIL(503, "5.5.1", "Nested MAIL command"),
  /** RCPT, DATA or BDAT before MAIL. */
  NEED_MAIL(503, "5.5.1", "Need MAIL command"),
  /** DATA or BDAT with no accepted recipient. */
  NEED_RCPT(503, "5.5.1", "Need RCPT command"),
  /** DATA after BDAT in the same transaction (RFC 3030 §2). */
  DATA_AFTER_BDAT(503, "5.5.1", "DATA not permitted after BDAT"),
  /**
   * A MAIL FROM path that is not in brackets or not an address SES takes (RFC 5321 §4.2.2: 553,
   * mailbox name not allowed; RFC 3463: X.1.7, bad sender address syntax).
   */
  INVALID_SENDER(553, "5.1.7", "{reason}"),
  /**
   * A RCPT TO path that is not in brackets or not an address SES takes (553; RFC 3463: X.1.3, bad
   * destination address syntax).
   */
  INVALID_RECIPIENT(553, "5.1.3", "{reason}"),
  /** An address with non-ASCII characters; SMTPUTF8 is not offered (RFC 6531 §3.5). */
  NON_ASCII_ADDRESS(553, "5.6.7", "{reason}"),
  /** A MAIL or RCPT parameter not offered (RFC 5321 §4.1.1.11). */
  UNSUPPORTED_PARAMETER(555, "5.5.4", "Unsupported parameter"),
  /** The declared or actual message size is over the limit (RFC 1870). */
  MESSAGE_TOO_BIG(552, "5.3.4", "Message size exceeds fixed maximum message size"),
  /** One RCPT too many. */
  TOO_MANY_RECIPIENTS(452, "4.5.3", "Too many recipients"),
  /** A message with a bare LF or bare CR (RFC 5321 §2.3.8); see the session's design note. */
  BARE_NEWLINE(550, "5.6.2", "Bare <CR> or <LF> in message; lines must end with <CR><LF>"),
  /** A message text line over the limit (1000 octets with CRLF, RFC 5321 §4.5.3.1.6). */
  MESSAGE_LINE_TOO_LONG(550, "5.6.0", "Message line too long"),
  /** A per-chunk BDAT acknowledgement. */
  CHUNK_RECEIVED(250, "2.0.0", "Chunk received"),
  /** The handler failed (threw); nothing is stored. */
  LOCAL_ERROR(451, "4.3.0", "Local error in processing");

  private final Reply reply;

  ServerReply(int code, String enhanced, String text) {
    this.reply = Reply.of(code, enhanced, text);
  }

  /** The built-in reply. */
  public Reply defaultReply() {
    return reply;
  }
}
