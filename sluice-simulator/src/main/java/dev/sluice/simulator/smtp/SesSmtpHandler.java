package dev.sluice.simulator.smtp;

import dev.sluice.core.SesSmtpPassword;
import dev.sluice.core.ses.MessageTag;
import dev.sluice.core.ses.MessageTags;
import dev.sluice.simulator.FaultInjector;
import dev.sluice.simulator.Injection;
import dev.sluice.simulator.MimeHeaders;
import dev.sluice.simulator.SendOutcome;
import dev.sluice.simulator.SendRequest;
import dev.sluice.simulator.SendService;
import dev.sluice.simulator.SesError;
import dev.sluice.simulator.SesInterface;
import dev.sluice.smtp.DataResult;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.SessionInfo;
import dev.sluice.smtp.SmtpEnvelope;
import dev.sluice.smtp.SmtpHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SES side of an SMTP session: checks SMTP credentials, then hands each message to the
 * simulator's {@link SendService} as a {@code SendRawEmail} and answers as SES would, after the
 * latency and fault the {@link FaultInjector} draws.
 *
 * <p>Thread-safe: immutable after construction; it sleeps only on the calling session's thread.
 */
final class SesSmtpHandler implements SmtpHandler {

  private final Map<String, byte[]> passwords;
  private final String region;
  private final SendService sendService;
  private final FaultInjector faults;
  private final Duration hangLimit;

  /**
   * Creates the handler.
   *
   * @param credentials access key id to secret access key; empty accepts anyone
   */
  SesSmtpHandler(
      Map<String, String> credentials,
      String region,
      SendService sendService,
      FaultInjector faults,
      Duration hangLimit) {
    Map<String, byte[]> derived = new HashMap<>();
    credentials.forEach(
        (id, secret) ->
            derived.put(
                id, SesSmtpPassword.derive(secret, region).getBytes(StandardCharsets.US_ASCII)));
    this.passwords = Map.copyOf(derived);
    this.region = region;
    this.sendService = sendService;
    this.faults = faults;
    this.hangLimit = hangLimit;
  }

  @Override
  public boolean authenticate(SessionInfo session, String mechanism, String user, String password) {
    if (passwords.isEmpty()) {
      return !user.isEmpty(); // open mode: the user name is taken as the access key id
    }
    byte[] expected = passwords.get(user);
    return expected != null
        && MessageDigest.isEqual(
            expected, password.getBytes(StandardCharsets.UTF_8)); // constant time
  }

  @Override
  public Reply mailFrom(SessionInfo session, String reversePath, Map<String, String> parameters) {
    // SES needs a sender to send from: the null path is no address.
    return reversePath.isEmpty() ? Reply.of(553, "<> Invalid email address") : SesSmtpReplies.OK;
  }

  @Override
  public Reply rcptTo(SessionInfo session, String forwardPath) {
    return SesSmtpReplies.OK; // the 50-recipient limit is checked at the end of DATA, as SES does
  }

  @Override
  public DataResult data(SessionInfo session, SmtpEnvelope envelope, byte[] message) {
    Injection injection = faults.next(SesInterface.SMTP);
    pause(injection.latency());
    return switch (injection.kind()) {
      case ERROR_500 -> DataResult.respond(SesSmtpReplies.INTERNAL_FAILURE);
      case ERROR_503 -> DataResult.respond(SesSmtpReplies.SERVICE_UNAVAILABLE);
      case RESET -> DataResult.reset();
      case HANG -> DataResult.hang(hangLimit);
      case NONE -> DataResult.respond(SesSmtpReplies.forOutcome(send(session, envelope, message)));
    };
  }

  private SendOutcome send(SessionInfo session, SmtpEnvelope envelope, byte[] message) {
    MimeHeaders headers = MimeHeaders.parse(message);
    SendRequest request =
        new SendRequest(
            SesInterface.SMTP,
            session.authenticatedUser().orElse("anonymous"),
            region,
            envelope.reversePath(),
            envelope.recipients(),
            headers.get("subject"),
            message,
            "SendRawEmail");
    // SES reads the configuration set and the tags of SMTP mail from its headers (spec §5.4).
    List<MessageTag> tags;
    try {
      tags = MessageTags.fromHeader(headers.get(MessageTags.HEADER));
    } catch (IllegalArgumentException e) {
      return new SendOutcome.Rejected(SesError.INVALID_PARAMETER, e.getMessage());
    }
    return sendService.send(
        request.withConfigurationSet(headers.get(MessageTags.SET_HEADER)).withTags(tags));
  }

  private static void pause(Duration latency) {
    if (latency.isZero() || latency.isNegative()) {
      return;
    }
    try {
      Thread.sleep(latency); // a virtual thread: costs no carrier while asleep
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the server is stopping; answer at once
    }
  }
}
