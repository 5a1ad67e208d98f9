package dev.sluice.simulator.smtp;

import dev.sluice.simulator.FaultInjector;
import dev.sluice.simulator.SendService;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.ServerReply;
import dev.sluice.smtp.SmtpDialect;
import dev.sluice.smtp.SmtpExtension;
import dev.sluice.smtp.SmtpLimits;
import dev.sluice.smtp.SmtpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The simulator's SES SMTP endpoint: talks like {@code email-smtp.<region>.amazonaws.com} (banner,
 * EHLO, STARTTLS before AUTH, AUTH before MAIL, SES reply texts, no PIPELINING) and sends each
 * message through the simulator's {@link SendService} with latency and faults injected.
 *
 * <p>Thread-safe: {@link #start()}, {@link #stop()} and {@link #port()} may be called from any
 * thread.
 */
public final class SesSmtpEndpoint implements AutoCloseable {
  /** The region used when none is given. */
  public static final String DEFAULT_REGION = "us-east-1";

  /** SES's SMTP message size limit (spec §6.3). */
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 40L * 1024 * 1024;

  /** The host name SES gives in its banner and EHLO reply (spec §5.2). */
  static final String HOSTNAME = "email-smtp.amazonaws.com";

  private static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String ALNUM = UPPER_DIGITS + "abcdefghijklmnopqrstuvwxyz";
  private static final Reply INVALID_ADDRESS = Reply.of(553, "<{address}> Invalid email address");

  private final SmtpServer server;

  private SesSmtpEndpoint(Builder b) {
    SecureRandom random = new SecureRandom();
    String instance = "SimpleEmailService-d-" + randomText(random, 9, UPPER_DIGITS);
    Set<SmtpExtension> extensions = EnumSet.of(SmtpExtension.EIGHTBITMIME, SmtpExtension.AUTH);
    if (b.tls != null) {
      extensions.add(SmtpExtension.STARTTLS);
    }
    SmtpDialect dialect =
        SmtpDialect.builder()
            .hostname(HOSTNAME)
            .greeting(() -> HOSTNAME + " ESMTP " + instance + " " + randomText(random, 20, ALNUM))
            .extensions(extensions)
            .authMechanisms(List.of("PLAIN", "LOGIN"))
            .authRequiresTls(b.tls != null)
            .authRequired(true)
            .convertIdnDomains(false) // SES takes punycode domains only
            .ehloTrailer("Ok")
            .reply(ServerReply.AUTH_SUCCEEDED, Reply.of(235, "Authentication successful."))
            .reply(ServerReply.AUTH_FAILED, Reply.of(535, "Authentication Credentials Invalid"))
            // SES writes this enhanced code into its text even though it does not offer
            // ENHANCEDSTATUSCODES.
            .reply(
                ServerReply.TIMEOUT, Reply.of(451, "4.4.2 Timeout waiting for data from client."))
            .reply(
                ServerReply.TOO_MANY_CONNECTIONS,
                Reply.of(421, "Too many concurrent SMTP connections"))
            .reply(ServerReply.MESSAGE_TOO_BIG, Reply.of(552, "Message is too long."))
            .reply(ServerReply.LOCAL_ERROR, SesSmtpReplies.INTERNAL_FAILURE)
            .reply(ServerReply.INVALID_SENDER, INVALID_ADDRESS)
            .reply(ServerReply.INVALID_RECIPIENT, INVALID_ADDRESS)
            .reply(ServerReply.NON_ASCII_ADDRESS, INVALID_ADDRESS)
            .build();
    SmtpLimits limits =
        SmtpLimits.defaults()
            .withConnections(b.maxConnections, b.maxConnections)
            .withTimeouts(b.idleTimeout, b.idleTimeout)
            .withMaxMessageSize(b.maxMessageSize)
            .withMaxRecipients(b.maxRecipients);
    SesSmtpHandler handler =
        new SesSmtpHandler(b.credentials, b.region, b.sendService, b.faults, b.hangLimit);
    this.server =
        new SmtpServer(
            new InetSocketAddress(b.bindAddress, b.port), b.tls, dialect, limits, handler);
  }

  /** A builder for an endpoint that sends through {@code sendService}. */
  public static Builder builder(SendService sendService) {
    return new Builder(sendService);
  }

  /** Binds and starts accepting connections. */
  public void start() throws IOException {
    server.start();
  }

  /** The bound port (useful after binding port 0). */
  public int port() {
    return server.port();
  }

  /** Closes the listener and every open session; idempotent. */
  public void stop() {
    server.stop();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private static String randomText(SecureRandom random, int length, String alphabet) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Configures a {@link SesSmtpEndpoint}; not thread-safe. */
  public static final class Builder {
    private final SendService sendService;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;
    private SSLContext tls;
    private Map<String, String> credentials = Map.of();
    private String region = DEFAULT_REGION;
    private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private FaultInjector faults = FaultInjector.none();
    private Duration hangLimit = Duration.ofMinutes(5);
    private Duration idleTimeout = Duration.ofSeconds(10);
    private int maxConnections = 1000;
    private int maxRecipients = 1000;

    private Builder(SendService sendService) {
      this.sendService = Objects.requireNonNull(sendService, "sendService");
    }

    /** Sets where to listen (default 127.0.0.1, port 0 = any free port). */
    public Builder bind(InetAddress address, int listenPort) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      if (listenPort < 0 || listenPort > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + listenPort);
      }
      this.port = listenPort;
      return this;
    }

    /**
     * Sets the TLS context for STARTTLS (default none: no STARTTLS, AUTH allowed in plain text).
     */
    public Builder tls(SSLContext context) {
      this.tls = context;
      return this;
    }

    /**
     * Sets the known credentials, access key id to secret access key (default empty: any user name
     * and password are taken, the user name as the access key id).
     */
    public Builder credentials(Map<String, String> accessKeyIdToSecret) {
      this.credentials = Map.copyOf(accessKeyIdToSecret);
      return this;
    }

    /** Sets the endpoint's region, which SMTP passwords depend on (default us-east-1). */
    public Builder region(String name) {
      this.region = Objects.requireNonNull(name, "region");
      return this;
    }

    /** Sets the message size limit in octets (default 40 MB). */
    public Builder maxMessageSize(long octets) {
      this.maxMessageSize = octets;
      return this;
    }

    /** Sets the fault injector (default none). */
    public Builder faults(FaultInjector injector) {
      this.faults = Objects.requireNonNull(injector, "faults");
      return this;
    }

    /** Sets how long an injected hang lasts at most (default 5 minutes). */
    public Builder hangLimit(Duration limit) {
      this.hangLimit = Objects.requireNonNull(limit, "hangLimit");
      return this;
    }

    /** Sets the idle timeout for commands and data (default 10 s, as SES, spec §5.5). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
      return this;
    }

    /** Sets the connection limit (default 1000, from any one client too). */
    public Builder maxConnections(int count) {
      this.maxConnections = count;
      return this;
    }

    /** Sets how many RCPT TO one transaction takes (default 1000; SES answers 250 beyond 50). */
    public Builder maxRecipients(int count) {
      this.maxRecipients = count;
      return this;
    }

    /** Builds the endpoint (not started). */
    public SesSmtpEndpoint build() {
      return new SesSmtpEndpoint(this);
    }
  }
}
