package dev.sluice.ingress;

import dev.sluice.core.ses.ConfigurationSetCatalog;
import dev.sluice.core.ses.ConfigurationSetNames;
import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.ses.MessageTags;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What SES would refuse, or the relay must not pass on, in SES's control headers of a message,
 * checked at both doors with the same words ({@code 550 5.6.0} at the end of SMTP data, HTTP {@code
 * 400 invalid_message}), like {@link MessageCheck}.
 *
 * <h2>Design note</h2>
 *
 * <p>{@code X-SES-CONFIGURATION-SET} and {@code X-SES-MESSAGE-TAGS} are checked by SES's own rules
 * (names of 1–64 letters, digits, {@code _} and {@code -}; tags {@code name=value} of at most 256
 * such characters, at most 50; see {@link MessageTags}): SES refuses a send that breaks them, and
 * the relay has already answered {@code 250} by then, so the author would learn it only from a
 * bounce. Each header may appear once: two sets or two tag lists leave SES to pick one. A set the
 * account does not have is refused too, when the relay has been able to read the account's sets
 * ({@link ConfigurationSetCatalog}); when it cannot, SES decides at delivery.
 *
 * <p>{@code X-SES-SOURCE-ARN}, {@code X-SES-FROM-ARN} and {@code X-SES-RETURN-PATH-ARN} make SES
 * send as another identity (sending authorization): a submitter would pick the sending identity by
 * writing a header, so they are refused unless the operator allows them.
 *
 * <p>Rejected: removing refused headers and sending anyway, which would send mail the author meant
 * to be tracked, or sent as someone else, in a way they did not ask for.
 *
 * <p>Immutable and thread-safe when the catalog is.
 */
public final class SesHeaderRules {
  /** The headers that choose the sending identity (SES's sending authorization). */
  public static final List<String> IDENTITY_HEADERS =
      List.of("X-SES-SOURCE-ARN", "X-SES-FROM-ARN", "X-SES-RETURN-PATH-ARN");

  /** Identity headers refused, configuration sets not checked against the account. */
  public static final SesHeaderRules DEFAULT =
      new SesHeaderRules(false, ConfigurationSetCatalog.ANY);

  private final boolean allowIdentityHeaders;
  private final ConfigurationSetCatalog sets;

  /**
   * @param allowIdentityHeaders whether to take the identity-choosing headers
   * @param sets the account's configuration sets, or {@link ConfigurationSetCatalog#ANY}
   */
  public SesHeaderRules(boolean allowIdentityHeaders, ConfigurationSetCatalog sets) {
    this.allowIdentityHeaders = allowIdentityHeaders;
    this.sets = Objects.requireNonNull(sets, "sets");
  }

  /** The refusal of a message whose header section breaks these rules, if it does. */
  public Optional<MessageCheck.Refusal> check(byte[] message) {
    return check(HeaderSection.fields(message));
  }

  /** The same, for a header section the door has already read ({@link HeaderSection#fields}). */
  public Optional<MessageCheck.Refusal> check(List<HeaderSection.Field> fields) {
    String text = problem(fields);
    return text == null
        ? Optional.empty()
        : Optional.of(MessageCheck.Refusal.fitted(MessageCheck.Problem.SES_HEADER, text));
  }

  private String problem(List<HeaderSection.Field> fields) {
    if (!allowIdentityHeaders) {
      for (String h : IDENTITY_HEADERS) {
        if (!HeaderSection.named(fields, h).isEmpty()) {
          return "The message has an "
              + h
              + " header field, which would choose the sending identity; the relay takes it only"
              + " when started with --allow-identity-headers";
        }
      }
    }
    List<HeaderSection.Field> set = HeaderSection.named(fields, MessageTags.SET_HEADER);
    List<HeaderSection.Field> tags = HeaderSection.named(fields, MessageTags.HEADER);
    if (set.size() > 1) {
      return "The message has more than one " + MessageTags.SET_HEADER + " header field";
    }
    if (tags.size() > 1) {
      return "The message has more than one " + MessageTags.HEADER + " header field";
    }
    if (!tags.isEmpty()) {
      try {
        MessageTags.fromHeader(tags.getFirst().value());
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    if (!set.isEmpty()) {
      String name = set.getFirst().value();
      String problem = ConfigurationSetNames.problem(name);
      if (problem != null) {
        return problem;
      }
      if (sets.knownMissing(name)) {
        return "Configuration set " + name + " does not exist.";
      }
    }
    return null;
  }
}
