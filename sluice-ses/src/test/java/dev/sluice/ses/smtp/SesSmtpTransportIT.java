package dev.sluice.ses.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.SesSmtpPassword;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.CallResult.ThrottleKind;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.PoolSettings;
import dev.sluice.smtp.client.SmtpCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SES flavour against the whole simulator: STARTTLS, strict AUTH, SES's replies and faults. */
class SesSmtpTransportIT {
  private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String STRICT = "strict-auth=" + KEY_ID + ":" + SECRET;
  private static final byte[] CONTENT =
      ("From: sender@example.com\r\nTo: b@example.com\r\nSubject: via ses-smtp\r\n\r\n"
              + ".leading dot\nbare LF line\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  /** Unlimited rate and quota, shared by the tests that need nothing else. */
  private static Simulator open;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startOpen() {
    open = Simulator.start(unlimited());
  }

  @AfterAll
  static void stopOpen() {
    open.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private static SimulatorConfig unlimited(String... more) {
    return SimulatorConfig.onFreePorts(unlimitedSettings(more));
  }

  private Simulator simulator(String... settings) {
    Simulator s = Simulator.start(SimulatorConfig.onFreePorts(settings));
    toClose.add(s);
    return s;
  }

  private SmtpTransport transport(Simulator sim, String password, Duration timeout) {
    SmtpTransport t =
        SmtpTransport.ses(
            "127.0.0.1",
            sim.smtpPort(),
            sim.certificate().clientContext(),
            new SmtpCredentials(KEY_ID, password),
            timeout,
            PoolSettings.defaults().withMaxConnections(1));
    toClose.add(t);
    return t;
  }

  private SmtpTransport transport(Simulator sim) {
    return transport(sim, SesSmtpPassword.derive(SECRET, "us-east-1"), Duration.ofSeconds(5));
  }

  private static Envelope to(String... recipients) {
    return new Envelope("sender@example.com", List.of(recipients));
  }

  @Test
  void send_accepted_returnsTheSesMessageIdOfTheInboxMessage() {
    SmtpTransport t = transport(open);
    assertThat(t.name()).isEqualTo("ses-smtp");
    assertThat(t.maxRecipients()).isEqualTo(50);
    assertThat(t.maxMessageSize()).isEqualTo(40L * 1024 * 1024);
    assertThat(t.quota()).isEmpty();

    CallResult a = t.send(to("b@example.com", "c@example.com"), CONTENT);

    assertThat(a).isInstanceOf(CallResult.Accepted.class);
    String id = ((CallResult.Accepted) a).upstreamId();
    ReceivedMessage m = open.core().inbox().find(id);
    assertThat(m).as("inbox message %s", id).isNotNull();
    assertThat(m.accessKeyId()).isEqualTo(KEY_ID);
    assertThat(m.from()).isEqualTo("sender@example.com");
    assertThat(m.recipients()).containsExactly("b@example.com", "c@example.com");
    assertThat(m.subject()).isEqualTo("via ses-smtp");
    assertThat(new String(m.content(), StandardCharsets.US_ASCII))
        .contains("\r\n.leading dot\r\nbare LF line\r\n");
  }

  @Test
  void send_twentySequentialMessages_reuseOneConnection() {
    SmtpTransport t = transport(open);
    for (int i = 0; i < 20; i++) {
      assertThat(t.send(to("r" + i + "@example.com"), CONTENT))
          .isInstanceOf(CallResult.Accepted.class);
    }
    assertThat(t.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void send_51Recipients_permanentRecipientCount() {
    SmtpTransport t = transport(open);
    String[] many =
        IntStream.range(0, 51).mapToObj(i -> "r" + i + "@example.com").toArray(String[]::new);

    CallResult a = t.send(to(many), CONTENT);

    assertThat(a).isInstanceOf(CallResult.Permanent.class);
    CallResult.Permanent p = (CallResult.Permanent) a;
    assertThat(p.text()).contains("554").contains("Recipient count exceeds 50.");
    assertThat(p.accountWide()).isFalse();
    assertThat(t.send(to("b@example.com"), CONTENT)).isInstanceOf(CallResult.Accepted.class);
    assertThat(t.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void send_wrongPassword_permanentAccountWide() {
    SmtpTransport t =
        transport(open, SesSmtpPassword.derive(SECRET, "eu-west-1"), Duration.ofSeconds(5));

    CallResult a = t.send(to("b@example.com"), CONTENT);

    assertThat(a).isInstanceOf(CallResult.Permanent.class);
    CallResult.Permanent p = (CallResult.Permanent) a;
    assertThat(p.text()).isEqualTo("auth: 535 Authentication Credentials Invalid");
    assertThat(p.accountWide()).isTrue();
  }

  @Test
  void send_overRate_throttledRate() {
    Simulator sim = simulator("max-send-rate=1/s", "max-24h-send=unlimited", STRICT);
    SmtpTransport t = transport(sim);

    List<CallResult> attempts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      attempts.add(t.send(to("b" + i + "@example.com", "c" + i + "@example.com"), CONTENT));
    }

    assertThat(attempts.get(0)).isInstanceOf(CallResult.Accepted.class);
    assertThat(attempts.subList(1, 3))
        .anySatisfy(
            a ->
                assertThat(a)
                    .isInstanceOfSatisfying(
                        CallResult.Throttled.class,
                        th -> {
                          assertThat(th.kind()).isEqualTo(ThrottleKind.RATE);
                          assertThat(th.text()).contains("Maximum sending rate exceeded.");
                        }));
    assertThat(t.connectionsOpened()).isEqualTo(1); // a throttle does not cost the connection
  }

  @Test
  void send_overDailyQuota_throttledDaily() {
    Simulator sim = simulator("max-send-rate=unlimited", "max-24h-send=1", STRICT);
    SmtpTransport t = transport(sim);

    assertThat(t.send(to("b@example.com"), CONTENT)).isInstanceOf(CallResult.Accepted.class);
    CallResult second = t.send(to("c@example.com"), CONTENT);

    assertThat(second)
        .isInstanceOfSatisfying(
            CallResult.Throttled.class, th -> assertThat(th.kind()).isEqualTo(ThrottleKind.DAILY));
  }

  @Test
  void send_serverErrorInjected_transient() {
    Simulator sim = simulator(unlimitedSettings("fault-rate=1"));
    SmtpTransport t = transport(sim);

    CallResult a = t.send(to("b@example.com"), CONTENT);

    assertThat(a)
        .isInstanceOfSatisfying(
            CallResult.Transient.class,
            tr -> assertThat(tr.text()).contains("Temporary service failure"));
    assertThat(sim.core().inbox().total()).isZero();
  }

  @Test
  void send_resetInjected_transientAndReconnects() {
    Simulator sim = simulator(unlimitedSettings("reset-rate=1"));
    SmtpTransport t = transport(sim);

    assertThat(t.send(to("b@example.com"), CONTENT)).isInstanceOf(CallResult.Transient.class);
    assertThat(t.send(to("b@example.com"), CONTENT)).isInstanceOf(CallResult.Transient.class);
    assertThat(t.connectionsOpened()).isEqualTo(2); // the reset connection is not reused
  }

  @Test
  void send_hangInjected_transientAfterReadTimeout() {
    Simulator sim = simulator(unlimitedSettings("hang-rate=1", "hang-limit=5s"));
    SmtpTransport t =
        transport(sim, SesSmtpPassword.derive(SECRET, "us-east-1"), Duration.ofMillis(500));

    CallResult a = t.send(to("b@example.com"), CONTENT);

    assertThat(a)
        .isInstanceOfSatisfying(
            CallResult.Transient.class,
            tr -> assertThat(tr.text()).contains("SocketTimeoutException"));
  }

  private static String[] unlimitedSettings(String... more) {
    List<String> settings =
        new ArrayList<>(List.of("max-send-rate=unlimited", "max-24h-send=unlimited", STRICT));
    settings.addAll(List.of(more));
    return settings.toArray(String[]::new);
  }
}
