package dev.sluice.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection, from greeting to close: reads commands, keeps the session and transaction
 * state, and asks the {@link SmtpHandler} at each decision.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Blocking I/O, one virtual thread per connection.</b> SMTP is a strict conversation, so the
 * session reads like the RFC: read a line, act, answer. Virtual threads make a blocked read cost a
 * few hundred bytes rather than a platform thread, so ten thousand idle clients are cheap, and the
 * handler may block (a durable spool write, injected latency) without callbacks. Rejected: a Netty
 * or NIO state machine (each step becomes a callback; the handler could not block without a second
 * thread pool), and platform thread pools (a fixed pool caps concurrent sessions at the pool size,
 * which is the very limit SES throughput tests need to exceed).
 *
 * <p><b>Pipelining.</b> Replies are buffered and flushed only when the next read would block, i.e.
 * when the client's batch is used up (RFC 2920 §3.2). A client that does not pipeline sees no
 * difference. Commands are taken in order even when PIPELINING is not offered.
 *
 * <p><b>Line endings.</b> Commands may end in CRLF or bare LF (lenient, harmless: a command is one
 * line). In message data only {@code CRLF . CRLF} ends the message, and a message with any bare LF
 * or bare CR is read to its end and refused with {@link ServerReply#BARE_NEWLINE} (550 5.6.2): RFC
 * 5321 §2.3.8 forbids them, and accepting them is what made 2023's SMTP smuggling possible when
 * another hop reads the line ends differently. Rejected: silently converting to CRLF (changes
 * signed content) and disconnecting (the client never learns why).
 *
 * <p><b>Limits.</b> Every buffer has a bound (line lengths, message size, recipients); refused
 * commands are counted and the session closed after too many. Writes have no timeout of their own:
 * a client that never reads its replies blocks the session until it closes or the server stops (the
 * kernel's send buffer bounds the memory).
 *
 * <p><b>Timeouts without timed reads.</b> The session's reads never carry {@code SO_TIMEOUT}: on a
 * virtual thread a read with a timeout parks with a timeout, so the JDK schedules a timer and
 * cancels it for every read that blocks, which was about a tenth of the relay's CPU at full accept
 * rate. Instead, before each read that may block the session records, under {@link #turn}, the
 * deadline of that read and what happens when it passes: the command timeout between commands and
 * in an AUTH exchange or a TLS handshake (all of which end in {@link ServerReply#TIMEOUT}), the
 * data timeout for each read of a message (DATA and BDAT), the handler's limit while hanging, and
 * {@link #LINGER} while waiting for the client to close (both of which end in a close). The
 * server's sweeper ({@link SmtpServer}) looks at the deadlines a few times per shortest limit and
 * calls {@link #expireIfOverdue}: a session whose read has waited too long is taken over as below
 * and answered 421 4.4.2, or closed. A session is overdue only while it waits for input: flushing
 * its replies, calling the handler, and the time between storing a message and queuing its 250 all
 * happen with no deadline set, so a session busy writing to a client that does not read, or one
 * whose message is being stored, is never cut short by a read limit. Each read's deadline is its
 * own, as {@code SO_TIMEOUT} was: a client that sends something within each limit is never timed
 * out; the TLS handshake, whose reads happen inside the JDK, is one wait with the command timeout.
 * Rejected: a timer per session (the same scheduling cost, moved), and closing the socket from the
 * sweeper (the client would not learn why).
 *
 * <p><b>STARTTLS</b> discards any input buffered after the command (RFC 3207 §4.2; the 2011
 * STARTTLS command injection), upgrades the socket, and forgets HELO, AUTH and the transaction.
 *
 * <p><b>Ending a session from outside</b> (server stop, idle sessions reaped under stress, read
 * limits). A session is either busy (calling the handler, answering), waiting for a command, or
 * waiting for input inside a command (message data, an AUTH response, the TLS handshake); which one
 * is kept under a small lock. The session thread marks itself waiting only around a read that would
 * block, after flushing its replies, and takes itself back when the read returns; in between it
 * only reads, so another thread may take it over (a stop or the stress reaper only while it waits
 * for a command, the sweeper at either wait's limit): it marks it ended, and a short-lived thread
 * writes the 421, half-closes the connection and closes it once the client has closed its side or
 * {@link #LINGER} has passed (a client that never reads or closes cannot hold the server). A busy
 * session is never cut short by a stop: it finishes the message in hand, answers it ({@code 250}
 * once stored, or the handler's refusal), and answers 421 itself at its next command boundary. Only
 * when the stop's grace has passed is anything closed without an answer. Rejected: closing the
 * socket (the old stop: a client that had sent its final dot got no reply though its message was
 * stored, and sent it again), interrupting the thread (a virtual thread blocked on a socket closes
 * it), and waking the read with {@code shutdownInput} (under TLS 1.2 the end of input closes the
 * output too, so the 421 could not be sent).
 *
 * <p><b>Size.</b> This file is longer than most because it is the whole RFC 5321 command set as one
 * state machine, read top to bottom; parsing lives beside it ({@link PathArgument}, {@link
 * MailParameters}, {@link AuthExchange}, {@link DataReader}), so what remains here is sequence,
 * state and replies.
 *
 * <p>Confined to its own thread, except {@link #drain()}, {@link #reapIfIdle}, {@link
 * #expireIfOverdue}, {@link #deadline()}, {@link #isDraining()} and {@link #abort()}, which any
 * thread may call.
 */
final class SmtpSession implements SessionInfo {
  private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

  /** RFC 4954 §4: a SASL response line may hold 12288 octets. */
  private static final int MAX_AUTH_LINE = 12288;

  /**
   * How long a session the server ends waits, after its last reply and half-close, for the client
   * to close its side before closing the connection (so the reply is not lost to a reset).
   */
  static final Duration LINGER = Duration.ofSeconds(2);

  /** {@link #deadline} when the session is not waiting for input under a limit. */
  private static final long NO_DEADLINE = Long.MIN_VALUE;

  /** Where the session stands, for a thread that wants to end it. */
  private enum Phase {
    /** Reading a message, calling the handler or answering: only the session thread acts. */
    BUSY,
    /** Waiting for a command with nothing queued: another thread may end it. */
    AWAITING,
    /**
     * Waiting for input inside a command (message data, an AUTH response, the TLS handshake) with
     * nothing queued: only its read limit ends it from outside.
     */
    READING,
    /** Hanging as the handler asked: nothing is owed to the client. */
    HANGING,
    /** Ended by another thread, which answers and closes. */
    ENDED
  }

  /** The commands a reply can be counted under; anything else is counted under none. */
  private static final Set<String> KNOWN_VERBS =
      Set.of(
          "EHLO",
          "HELO",
          "MAIL",
          "RCPT",
          "DATA",
          "BDAT",
          "RSET",
          "NOOP",
          "QUIT",
          "HELP",
          "VRFY",
          "EXPN",
          "STARTTLS",
          "AUTH");

  private final long id;
  private final Socket raw;
  private final SSLContext tlsContext;
  private final SmtpDialect dialect;
  private final SmtpLimits limits;
  private final SmtpHandler handler;
  private final SmtpObserver observer;
  private final Runnable sweepSoon;
  private final InetSocketAddress remote;
  private final LineReader in;
  private final ReplyWriter out;
  private volatile Socket socket;
  private volatile Thread thread;

  private final Object turn = new Object();
  private Phase phase = Phase.BUSY; // guarded by turn
  private boolean draining; // guarded by turn
  private boolean waitStarted; // guarded by turn: the wait for this command has begun
  private long awaitingSince; // guarded by turn
  private volatile long deadline = NO_DEADLINE; // written under turn: when the current wait expires
  // guarded by turn: at the deadline, answer TIMEOUT and close (true) or only close (false)
  private boolean replyOnExpiry;
  private long readLimit; // the limit of the next read inside a command: command or data timeout
  private final CountDownLatch endReplySent = new CountDownLatch(1);
  private boolean endedElsewhere;
  private String verb = "";

  private boolean tls;
  private String heloName;
  private boolean extended;
  private String user;
  private int errors;
  private boolean closing;

  // The mail transaction: reversePath != null while one is open.
  private String reversePath;
  private Map<String, String> mailParameters = Map.of();
  private final List<String> recipients = new ArrayList<>();
  private DataReader.MessageBuffer chunks;

  SmtpSession(
      long id,
      Socket raw,
      SSLContext tlsContext,
      SmtpDialect dialect,
      SmtpLimits limits,
      SmtpHandler handler,
      SmtpObserver observer,
      Runnable sweepSoon)
      throws IOException {
    this.id = id;
    this.raw = raw;
    this.socket = raw;
    this.tlsContext = tlsContext;
    this.dialect = dialect;
    this.limits = limits;
    this.handler = handler;
    this.observer = observer;
    this.sweepSoon = sweepSoon;
    this.readLimit = limits.commandTimeout().toNanos();
    this.remote = (InetSocketAddress) raw.getRemoteSocketAddress();
    this.out =
        new ReplyWriter(
            raw.getOutputStream(),
            dialect.offers(SmtpExtension.ENHANCEDSTATUSCODES),
            r -> observer.replied(verb, r));
    this.in = new LineReader(raw.getInputStream(), readWait, observer::received);
  }

  /** Runs the session to its end; never throws. */
  void run() {
    thread = Thread.currentThread();
    try {
      raw.setTcpNoDelay(true);
      if (isDraining()) {
        endHere(dialect.reply(ServerReply.SHUTTING_DOWN)); // in place of the greeting (§3.1)
        return;
      }
      out.sendPlain(Reply.of(220, dialect.greeting()));
      while (!closing) {
        if (!nextCommand()) {
          break;
        }
        if (in.overflowed()) {
          error(ServerReply.LINE_TOO_LONG);
          continue;
        }
        command(new String(in.line(), 0, in.length(), StandardCharsets.UTF_8));
      }
      if (!endedElsewhere) {
        out.flush();
      }
    } catch (IOException e) {
      log.debug("session {}: connection ended: {}", id, e.toString());
    } catch (RuntimeException e) {
      log.warn("session {}: internal error", id, e);
      sendFinal(Reply.of(421, "4.3.0", "Internal error, closing connection"));
    } finally {
      if (endedElsewhere) {
        awaitEndReply();
        discardUntilClosed();
      }
      closeQuietly(socket);
      closeQuietly(raw);
    }
  }

  /**
   * Reads the next command line into {@link #in}. Replies queued so far go out only when the read
   * would block (RFC 2920), and only then may another thread end the session (see {@link
   * #commandWait}).
   *
   * @return false when the session is over: end of stream, another thread ended it while it waited,
   *     or the server is stopping (then it has been answered here)
   */
  private boolean nextCommand() throws IOException {
    boolean stopping;
    synchronized (turn) {
      stopping = draining;
      waitStarted = false;
    }
    verb = "";
    if (stopping) {
      endHere(dialect.reply(ServerReply.SHUTTING_DOWN));
      return false;
    }
    try {
      return in.readLine(limits.maxCommandLine(), commandWait);
    } catch (EndedElsewhere e) {
      return false;
    } catch (StopBeforeWaiting e) {
      endHere(dialect.reply(ServerReply.SHUTTING_DOWN));
      return false;
    }
  }

  /**
   * Around each blocking read for a command: flush, then mark the session waiting, so another
   * thread may end it; afterwards take it back, or learn that it was ended. Between the two the
   * session thread only reads, so the ending thread's writes never meet its own.
   */
  private final LineReader.Wait commandWait =
      new LineReader.Wait() {
        @Override
        public void before() throws IOException {
          out.flush();
          synchronized (turn) {
            if (draining) {
              throw new StopBeforeWaiting(); // the stop came as the replies went out
            }
            phase = Phase.AWAITING;
            long now = System.nanoTime();
            if (!waitStarted) {
              waitStarted = true;
              awaitingSince = now; // idle since the wait for this command began
            }
            expireAt(now, limits.commandTimeout().toNanos(), true);
          }
        }

        @Override
        public void after() throws IOException {
          backToBusy();
        }
      };

  /**
   * Around each blocking read inside a command (message data, an AUTH response): flush, then set
   * the deadline of the read ({@link #readLimit}); afterwards clear it, or learn that the sweeper
   * ended the session while it waited.
   */
  private final LineReader.Wait readWait =
      new LineReader.Wait() {
        @Override
        public void before() throws IOException {
          out.flush();
          awaitInput();
        }

        @Override
        public void after() throws IOException {
          backToBusy();
        }
      };

  /** Marks the session waiting for input inside a command, under {@link #readLimit}. */
  private void awaitInput() {
    synchronized (turn) {
      phase = Phase.READING;
      expireAt(System.nanoTime(), readLimit, true);
    }
  }

  /** Ends a wait for input: clears its deadline, or throws if another thread ended the session. */
  private void backToBusy() throws EndedElsewhere {
    synchronized (turn) {
      deadline = NO_DEADLINE;
      if (phase == Phase.ENDED) {
        endedElsewhere = true;
        throw new EndedElsewhere();
      }
      phase = Phase.BUSY;
    }
  }

  private void clearDeadline() {
    synchronized (turn) {
      deadline = NO_DEADLINE;
    }
  }

  /** Sets the deadline of the wait beginning now. Called holding {@link #turn}. */
  private void expireAt(long now, long limitNanos, boolean reply) {
    replyOnExpiry = reply;
    long at = now + limitNanos;
    deadline = at == NO_DEADLINE ? at + 1 : at;
  }

  /**
   * The deadline of the session's current wait for input on the {@link System#nanoTime()} scale, or
   * {@link Long#MIN_VALUE} when it is not waiting under a limit. Any thread.
   */
  long deadline() {
    return deadline;
  }

  /**
   * Ends the session if its current wait for input has passed its limit: a session waiting for a
   * command or for input inside one is answered {@link ServerReply#TIMEOUT} and closed as {@link
   * #reapIfIdle} does; a hanging or lingering one is closed. Never blocks; any thread.
   *
   * @return whether it was ended
   */
  boolean expireIfOverdue(long nowNanos) {
    long d = deadline;
    if (d == NO_DEADLINE || nowNanos - d < 0) {
      return false;
    }
    synchronized (turn) {
      d = deadline;
      if (d == NO_DEADLINE || nowNanos - d < 0) {
        return false; // the read returned in the meantime
      }
      deadline = NO_DEADLINE;
      if (replyOnExpiry && (phase == Phase.AWAITING || phase == Phase.READING)) {
        log.debug("session {}: timeout", id);
        endFromOutside(dialect.reply(ServerReply.TIMEOUT));
      } else {
        closeConnection();
      }
      return true;
    }
  }

  /** Thrown before a read for a command when the server began to stop after the last check. */
  private static final class StopBeforeWaiting extends IOException {
    private static final long serialVersionUID = 1L;

    StopBeforeWaiting() {
      super("the server is stopping", null);
    }
  }

  /** Thrown out of a read when another thread ended the session while it waited. */
  private static final class EndedElsewhere extends IOException {
    private static final long serialVersionUID = 1L;

    EndedElsewhere() {
      super("ended by the server", null);
    }
  }

  /** Whether the server has asked the session to end (see {@link #drain()}). Any thread. */
  boolean isDraining() {
    synchronized (turn) {
      return draining;
    }
  }

  /**
   * The server is stopping: a session waiting for a command is answered {@link
   * ServerReply#SHUTTING_DOWN} and closed now, a hanging one is closed, and a busy one finishes and
   * answers what it is doing, then is answered the same at its next command boundary. Never blocks.
   */
  void drain() {
    synchronized (turn) {
      draining = true;
      if (phase == Phase.AWAITING) {
        endFromOutside(dialect.reply(ServerReply.SHUTTING_DOWN));
      } else if (phase == Phase.HANGING) {
        abort();
      }
    }
  }

  /**
   * Ends the session with {@link ServerReply#TIMEOUT} if it has waited for a command for {@code
   * idleNanos} or longer (the server is under stress). Never blocks.
   *
   * @return whether it was ended
   */
  boolean reapIfIdle(long nowNanos, long idleNanos) {
    synchronized (turn) {
      if (phase != Phase.AWAITING || nowNanos - awaitingSince < idleNanos) {
        return false;
      }
      log.debug("session {}: idle while the server is under stress, closing", id);
      endFromOutside(dialect.reply(ServerReply.TIMEOUT));
      return true;
    }
  }

  /**
   * Takes over a session waiting for a command: a short-lived thread sends the reply, half-closes,
   * and closes once the session thread has seen the client close or {@link #LINGER} has passed.
   * Called holding {@link #turn}.
   */
  private void endFromOutside(Reply reply) {
    phase = Phase.ENDED;
    deadline = NO_DEADLINE; // the ending thread bounds what is left
    Thread session = thread;
    Thread.ofVirtual()
        .name("smtp-end-" + id)
        .start(
            () -> {
              try {
                out.send(reply);
                out.flush();
                socket.shutdownOutput();
              } catch (IOException | RuntimeException e) {
                log.debug("session {}: could not send {}: {}", id, reply, e.toString());
              } finally {
                endReplySent.countDown();
              }
              try {
                if (session != null) {
                  session.join(LINGER);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              closeQuietly(socket);
              closeQuietly(raw);
            });
  }

  /** Answers a last time on the session thread, half-closes, and reads until the client closes. */
  private void endHere(Reply reply) throws IOException {
    closing = true;
    out.send(reply);
    out.flush();
    socket.shutdownOutput();
    discardUntilClosed();
  }

  private void awaitEndReply() {
    try {
      endReplySent.await(LINGER.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Reads and drops what the client still sends until it closes, for at most {@link #LINGER} (the
   * sweeper closes the connection then), so that closing with unread input does not reset the
   * connection before the last reply is read.
   */
  private void discardUntilClosed() {
    synchronized (turn) {
      expireAt(System.nanoTime(), LINGER.toNanos(), false);
    }
    try {
      while (in.discardSome()) {
        // dropped
      }
    } catch (IOException e) {
      // reset, or closed by the sweeper: done either way
    } finally {
      clearDeadline();
    }
  }

  /** Closes the connection without a word, waking the session thread's read. */
  private void closeConnection() {
    closeQuietly(socket);
    closeQuietly(raw);
  }

  /** Closes the connection from another thread (server stop) and wakes the session thread. */
  void abort() {
    closeConnection();
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  /** The session's thread once running, for joining on stop. */
  Thread thread() {
    return thread;
  }

  private void command(String line) throws IOException {
    int sp = line.indexOf(' ');
    String name = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
    String args = sp < 0 ? "" : line.substring(sp + 1).strip();
    verb = KNOWN_VERBS.contains(name) ? name : "";
    switch (name) {
      case "EHLO" -> helo(args, true);
      case "HELO" -> helo(args, false);
      case "MAIL" -> mail(args);
      case "RCPT" -> rcpt(args);
      case "DATA" -> data(args);
      case "BDAT" -> bdat(args);
      case "RSET" -> simple(args, true);
      case "NOOP" -> simple("", false);
      case "QUIT" -> quit(args);
      case "HELP" -> reply(ServerReply.HELP);
      case "VRFY" -> reply(args.isEmpty() ? ServerReply.SYNTAX : ServerReply.VRFY);
      case "EXPN" -> error(ServerReply.NOT_IMPLEMENTED);
      case "STARTTLS" -> startTls(args);
      case "AUTH" -> auth(args);
      default -> error(ServerReply.UNKNOWN_COMMAND);
    }
  }

  private void helo(String args, boolean ehlo) throws IOException {
    String name = args.split(" ", 2)[0];
    if (name.isEmpty()) {
      error(
          dialect
              .reply(ServerReply.SYNTAX)
              .withText(ehlo ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
      return;
    }
    resetTransaction(); // RFC 5321 §4.1.4: EHLO/HELO mid-session acts as RSET
    heloName = name;
    extended = ehlo;
    if (!ehlo) {
      out.sendPlain(Reply.of(250, dialect.hostname()));
      return;
    }
    out.sendPlain(
        dialect.ehloReply(tlsContext != null && !tls, !authNeedsTls(), limits.maxMessageSize()));
  }

  private void mail(String args) throws IOException {
    if (heloName == null) {
      error(ServerReply.HELO_FIRST);
      return;
    }
    if (dialect.authRequired() && user == null) {
      boolean tlsFirst = authNeedsTls() && tlsContext != null;
      error(tlsFirst ? ServerReply.TLS_REQUIRED : ServerReply.AUTH_REQUIRED);
      return;
    }
    if (reversePath != null) {
      error(ServerReply.NESTED_MAIL);
      return;
    }
    PathArgument path = PathArgument.parse(args, "FROM", dialect.convertsIdnDomains());
    if (refusedPath(path, ServerReply.INVALID_SENDER)) {
      return;
    }
    ServerReply bad = MailParameters.check(path.parameters(), dialect, limits.maxMessageSize());
    if (bad != null) {
      error(bad);
      return;
    }
    Reply decision = ask(() -> handler.mailFrom(this, path.address(), path.parameters()));
    if (decision.code() / 100 == 2) {
      reversePath = path.address();
      mailParameters = path.parameters();
    }
    out.send(decision);
  }

  private void rcpt(String args) throws IOException {
    if (reversePath == null) {
      error(ServerReply.NEED_MAIL);
      return;
    }
    PathArgument path = PathArgument.parse(args, "TO", dialect.convertsIdnDomains());
    if (refusedPath(path, ServerReply.INVALID_RECIPIENT)) {
      return;
    }
    if (!path.parameters().isEmpty()) {
      error(ServerReply.UNSUPPORTED_PARAMETER);
      return;
    }
    if (recipients.size() >= limits.maxRecipients()) {
      reply(ServerReply.TOO_MANY_RECIPIENTS); // RFC 5321 §4.5.3.1.10
      return;
    }
    Reply decision = ask(() -> handler.rcptTo(this, path.address()));
    if (decision.code() / 100 == 2) {
      recipients.add(path.address());
    }
    out.send(decision);
  }

  /** Answers a path problem; true if there was one. */
  private boolean refusedPath(PathArgument path, ServerReply invalid) throws IOException {
    switch (path.problem()) {
      case NONE -> {
        return false;
      }
      case SYNTAX ->
          error(
              dialect
                  .reply(ServerReply.SYNTAX)
                  .withText(
                      invalid == ServerReply.INVALID_SENDER
                          ? "Syntax: MAIL FROM:<address>"
                          : "Syntax: RCPT TO:<address>"));
      case INVALID_ADDRESS -> error(addressReply(invalid, path.address(), path.reason()));
      case NON_ASCII ->
          error(addressReply(ServerReply.NON_ASCII_ADDRESS, path.address(), path.reason()));
    }
    return true;
  }

  private Reply addressReply(ServerReply which, String address, String reason) {
    Reply r = dialect.reply(which);
    return r.withText(r.text().replace("{address}", address).replace("{reason}", reason));
  }

  private void data(String args) throws IOException {
    if (!transactionReady(args)) {
      return;
    }
    if (chunks != null) {
      error(ServerReply.DATA_AFTER_BDAT);
      return;
    }
    out.send(dialect.reply(ServerReply.DATA_START));
    readLimit =
        limits.dataTimeout().toNanos(); // for each read of the message, as RFC 5321 §4.5.3.2.5
    DataReader.Body body = DataReader.read(in, limits.maxTextLine(), limits.maxMessageSize());
    readLimit = limits.commandTimeout().toNanos();
    if (body == null) {
      throw new EOFException("client went away during DATA");
    }
    switch (body.problem()) {
      case NONE -> deliver(body.message());
      case TOO_BIG -> finishWith(ServerReply.MESSAGE_TOO_BIG);
      case LINE_TOO_LONG -> finishWith(ServerReply.MESSAGE_LINE_TOO_LONG);
      case BARE_NEWLINE -> finishWith(ServerReply.BARE_NEWLINE);
    }
  }

  /** BDAT (RFC 3030): a chunk of exactly the given size, the last one marked LAST. */
  private void bdat(String args) throws IOException {
    if (!dialect.offers(SmtpExtension.CHUNKING)) {
      error(ServerReply.NOT_IMPLEMENTED);
      return;
    }
    String[] parts = args.split(" +");
    boolean last = parts.length == 2 && parts[1].equalsIgnoreCase("LAST");
    if (parts.length > 2 || (parts.length == 2 && !last) || !parts[0].matches("\\d{1,18}")) {
      error(dialect.reply(ServerReply.SYNTAX).withText("Syntax: BDAT size [LAST]"));
      return;
    }
    long size = Long.parseLong(parts[0]);
    // The chunk's octets follow whatever the answer, so read them before deciding (§2).
    DataReader.MessageBuffer target =
        reversePath != null && !recipients.isEmpty()
            ? (chunks != null ? chunks : new DataReader.MessageBuffer(limits.maxMessageSize()))
            : null;
    readLimit = limits.dataTimeout().toNanos();
    boolean whole =
        in.readExactly(
            size,
            (b, off, n) -> {
              if (target != null) {
                target.append(b, off, n);
              }
            });
    readLimit = limits.commandTimeout().toNanos();
    if (!whole) {
      throw new EOFException("client went away during BDAT");
    }
    if (target == null) {
      error(reversePath == null ? ServerReply.NEED_MAIL : ServerReply.NEED_RCPT);
      return;
    }
    chunks = target;
    if (!last) {
      out.send(dialect.reply(ServerReply.CHUNK_RECEIVED));
    } else if (target.overflowed()) {
      finishWith(ServerReply.MESSAGE_TOO_BIG);
    } else {
      byte[] message = target.toByteArray();
      if (DataReader.hasBareNewline(message)) {
        // The same rule as DATA: lines end with CRLF (RFC 5321 §2.3.8), whichever verb carried it.
        finishWith(ServerReply.BARE_NEWLINE);
      } else {
        deliver(message);
      }
    }
  }

  private boolean transactionReady(String args) throws IOException {
    if (!args.isEmpty()) {
      error(ServerReply.SYNTAX);
    } else if (reversePath == null) {
      error(ServerReply.NEED_MAIL);
    } else if (recipients.isEmpty()) {
      error(ServerReply.NEED_RCPT);
    } else {
      return true;
    }
    return false;
  }

  private void finishWith(ServerReply which) throws IOException {
    resetTransaction();
    reply(which);
  }

  private void deliver(byte[] message) throws IOException {
    SmtpEnvelope envelope = new SmtpEnvelope(reversePath, mailParameters, recipients);
    resetTransaction();
    DataResult result;
    try {
      result = handler.data(this, envelope, message);
    } catch (RuntimeException e) {
      log.warn("session {}: handler failed on data", id, e);
      result = DataResult.respond(dialect.reply(ServerReply.LOCAL_ERROR));
    }
    switch (result) {
      case DataResult.Respond r -> {
        out.send(r.reply());
        if (r.reply().code() / 100 == 2) {
          observer.messageAccepted(message.length);
        }
      }
      case DataResult.Reset r -> resetConnection();
      case DataResult.Hang h -> hang(h.limit());
    }
  }

  private void resetConnection() throws IOException {
    log.debug("session {}: resetting the connection as the handler asked", id);
    closing = true;
    raw.setSoLinger(true, 0); // close() now sends RST, not FIN
    raw.close();
  }

  private void hang(Duration limit) throws IOException {
    log.debug("session {}: hanging for up to {} as the handler asked", id, limit);
    closing = true;
    synchronized (turn) {
      if (draining) {
        return; // stopping: nothing is owed, close now
      }
      phase = Phase.HANGING;
    }
    out.flush();
    synchronized (turn) {
      // One limit for the whole hang, closed by the sweeper; a limit far off saturates.
      expireAt(System.nanoTime(), Math.min(limit.toNanos(), Long.MAX_VALUE / 4), false);
    }
    sweepSoon.run(); // the limit may be shorter than the sweeper's period
    try {
      while (in.discardSome()) {
        // the client's input is dropped: nothing is owed to it
      }
    } catch (IOException e) {
      // the hang limit passed (the sweeper closed the connection), or the server stopped
    } finally {
      clearDeadline();
    }
    closeQuietly(socket);
  }

  private void simple(String args, boolean rset) throws IOException {
    if (rset && !args.isEmpty()) {
      error(ServerReply.SYNTAX);
      return;
    }
    if (rset) {
      resetTransaction();
    }
    reply(ServerReply.OK);
  }

  private void quit(String args) throws IOException {
    reply(ServerReply.BYE);
    out.flush();
    closing = true;
  }

  private void startTls(String args) throws IOException {
    if (!dialect.offers(SmtpExtension.STARTTLS) || tlsContext == null) {
      error(ServerReply.TLS_NOT_AVAILABLE);
      return;
    }
    if (tls) {
      error(ServerReply.TLS_ALREADY_ACTIVE);
      return;
    }
    if (!args.isEmpty()) {
      error(ServerReply.SYNTAX);
      return;
    }
    in.discardBuffered(); // RFC 3207 §4.2 / command injection: nothing sent in plain text counts
    reply(ServerReply.START_TLS);
    out.flush();
    SSLSocket s =
        (SSLSocket)
            tlsContext
                .getSocketFactory()
                .createSocket(raw, remote.getHostString(), remote.getPort(), true);
    s.setUseClientMode(false);
    // The handshake's reads happen inside the JDK, so it is one wait under the command timeout.
    // Until it is done the session's socket stays the plain one: a timeout is answered and
    // half-closed there, as it was when the read timed out (the TLS layer is not yet usable).
    readLimit = limits.commandTimeout().toNanos();
    awaitInput();
    try {
      s.startHandshake();
    } finally {
      backToBusy(); // if the sweeper ended it, its EndedElsewhere replaces the handshake's failure
    }
    socket = s;
    in.setInput(s.getInputStream());
    out.setOutput(s.getOutputStream());
    tls = true;
    heloName = null; // RFC 3207 §4.2: forget everything; the client must EHLO again
    extended = false;
    user = null;
    resetTransaction();
  }

  private void auth(String args) throws IOException {
    if (!dialect.offers(SmtpExtension.AUTH)) {
      error(ServerReply.NOT_IMPLEMENTED);
      return;
    }
    if (heloName == null || !extended) {
      error(ServerReply.HELO_FIRST);
      return;
    }
    if (authNeedsTls()) {
      error(ServerReply.TLS_REQUIRED);
      return;
    }
    if (user != null) {
      error(ServerReply.AUTH_ALREADY_DONE);
      return;
    }
    if (reversePath != null) {
      error(ServerReply.AUTH_IN_TRANSACTION);
      return;
    }
    String[] parts = args.split(" +");
    String mechanism = parts[0].toUpperCase(Locale.ROOT);
    if (mechanism.isEmpty() || parts.length > 2) {
      error(
          dialect.reply(ServerReply.SYNTAX).withText("Syntax: AUTH mechanism [initial-response]"));
      return;
    }
    if (!dialect.authMechanisms().contains(mechanism)) {
      error(ServerReply.AUTH_MECHANISM_UNKNOWN);
      return;
    }
    AuthExchange.Result result =
        AuthExchange.run(mechanism, parts.length == 2 ? parts[1] : null, this::challenge);
    switch (result) {
      case AuthExchange.Refused r -> error(r.reply());
      case AuthExchange.Credentials c -> checkCredentials(c);
    }
  }

  /** Whether AUTH must wait for STARTTLS on this connection now. */
  private boolean authNeedsTls() {
    return dialect.authRequiresTls()
        && !tls
        && !(dialect.authWithoutTlsOnLoopback() && remote.getAddress().isLoopbackAddress());
  }

  private void checkCredentials(AuthExchange.Credentials c) throws IOException {
    boolean ok;
    try {
      ok = handler.authenticate(this, c.mechanism(), c.user(), c.password());
    } catch (RuntimeException e) {
      log.warn("session {}: authenticator failed", id, e);
      reply(ServerReply.AUTH_TEMPORARY_FAILURE);
      return;
    }
    if (ok) {
      user = c.user();
      reply(ServerReply.AUTH_SUCCEEDED);
    } else {
      log.debug("session {}: AUTH {} failed for user '{}'", id, c.mechanism(), c.user());
      error(ServerReply.AUTH_FAILED);
    }
  }

  private String challenge(String prompt) throws IOException {
    out.send(Reply.of(334, prompt));
    if (!in.readLine(MAX_AUTH_LINE)) {
      throw new EOFException("client went away during AUTH");
    }
    return in.overflowed()
        ? null
        : new String(in.line(), 0, in.length(), StandardCharsets.US_ASCII);
  }

  private Reply ask(Supplier<Reply> decision) {
    try {
      return decision.get();
    } catch (RuntimeException e) {
      log.warn("session {}: handler failed", id, e);
      return dialect.reply(ServerReply.LOCAL_ERROR);
    }
  }

  private void reply(ServerReply which) throws IOException {
    out.send(dialect.reply(which));
  }

  private void error(ServerReply which) throws IOException {
    error(dialect.reply(which));
  }

  /** Sends a refusal and counts it; too many end the session. */
  private void error(Reply reply) throws IOException {
    out.send(reply);
    if (++errors >= limits.maxErrors()) {
      log.debug("session {}: too many errors", id);
      out.send(dialect.reply(ServerReply.TOO_MANY_ERRORS));
      out.flush();
      closing = true;
    }
  }

  private void resetTransaction() {
    reversePath = null;
    mailParameters = Map.of();
    recipients.clear();
    chunks = null;
  }

  private void sendFinal(Reply reply) {
    try {
      out.send(reply);
      out.flush();
    } catch (IOException | RuntimeException e) {
      log.debug("session {}: could not send final reply: {}", id, e.toString());
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public boolean tlsActive() {
    return tls;
  }

  @Override
  public Optional<String> authenticatedUser() {
    return Optional.ofNullable(user);
  }

  @Override
  public Optional<String> heloName() {
    return Optional.ofNullable(heloName);
  }
}
