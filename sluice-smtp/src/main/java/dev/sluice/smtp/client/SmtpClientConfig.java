package dev.sluice.smtp.client;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How to reach one SMTP server and what to demand of it: address, TLS and AUTH policy, timeouts,
 * and whether to pipeline. Built with {@link #builder(String, int)}.
 *
 * <p>Immutable; thread-safe.
 *
 * @param host the server's host name or address; also the name checked against its certificate
 * @param port the server's port
 * @param startTls when to upgrade with STARTTLS
 * @param tlsContext the context for STARTTLS, or {@code null} for the JDK's default (system trust)
 * @param verifyHostname whether the certificate must name {@code host} (RFC 6125), as HTTPS does
 * @param credentials what to AUTH with, or {@code null} to send without AUTH
 * @param authMechanism the mechanism to prefer when the server offers it, or {@code null} for
 *     PLAIN, then LOGIN
 * @param heloName the name for EHLO/HELO, or {@code null} for the local address literal
 * @param connectTimeout how long the TCP connect may take
 * @param readTimeout how long to wait for each reply (and each TLS handshake read)
 * @param writeTimeout how long one write may block without the server reading
 * @param pipelining whether to pipeline (RFC 2920) when the server offers PIPELINING
 * @param allRecipientsRequired whether a transaction is abandoned (nothing sent) unless every
 *     recipient is accepted; otherwise the message goes to those accepted
 */
public record SmtpClientConfig(
    String host,
    int port,
    StartTls startTls,
    SSLContext tlsContext,
    boolean verifyHostname,
    SmtpCredentials credentials,
    AuthMechanism authMechanism,
    String heloName,
    Duration connectTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    boolean pipelining,
    boolean allRecipientsRequired) {

  /** When to upgrade a connection with STARTTLS (RFC 3207). */
  public enum StartTls {
    /** Never; stay in plain text. */
    NEVER,
    /** When the server offers it. */
    IF_OFFERED,
    /** Always; a server that does not offer it is a failure. */
    REQUIRED
  }

  /** The AUTH mechanisms this client speaks (RFC 4954). */
  public enum AuthMechanism {
    /** One round trip: {@code AUTH PLAIN base64(\0user\0password)} (RFC 4616). */
    PLAIN,
    /** Two challenges, user name then password. */
    LOGIN
  }

  /** Checks every field. */
  public SmtpClientConfig {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
    Objects.requireNonNull(startTls, "startTls");
    positive(connectTimeout, "connectTimeout");
    positive(readTimeout, "readTimeout");
    positive(writeTimeout, "writeTimeout");
    if (heloName != null && (heloName.isBlank() || heloName.chars().anyMatch(c -> c <= ' '))) {
      throw new IllegalArgumentException("heloName must be one printable word, got " + heloName);
    }
  }

  /**
   * A builder for {@code host:port} with STARTTLS when offered, hostname verification, no AUTH,
   * pipelining, 10 s connect and 60 s read and write timeouts.
   */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder(host, port);
    b.startTls = startTls;
    b.tlsContext = tlsContext;
    b.verifyHostname = verifyHostname;
    b.credentials = credentials;
    b.authMechanism = authMechanism;
    b.heloName = heloName;
    b.connectTimeout = connectTimeout;
    b.readTimeout = readTimeout;
    b.writeTimeout = writeTimeout;
    b.pipelining = pipelining;
    b.allRecipientsRequired = allRecipientsRequired;
    return b;
  }

  @Override
  public String toString() {
    return "SmtpClientConfig["
        + host
        + ":"
        + port
        + ", startTls="
        + startTls
        + ", auth="
        + (credentials == null ? "none" : credentials.username())
        + "]";
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }

  /** Builds a {@link SmtpClientConfig}; not thread-safe. */
  public static final class Builder {
    private final String host;
    private final int port;
    private StartTls startTls = StartTls.IF_OFFERED;
    private SSLContext tlsContext;
    private boolean verifyHostname = true;
    private SmtpCredentials credentials;
    private AuthMechanism authMechanism;
    private String heloName;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration writeTimeout = Duration.ofSeconds(60);
    private boolean pipelining = true;
    private boolean allRecipientsRequired;

    private Builder(String host, int port) {
      this.host = host;
      this.port = port;
    }

    /** Sets when to use STARTTLS and the context for it ({@code null}: the JDK default). */
    public Builder startTls(StartTls when, SSLContext context) {
      this.startTls = when;
      this.tlsContext = context;
      return this;
    }

    /** Sets whether the server certificate must name the host (default true). */
    public Builder verifyHostname(boolean verify) {
      this.verifyHostname = verify;
      return this;
    }

    /** Sets the AUTH credentials (default none). */
    public Builder credentials(SmtpCredentials creds) {
      this.credentials = creds;
      return this;
    }

    /** Sets the preferred AUTH mechanism (default PLAIN, then LOGIN). */
    public Builder authMechanism(AuthMechanism mechanism) {
      this.authMechanism = mechanism;
      return this;
    }

    /** Sets the EHLO name (default the local address literal, e.g. {@code [127.0.0.1]}). */
    public Builder heloName(String name) {
      this.heloName = name;
      return this;
    }

    /** Sets the connect timeout. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** Sets the timeout for each reply. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    /** Sets the timeout for each write. */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = timeout;
      return this;
    }

    /** Sets whether to pipeline when offered (default true). */
    public Builder pipelining(boolean use) {
      this.pipelining = use;
      return this;
    }

    /** Sets whether every recipient must be accepted before the message is sent (default false). */
    public Builder allRecipientsRequired(boolean required) {
      this.allRecipientsRequired = required;
      return this;
    }

    /** Builds the configuration. */
    public SmtpClientConfig build() {
      return new SmtpClientConfig(
          host,
          port,
          startTls,
          tlsContext,
          verifyHostname,
          credentials,
          authMechanism,
          heloName,
          connectTimeout,
          readTimeout,
          writeTimeout,
          pipelining,
          allRecipientsRequired);
    }
  }
}
