package dev.sluice.smtp.client;

import dev.sluice.smtp.Reply;
import dev.sluice.smtp.client.SendResult.Accepted;
import dev.sluice.smtp.client.SendResult.Failed;
import dev.sluice.smtp.client.SendResult.RecipientRefusal;
import dev.sluice.smtp.client.SendResult.Refused;
import dev.sluice.smtp.client.SendResult.Stage;
import dev.sluice.smtp.client.SmtpClientConfig.AuthMechanism;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * One SMTP client connection, made ready for mail by {@link #connect} (greeting, EHLO, STARTTLS,
 * EHLO again, AUTH) and then used for any number of messages with {@link #send}.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Blocking I/O, meant for virtual threads.</b> The conversation reads like RFC 5321: write a
 * command, read its reply. A sender that wants many messages in flight runs many connections on
 * many virtual threads (see {@link SmtpConnectionPool}); SES offers no pipelining, so that is where
 * its throughput comes from (spec §12.2). Rejected: an NIO state machine, which would turn each
 * step into a callback for no gain once threads are cheap.
 *
 * <p><b>Pipelining (RFC 2920).</b> When the server offers PIPELINING, MAIL, every RCPT and DATA go
 * out in one write and their replies are read in order, so a message costs two round trips (the
 * envelope, then the content) whatever its recipient count. Otherwise each command waits for its
 * reply. EHLO, STARTTLS and AUTH are never pipelined.
 *
 * <p><b>Refusals are values.</b> A server's refusal becomes {@link SendResult.Refused} with the
 * stage; an I/O error, a timeout or a malformed reply becomes {@link SendResult.Failed} and leaves
 * the connection closed ({@link #isUsable()} false). After a refused transaction the client sends
 * RSET so the next message starts clean. A 421 reply means the server is closing: the connection is
 * closed at once. When a transaction must be abandoned after the server already said 354 (only when
 * pipelining), closing the connection is the only way to stop without sending a message, as the
 * server discards an unfinished one.
 *
 * <p><b>Line endings.</b> Content is sent with CRLF line ends and dot-stuffing ({@link
 * DataEncoder}); a bare LF or CR becomes CRLF rather than being refused by the server.
 *
 * <p><b>Timeouts.</b> The connect timeout bounds the TCP connect; the read timeout bounds each
 * reply and the TLS handshake; the write timeout bounds each write ({@link TimedOutputStream}).
 *
 * <p><b>Size.</b> The bytes (socket, buffers, timeouts, the TLS upgrade) live in {@link Wire},
 * replies in {@link ReplyReader}, content in {@link DataEncoder}; what remains here, a little over
 * 500 lines, is the whole conversation in the order it happens (set-up, then the stepwise and the
 * pipelined transaction), which reads best in one place.
 *
 * <p>Not thread-safe: one connection is used by one thread at a time. Handing it to another thread
 * through a concurrent queue (as the pool does) is safe.
 */
public final class SmtpClient implements AutoCloseable {
  private final SmtpClientConfig config;
  private Wire wire;
  private Map<String, String> extensions = Map.of();
  private boolean tls;
  private boolean usable;
  private String heloName;
  private Stage stage = Stage.CONNECT;
  private int messages;

  private SmtpClient(SmtpClientConfig config) {
    this.config = config;
  }

  /**
   * Connects and prepares the connection for mail: greeting, EHLO (HELO if EHLO is refused),
   * STARTTLS and EHLO again when the configuration asks, then AUTH when it has credentials.
   *
   * @throws SmtpConnectException carrying the refusal or failure and its stage; the connection is
   *     closed
   */
  public static SmtpClient connect(SmtpClientConfig config) throws SmtpConnectException {
    Objects.requireNonNull(config, "config");
    SmtpClient c = new SmtpClient(config);
    SendResult refusal;
    try {
      refusal = c.prepare();
    } catch (IOException e) {
      c.close();
      throw new SmtpConnectException(new Failed(c.stage, describe(e), retryable(e)));
    }
    if (refusal != null) {
      if (refusal instanceof Refused r && r.reply().code() == 421) {
        c.close(); // the server is closing already
      } else {
        c.quit();
      }
      throw new SmtpConnectException(refusal);
    }
    c.usable = true;
    return c;
  }

  /**
   * Sends one message: MAIL FROM (with SIZE when offered), RCPT TO for each recipient, DATA and the
   * content. Never throws for refusals or I/O failures; they come back as results.
   *
   * @param from the envelope sender, or the empty string for the null path
   * @param recipients the envelope recipients, at least one
   * @param content the message, any line endings; not changed
   */
  public SendResult send(String from, List<String> recipients, byte[] content) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(content, "content");
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("a message needs at least one recipient");
    }
    if (!usable) {
      return new Failed(Stage.MAIL, "connection is closed", true);
    }
    if (!from.isEmpty() && !isWritableAddress(from)) {
      return new Failed(
          Stage.MAIL, "sender cannot be written as a path: " + printable(from), false);
    }
    for (String r : recipients) {
      if (!isWritableAddress(r)) {
        return new Failed(
            Stage.RCPT, "recipient cannot be written as a path: " + printable(r), false);
      }
    }
    messages++;
    DataEncoder.Measure measure = DataEncoder.measure(content);
    String mail = mailCommand(from, measure);
    try {
      return pipelining()
          ? sendPipelined(mail, recipients, content)
          : sendStepwise(mail, recipients, content);
    } catch (IOException e) {
      close();
      return new Failed(stage, describe(e), true);
    }
  }

  /** Sends NOOP and returns the reply; a failure closes the connection. */
  public Reply noop() throws IOException {
    requireUsable();
    try {
      return exchange("NOOP");
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /** Whether the connection can take another message (not closed, broken or told to close). */
  public boolean isUsable() {
    return usable;
  }

  /** Whether this connection pipelines: the server offers PIPELINING and the config allows it. */
  public boolean pipelining() {
    return config.pipelining() && extensions.containsKey("PIPELINING");
  }

  /** Whether STARTTLS succeeded on this connection. */
  public boolean tlsActive() {
    return tls;
  }

  /** The server's EHLO extensions: upper-case keyword to its parameters (empty when none). */
  public Map<String, String> extensions() {
    return extensions;
  }

  /** How many messages {@link #send} has started on this connection. */
  public int messagesSent() {
    return messages;
  }

  /** How many times the client flushed to the network: a count of its round trips, for tests. */
  long flushCount() {
    return wire.flushes();
  }

  /** Says QUIT, waits for the reply (at most the read timeout), and closes; never throws. */
  public void quit() {
    if (wire != null && wire.isOpen()) {
      try {
        wire.exchange("QUIT");
      } catch (IOException e) {
        // closing anyway
      }
    }
    close();
  }

  /** Closes the connection without QUIT; idempotent. */
  @Override
  public void close() {
    usable = false;
    if (wire != null) {
      wire.close();
    }
  }

  // ---- connection set-up -----------------------------------------------------------------------

  /** Returns null when ready, or the refusal; throws on I/O failures. */
  private SendResult prepare() throws IOException {
    stage = Stage.CONNECT;
    wire =
        Wire.open(
            config.host(),
            config.port(),
            config.connectTimeout(),
            config.readTimeout(),
            config.writeTimeout());
    heloName = config.heloName() != null ? config.heloName() : wire.localAddressLiteral();

    stage = Stage.GREETING;
    Reply greeting = wire.read();
    if (greeting.code() != 220) {
      return new Refused(Stage.GREETING, greeting, List.of());
    }
    SendResult r = ehlo();
    if (r != null) {
      return r;
    }
    boolean offered = extensions.containsKey("STARTTLS");
    switch (config.startTls()) {
      case NEVER -> {}
      case IF_OFFERED -> r = offered ? startTls() : null;
      case REQUIRED ->
          r = offered ? startTls() : new Failed(Stage.TLS, "server does not offer STARTTLS", false);
    }
    if (r != null) {
      return r;
    }
    return config.credentials() == null ? null : authenticate();
  }

  private SendResult ehlo() throws IOException {
    stage = Stage.EHLO;
    Reply r = exchange("EHLO " + heloName);
    if (r.code() == 250) {
      extensions = parseExtensions(r);
      return null;
    }
    if (r.isPermanent()) { // an RFC 821 server: fall back to HELO (RFC 5321 §3.2)
      Reply helo = exchange("HELO " + heloName);
      if (helo.code() == 250) {
        extensions = Map.of();
        return null;
      }
      return new Refused(Stage.EHLO, helo, List.of());
    }
    return new Refused(Stage.EHLO, r, List.of());
  }

  private SendResult startTls() throws IOException {
    stage = Stage.TLS;
    Reply r = exchange("STARTTLS");
    if (r.code() != 220) {
      return new Refused(Stage.TLS, r, List.of());
    }
    SSLContext context;
    try {
      context = config.tlsContext() != null ? config.tlsContext() : SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      return new Failed(Stage.TLS, "no default TLS context: " + e.getMessage(), false);
    }
    wire.upgradeToTls(context, config.host(), config.port(), config.verifyHostname());
    // RFC 3207 §4.2: forget everything learnt before TLS (the wire dropped buffered input).
    tls = true;
    extensions = Map.of();
    return ehlo();
  }

  private SendResult authenticate() throws IOException {
    stage = Stage.AUTH;
    String offered = extensions.get("AUTH");
    if (offered == null) {
      return new Failed(
          Stage.AUTH, "server does not offer AUTH" + (tls ? "" : " without TLS"), false);
    }
    Set<String> mechanisms = Set.of(offered.toUpperCase(Locale.ROOT).split("\\s+"));
    AuthMechanism chosen = chooseMechanism(mechanisms);
    if (chosen == null) {
      return new Failed(
          Stage.AUTH, "server offers neither AUTH PLAIN nor LOGIN: " + offered, false);
    }
    SmtpCredentials c = config.credentials();
    Reply r;
    if (chosen == AuthMechanism.PLAIN) {
      r = exchange("AUTH PLAIN " + base64("\0" + c.username() + "\0" + c.password()));
    } else {
      r = exchange("AUTH LOGIN");
      if (r.code() == 334) {
        r = exchange(base64(c.username()));
      }
      if (r.code() == 334) {
        r = exchange(base64(c.password()));
      }
    }
    return r.code() == 235 ? null : new Refused(Stage.AUTH, r, List.of());
  }

  private AuthMechanism chooseMechanism(Set<String> offered) {
    if (config.authMechanism() != null && offered.contains(config.authMechanism().name())) {
      return config.authMechanism();
    }
    for (AuthMechanism m : AuthMechanism.values()) {
      if (offered.contains(m.name())) {
        return m;
      }
    }
    return null;
  }

  // ---- transactions ----------------------------------------------------------------------------

  private SendResult sendStepwise(String mail, List<String> recipients, byte[] content)
      throws IOException {
    stage = Stage.MAIL;
    Reply r = exchange(mail);
    if (r.code() / 100 != 2) {
      return abandon(Stage.MAIL, r, List.of());
    }
    stage = Stage.RCPT;
    List<String> accepted = new ArrayList<>(recipients.size());
    List<RecipientRefusal> refused = new ArrayList<>();
    for (String rcpt : recipients) {
      r = exchange("RCPT TO:<" + rcpt + ">");
      if (r.code() / 100 == 2) {
        accepted.add(rcpt);
      } else {
        refused.add(new RecipientRefusal(rcpt, r));
        if (r.code() == 421) {
          return closing(new Refused(Stage.RCPT, r, refused));
        }
      }
    }
    if (accepted.isEmpty() || (config.allRecipientsRequired() && !refused.isEmpty())) {
      return abandon(Stage.RCPT, refused.get(0).reply(), refused);
    }
    stage = Stage.DATA;
    r = exchange("DATA");
    if (r.code() != 354) {
      return abandon(Stage.DATA, r, refused);
    }
    return content(content, accepted, refused);
  }

  private SendResult sendPipelined(String mail, List<String> recipients, byte[] content)
      throws IOException {
    stage = Stage.MAIL;
    wire.command(mail);
    for (String rcpt : recipients) {
      wire.command("RCPT TO:<" + rcpt + ">");
    }
    wire.command("DATA");
    wire.flush();

    Reply mailReply = wire.read();
    if (mailReply.code() == 421) {
      return closing(new Refused(Stage.MAIL, mailReply, List.of()));
    }
    stage = Stage.RCPT;
    List<String> accepted = new ArrayList<>(recipients.size());
    List<RecipientRefusal> refused = new ArrayList<>();
    for (String rcpt : recipients) {
      Reply r = wire.read();
      if (r.code() / 100 == 2) {
        accepted.add(rcpt);
      } else {
        refused.add(new RecipientRefusal(rcpt, r));
        if (r.code() == 421) {
          return closing(new Refused(Stage.RCPT, r, refused));
        }
      }
    }
    stage = Stage.DATA;
    Reply data = wire.read();
    if (data.code() == 421) {
      return closing(new Refused(Stage.DATA, data, refused));
    }
    SendResult abandoned = null;
    if (mailReply.code() / 100 != 2) {
      abandoned = new Refused(Stage.MAIL, mailReply, List.of());
    } else if (accepted.isEmpty() || (config.allRecipientsRequired() && !refused.isEmpty())) {
      abandoned = new Refused(Stage.RCPT, refused.get(0).reply(), refused);
    }
    if (abandoned != null) {
      // RFC 2920 §3.1: the server may have said 354 all the same; only closing stops the data.
      return data.code() == 354 ? closing(abandoned) : reset(abandoned);
    }
    if (data.code() != 354) {
      return abandon(Stage.DATA, data, refused);
    }
    return content(content, accepted, refused);
  }

  /** Sends the content after a 354 and reads the verdict; the transaction ends either way. */
  private SendResult content(byte[] content, List<String> accepted, List<RecipientRefusal> refused)
      throws IOException {
    wire.data(content);
    wire.flush();
    Reply r = wire.read();
    if (r.code() / 100 == 2) {
      return new Accepted(r, accepted, refused);
    }
    Refused refusal = new Refused(Stage.DATA, r, refused);
    return r.code() == 421 ? closing(refusal) : refusal;
  }

  /** Ends a refused transaction: closes on 421, else sends RSET. */
  private SendResult abandon(Stage where, Reply reply, List<RecipientRefusal> refused) {
    Refused refusal = new Refused(where, reply, refused);
    return reply.code() == 421 ? closing(refusal) : reset(refusal);
  }

  /** Sends RSET; a connection that fails it is closed, and the refusal stands either way. */
  private SendResult reset(SendResult refusal) {
    try {
      if (exchange("RSET").code() != 250) {
        close();
      }
    } catch (IOException e) {
      close();
    }
    return refusal;
  }

  private SendResult closing(SendResult result) {
    close();
    return result;
  }

  private String mailCommand(String from, DataEncoder.Measure measure) {
    StringBuilder sb = new StringBuilder(40 + from.length()).append("MAIL FROM:<").append(from);
    sb.append('>');
    if (extensions.containsKey("SIZE")) {
      sb.append(" SIZE=").append(measure.size());
    }
    if (measure.eightBit() && extensions.containsKey("8BITMIME")) {
      sb.append(" BODY=8BITMIME");
    }
    return sb.toString();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Reply exchange(String line) throws IOException {
    return wire.exchange(line);
  }

  private void requireUsable() throws IOException {
    if (!usable) {
      throw new IOException("connection is closed");
    }
  }

  private static Map<String, String> parseExtensions(Reply ehlo) {
    Map<String, String> ext = new HashMap<>();
    List<String> lines = ehlo.lines();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int sp = line.indexOf(' ');
      String keyword = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
      String params = sp < 0 ? "" : line.substring(sp + 1).strip();
      if (keyword.startsWith("AUTH=")) { // pre-RFC 4954 servers
        ext.putIfAbsent("AUTH", keyword.substring(5) + (params.isEmpty() ? "" : " " + params));
      } else if (!keyword.isEmpty()) {
        ext.put(keyword, params);
      }
    }
    return Map.copyOf(ext);
  }

  /** Printable ASCII without spaces or angle brackets: safe inside {@code <...>} on one line. */
  private static boolean isWritableAddress(String a) {
    if (a.isEmpty() || a.length() > 254) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '<' || c == '>') {
        return false;
      }
    }
    return true;
  }

  private static String printable(String s) {
    return "'" + s.replaceAll("[^\\x20-\\x7e]", "?") + "'";
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** A certificate the client does not trust will not become trusted by trying again. */
  private static boolean retryable(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateException) {
        return false;
      }
    }
    return true;
  }
}
