package dev.sluice.simulator.notify;

import dev.sluice.simulator.MessageTrail;
import dev.sluice.simulator.mailbox.MessageIds;
import dev.sluice.simulator.notify.FeedbackJson.Form;
import java.util.List;

/** Identity notifications as the feedback topic receives them, for tests. */
final class TestEnvelopes {
  private final String topic;

  TestEnvelopes(String topic) {
    this.topic = topic;
  }

  String topicArn(SentMail mail) {
    return "arn:aws:sns:" + mail.region() + ':' + mail.sendingAccountId() + ':' + topic;
  }

  static Feedback feedback(SentMail mail) {
    return new Feedback(
        mail, null, List.of(), List.of(), false, "", List.of(), null, null, new MessageTrail());
  }

  private String wrap(SentMail mail, String message) {
    return message;
  }

  String bounce(SentMail mail, String recipient, long now) {
    return wrap(mail, bounceMessage(mail, recipient, Fate.BOUNCED, now));
  }

  String complaint(SentMail mail, String recipient, long now) {
    return wrap(
        mail,
        FeedbackJson.complaint(
            Form.NOTIFICATION,
            feedback(mail),
            recipient,
            MessageIds.messageId(mail.region(), now),
            now));
  }

  String delivery(SentMail mail, List<String> recipients, long now) {
    return wrap(mail, FeedbackJson.delivery(Form.NOTIFICATION, feedback(mail), recipients, now));
  }

  static String bounceMessage(SentMail mail, String recipient, Fate fate, long now) {
    return FeedbackJson.bounce(
        Form.NOTIFICATION,
        feedback(mail),
        recipient,
        fate,
        MessageIds.messageId(mail.region(), now),
        now);
  }
}
