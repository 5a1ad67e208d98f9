package dev.sluice.smtp;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How one server presents itself and what it demands: host name, greeting, advertised extensions,
 * AUTH mechanisms and policy, and any of the server's own replies ({@link ServerReply}) reworded.
 * The relay's ingress uses the defaults; the SES simulator makes a dialect that talks like SES.
 *
 * <p>Immutable; thread-safe (the greeting supplier must be thread-safe too).
 */
public final class SmtpDialect {
  private final String hostname;
  private final Supplier<String> greeting;
  private final Set<SmtpExtension> extensions;
  private final List<String> authMechanisms;
  private final boolean authRequiresTls;
  private final boolean authWithoutTlsOnLoopback;
  private final boolean authRequired;
  private final boolean convertIdnDomains;
  private final boolean advertiseAuthBeforeTls;
  private final String ehloTrailer;
  private final Map<ServerReply, Reply> replies;

  private SmtpDialect(Builder b) {
    this.hostname = b.hostname;
    String host = b.hostname;
    this.greeting = b.greeting != null ? b.greeting : () -> host + " ESMTP Sluice";
    this.extensions = b.extensions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(b.extensions));
    this.authMechanisms = List.copyOf(b.authMechanisms);
    this.authRequiresTls = b.authRequiresTls;
    this.authWithoutTlsOnLoopback = b.authWithoutTlsOnLoopback;
    this.authRequired = b.authRequired;
    this.convertIdnDomains = b.convertIdnDomains;
    this.advertiseAuthBeforeTls = b.advertiseAuthBeforeTls;
    this.ehloTrailer = b.ehloTrailer;
    Map<ServerReply, Reply> all = new EnumMap<>(ServerReply.class);
    for (ServerReply r : ServerReply.values()) {
      all.put(r, b.replies.getOrDefault(r, r.defaultReply()));
    }
    this.replies = all;
  }

  /**
   * The defaults: every extension, AUTH PLAIN LOGIN only over TLS (loopback too), AUTH optional,
   * internationalized domains converted to ASCII.
   */
  public static SmtpDialect standard() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The name the server gives itself in EHLO and replies. */
  public String hostname() {
    return hostname;
  }

  /** The greeting text after {@code 220 }, asked once per connection. */
  public String greeting() {
    return greeting.get();
  }

  /** Whether an extension is switched on (advertised and accepted). */
  public boolean offers(SmtpExtension extension) {
    return extensions.contains(extension);
  }

  /** The AUTH mechanisms offered, upper case, in advertising order. */
  public List<String> authMechanisms() {
    return authMechanisms;
  }

  /** Whether AUTH is refused until STARTTLS has succeeded. */
  public boolean authRequiresTls() {
    return authRequiresTls;
  }

  /**
   * Whether a client on a loopback address may AUTH without TLS even when {@link
   * #authRequiresTls()}: its password never crosses a network.
   */
  public boolean authWithoutTlsOnLoopback() {
    return authWithoutTlsOnLoopback;
  }

  /**
   * Whether an address with a non-ASCII (internationalized) domain and an ASCII local part is
   * converted to its ASCII form ({@code xn--} labels) rather than refused. Addresses with a
   * non-ASCII local part are refused either way: SMTPUTF8 is not offered.
   */
  public boolean convertsIdnDomains() {
    return convertIdnDomains;
  }

  /**
   * Whether EHLO lists AUTH while AUTH would be refused for want of TLS (SES does; Postfix with
   * {@code smtpd_tls_auth_only} does not).
   */
  public boolean advertisesAuthBeforeTls() {
    return advertiseAuthBeforeTls;
  }

  /** Whether MAIL is refused until AUTH has succeeded. */
  public boolean authRequired() {
    return authRequired;
  }

  /** An extra last line of the EHLO reply (SES sends {@code 250 Ok}), or {@code null}. */
  public String ehloTrailer() {
    return ehloTrailer;
  }

  /** The reply this dialect gives for a server-made situation. */
  public Reply reply(ServerReply which) {
    return replies.get(which);
  }

  /**
   * The EHLO reply: host name, one line per offered extension, then the trailer if any.
   *
   * @param offerStartTls whether STARTTLS can be offered now (a TLS context, TLS not yet active)
   * @param authUsable whether AUTH would be taken now (else it is listed only when {@link
   *     #advertisesAuthBeforeTls()})
   * @param maxMessageSize the limit advertised with SIZE
   */
  Reply ehloReply(boolean offerStartTls, boolean authUsable, long maxMessageSize) {
    List<String> lines = new ArrayList<>();
    lines.add(hostname);
    for (SmtpExtension e : SmtpExtension.values()) {
      if (!extensions.contains(e)
          || (e == SmtpExtension.STARTTLS && !offerStartTls)
          || (e == SmtpExtension.AUTH && !authUsable && !advertiseAuthBeforeTls)) {
        continue;
      }
      switch (e) {
        case SIZE -> lines.add("SIZE " + maxMessageSize);
        case AUTH -> lines.add("AUTH " + String.join(" ", authMechanisms));
        default -> lines.add(e.keyword());
      }
    }
    if (ehloTrailer != null) {
      lines.add(ehloTrailer);
    }
    return Reply.multiline(250, null, lines);
  }

  /** Builds a {@link SmtpDialect}; not thread-safe. */
  public static final class Builder {
    private String hostname = "localhost";
    private Supplier<String> greeting;
    private Set<SmtpExtension> extensions = EnumSet.allOf(SmtpExtension.class);
    private List<String> authMechanisms = List.of("PLAIN", "LOGIN");
    private boolean authRequiresTls = true;
    private boolean authWithoutTlsOnLoopback;
    private boolean authRequired;
    private boolean convertIdnDomains = true;
    private boolean advertiseAuthBeforeTls = true;
    private String ehloTrailer;
    private final Map<ServerReply, Reply> replies = new EnumMap<>(ServerReply.class);

    private Builder() {}

    /** Sets the host name (default {@code localhost}). */
    public Builder hostname(String name) {
      this.hostname = requireToken(name, "hostname");
      return this;
    }

    /** Sets a fixed greeting text (default {@code <hostname> ESMTP Sluice}). */
    public Builder greeting(String text) {
      Objects.requireNonNull(text, "greeting");
      this.greeting = () -> text;
      return this;
    }

    /** Sets a greeting made afresh for each connection. */
    public Builder greeting(Supplier<String> text) {
      this.greeting = Objects.requireNonNull(text, "greeting");
      return this;
    }

    /** Sets the extensions to offer (default all). */
    public Builder extensions(Set<SmtpExtension> offered) {
      this.extensions = EnumSet.noneOf(SmtpExtension.class);
      this.extensions.addAll(offered);
      return this;
    }

    /** Sets the AUTH mechanisms to offer; only PLAIN and LOGIN are implemented. */
    public Builder authMechanisms(List<String> mechanisms) {
      List<String> upper = mechanisms.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
      for (String m : upper) {
        if (!m.equals("PLAIN") && !m.equals("LOGIN")) {
          throw new IllegalArgumentException(
              "unsupported AUTH mechanism '" + m + "': PLAIN or LOGIN");
        }
      }
      this.authMechanisms = upper;
      return this;
    }

    /** Sets whether AUTH needs TLS first (default true). */
    public Builder authRequiresTls(boolean required) {
      this.authRequiresTls = required;
      return this;
    }

    /** Sets whether loopback clients may AUTH without TLS (default false). */
    public Builder authWithoutTlsOnLoopback(boolean allowed) {
      this.authWithoutTlsOnLoopback = allowed;
      return this;
    }

    /** Sets whether internationalized domains are converted to ASCII (default true). */
    public Builder convertIdnDomains(boolean convert) {
      this.convertIdnDomains = convert;
      return this;
    }

    /** Sets whether EHLO lists AUTH while it still needs TLS (default true). */
    public Builder advertiseAuthBeforeTls(boolean advertise) {
      this.advertiseAuthBeforeTls = advertise;
      return this;
    }

    /** Sets whether MAIL needs AUTH first (default false). */
    public Builder authRequired(boolean required) {
      this.authRequired = required;
      return this;
    }

    /** Sets an extra last EHLO line, e.g. {@code Ok} (default none). */
    public Builder ehloTrailer(String line) {
      this.ehloTrailer = line;
      return this;
    }

    /** Replaces one of the server's own replies. */
    public Builder reply(ServerReply which, Reply reply) {
      replies.put(Objects.requireNonNull(which, "which"), Objects.requireNonNull(reply, "reply"));
      return this;
    }

    /** Builds the dialect. */
    public SmtpDialect build() {
      return new SmtpDialect(this);
    }

    private static String requireToken(String s, String what) {
      if (s == null || s.isBlank() || s.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
        throw new IllegalArgumentException(
            what + " must be printable ASCII without spaces, got '" + s + "'");
      }
      return s;
    }
  }
}
