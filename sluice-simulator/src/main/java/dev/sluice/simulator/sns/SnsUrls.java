package dev.sluice.simulator.sns;

import java.net.URI;

/**
 * The URLs the simulator writes into SNS messages, all on its own listener and shaped as SNS's are:
 * {@code /?Action=ConfirmSubscription&TopicArn=…&Token=…}, {@code
 * /?Action=Unsubscribe&SubscriptionArn=…} and {@code /SimpleNotificationService-….pem}. ARNs and
 * tokens need no escaping in a query (letters, digits, {@code :-_.}), so none is applied, as in
 * SNS's own URLs.
 *
 * @param base the listener, e.g. {@code https://127.0.0.1:8443}, without a trailing slash
 */
record SnsUrls(String base) {
  static SnsUrls of(URI listener) {
    String s = listener.toString();
    return new SnsUrls(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  String subscribe(String topicArn, String token) {
    return base + "/?Action=ConfirmSubscription&TopicArn=" + topicArn + "&Token=" + token;
  }

  String unsubscribe(String subscriptionArn) {
    return base + "/?Action=Unsubscribe&SubscriptionArn=" + subscriptionArn;
  }

  String signingCert(String fileName) {
    return base + "/" + fileName;
  }
}
