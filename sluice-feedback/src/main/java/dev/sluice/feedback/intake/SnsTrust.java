package dev.sluice.feedback.intake;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the operator trusts: the topics whose messages are taken (and whose subscriptions are
 * confirmed), the hosts beyond SNS's own that may serve signing certificates, and how old a message
 * may be.
 *
 * <p>SNS's own hosts are {@code sns.<region>.amazonaws.com} and {@code
 * sns.<region>.amazonaws.com.cn} on port 443. An extra host is written {@code host} (port 443) or
 * {@code host:port} (that port only), e.g. the simulator's {@code 127.0.0.1:8443}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param topics the topic ARNs taken; a message from any other topic is refused
 * @param certHosts extra hosts trusted to serve signing certificates and confirm subscriptions
 * @param replayWindow how far a message's Timestamp may be from now, either way
 */
public record SnsTrust(Set<String> topics, List<String> certHosts, Duration replayWindow) {
  private static final Pattern SNS_HOST =
      Pattern.compile("sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?");

  /** Copies and checks. */
  public SnsTrust {
    topics = Set.copyOf(topics);
    certHosts = certHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    for (String h : certHosts) {
      if (h.isBlank() || h.contains("/") || h.contains("@")) {
        throw new IllegalArgumentException(
            "a trusted certificate host is host or host:port, not '" + h + "'");
      }
    }
    Objects.requireNonNull(replayWindow, "replayWindow");
    if (replayWindow.isNegative() || replayWindow.isZero()) {
      throw new IllegalArgumentException("the replay window must be positive");
    }
  }

  /** Whether messages from this topic are taken. */
  public boolean listed(String topicArn) {
    return topics.contains(topicArn);
  }

  /**
   * Whether a URL may be fetched to get a certificate or confirm a subscription: {@code https}, no
   * user info, on SNS's host or a trusted one.
   */
  public boolean trusted(URI url) {
    if (!"https".equalsIgnoreCase(url.getScheme())
        || url.getRawUserInfo() != null
        || url.getHost() == null) {
      return false;
    }
    String host = url.getHost().toLowerCase(Locale.ROOT);
    int port = url.getPort() == -1 ? 443 : url.getPort();
    if (port == 443 && SNS_HOST.matcher(host).matches()) {
      return true;
    }
    return certHosts.contains(host + ":" + port) || (port == 443 && certHosts.contains(host));
  }
}
