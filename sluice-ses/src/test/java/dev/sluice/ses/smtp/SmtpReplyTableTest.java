package dev.sluice.ses.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.CallResult.ThrottleKind;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SendResult.Accepted;
import dev.sluice.smtp.client.SendResult.Failed;
import dev.sluice.smtp.client.SendResult.RecipientRefusal;
import dev.sluice.smtp.client.SendResult.Refused;
import dev.sluice.smtp.client.SendResult.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every row of the table, with the SES texts of spec §5.5. */
class SmtpReplyTableTest {
  private static CallResult ses(SendResult r) {
    return SmtpReplyTable.classify(r, true);
  }

  private static Refused refused(Stage stage, int code, String text) {
    return new Refused(stage, Reply.of(code, text), List.of());
  }

  @Test
  void classify_sesAccepted_givesMessageId() {
    Reply ok = Reply.of(250, "Ok 0100018d0cfe3200-2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f-000000");
    assertThat(ses(new Accepted(ok, List.of("a@x"), List.of())))
        .isEqualTo(
            new CallResult.Accepted(
                "0100018d0cfe3200-2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f-000000"));
  }

  @Test
  void classify_otherServerAccepted_givesWholeText() {
    Reply ok = Reply.of(250, "2.0.0", "Ok queued as 7F3A");
    assertThat(SmtpReplyTable.classify(new Accepted(ok, List.of("a@x"), List.of()), false))
        .isEqualTo(new CallResult.Accepted("Ok queued as 7F3A"));
  }

  @Test
  void classify_throttles_areRateAndDaily() {
    assertThat(ses(refused(Stage.DATA, 454, "Throttling failure: Maximum sending rate exceeded.")))
        .isInstanceOfSatisfying(
            CallResult.Throttled.class, t -> assertThat(t.kind()).isEqualTo(ThrottleKind.RATE));
    assertThat(
            ses(
                refused(
                    Stage.DATA,
                    454,
                    "Throttling failure: Maximum SigV2 SMTP sending rate exceeded.")))
        .isInstanceOfSatisfying(
            CallResult.Throttled.class, t -> assertThat(t.kind()).isEqualTo(ThrottleKind.RATE));
    assertThat(ses(refused(Stage.DATA, 454, "Throttling failure: Daily message quota exceeded.")))
        .isInstanceOfSatisfying(
            CallResult.Throttled.class, t -> assertThat(t.kind()).isEqualTo(ThrottleKind.DAILY));
  }

  @Test
  void classify_other4xx_areTransient() {
    assertThat(ses(refused(Stage.GREETING, 421, "Too many concurrent SMTP connections")))
        .isInstanceOf(CallResult.Transient.class);
    assertThat(ses(refused(Stage.DATA, 451, "Temporary service failure")))
        .isInstanceOf(CallResult.Transient.class);
    assertThat(ses(refused(Stage.DATA, 454, "Temporary service failure")))
        .isInstanceOf(CallResult.Transient.class);
    assertThat(ses(refused(Stage.AUTH, 454, "Temporary authentication failure")))
        .isInstanceOf(CallResult.Transient.class);
    assertThat(ses(refused(Stage.MAIL, 451, "4.4.2 Timeout waiting for data from client.")))
        .isInstanceOf(CallResult.Transient.class);
  }

  @Test
  void classify_messageRefusals_arePermanentForTheMessage() {
    for (String text :
        List.of(
            "Transaction failed: Recipient count exceeds 50.",
            "Message rejected: Email address is not verified. The following identities failed"
                + " the check in region US-EAST-1: a@x")) {
      CallResult a = ses(refused(Stage.DATA, 554, text));
      assertThat(a).isEqualTo(new CallResult.Permanent("data: 554 " + text, false));
    }
    assertThat(ses(refused(Stage.DATA, 552, "Message is too long.")))
        .isEqualTo(new CallResult.Permanent("data: 552 Message is too long.", false));
    assertThat(ses(refused(Stage.MAIL, 553, "<bad> Invalid email address")))
        .isEqualTo(new CallResult.Permanent("mail: 553 <bad> Invalid email address", false));
  }

  @Test
  void classify_accountRefusals_arePermanentAccountWide() {
    for (Refused r :
        List.of(
            refused(Stage.AUTH, 535, "Account not subscribed to SES"),
            refused(Stage.AUTH, 535, "Authentication Credentials Invalid"),
            refused(
                Stage.DATA,
                554,
                "Access denied: User arn:aws:iam::1:user/x is not authorized to perform"
                    + " ses:SendRawEmail on resource arn"),
            refused(Stage.DATA, 554, "Transaction failed: Sending is paused for this account."),
            refused(Stage.MAIL, 530, "Authentication required"),
            refused(Stage.EHLO, 502, "Command not implemented"))) {
      assertThat(ses(r))
          .as(r.toString())
          .isInstanceOfSatisfying(
              CallResult.Permanent.class, p -> assertThat(p.accountWide()).isTrue());
    }
  }

  @Test
  void classify_refusedRecipients_permanentIfAny5xxElseTransient() {
    RecipientRefusal unknown =
        new RecipientRefusal("unknown@x", Reply.of(550, "5.1.1", "No such user"));
    RecipientRefusal busy = new RecipientRefusal("busy@x", Reply.of(450, "4.2.1", "Mailbox busy"));
    CallResult mixed = ses(new Refused(Stage.RCPT, busy.reply(), List.of(busy, unknown)));
    assertThat(mixed)
        .isEqualTo(
            new CallResult.Permanent(
                "rcpt: refused recipients, nothing sent: busy@x (450 4.2.1 Mailbox busy),"
                    + " unknown@x (550 5.1.1 No such user)",
                false));
    assertThat(ses(new Refused(Stage.RCPT, busy.reply(), List.of(busy))))
        .isInstanceOf(CallResult.Transient.class);
  }

  @Test
  void classify_failures_transientUnlessNotRetryable() {
    assertThat(ses(new Failed(Stage.DATA, "SocketException: Connection reset", true)))
        .isEqualTo(new CallResult.Transient("data: SocketException: Connection reset"));
    assertThat(ses(new Failed(Stage.TLS, "server does not offer STARTTLS", false)))
        .isEqualTo(new CallResult.Permanent("tls: server does not offer STARTTLS", true));
    assertThat(ses(new Failed(Stage.RCPT, "recipient cannot be written as a path: 'x'", false)))
        .isEqualTo(
            new CallResult.Permanent("rcpt: recipient cannot be written as a path: 'x'", false));
  }
}
