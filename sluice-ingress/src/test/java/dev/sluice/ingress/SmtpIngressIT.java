package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.smtp.SmtpDialect;
import dev.sluice.smtp.SmtpLimits;
import dev.sluice.smtp.SmtpServer;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.smtp.client.SmtpCredentials;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.SmtpConversation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's SMTP door over real sockets, in front of a real RocksDB spool. */
class SmtpIngressIT {
  @TempDir Path dir;
  private RocksSpool spool;
  private SmtpServer server;
  private final List<QueueId> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Accepted> told = new java.util.concurrent.CopyOnWriteArrayList<>();
  private Suppressions suppressions = Suppressions.none();
  private RelayHeaderRules relayHeaders = RelayHeaderRules.ANY;

  @BeforeEach
  void openSpool() {
    spool = RocksSpool.open(RocksSpoolConfig.builder(dir.resolve("spool")).buckets(4).build());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    spool.close();
  }

  private void start(AccessPolicy access, Admission admission, SSLContext tls) throws IOException {
    start(access, admission, tls, SesHeaderRules.DEFAULT);
  }

  private void start(
      AccessPolicy access, Admission admission, SSLContext tls, SesHeaderRules sesHeaders)
      throws IOException {
    SmtpDialect dialect =
        SmtpDialect.builder().hostname("relay.test").authWithoutTlsOnLoopback(true).build();
    server =
        new SmtpServer(
            SmtpServer.loopback(0),
            tls,
            dialect,
            SmtpLimits.defaults(),
            new SmtpIngress(
                spool,
                access,
                admission,
                "relay.test",
                Clock.system(),
                messages -> {
                  told.addAll(messages);
                  messages.forEach(m -> accepted.add(m.id()));
                },
                sesHeaders,
                relayHeaders,
                suppressions));
    server.start();
  }

  private void start(AccessPolicy access) throws IOException {
    start(access, new Admission(spool, 1_000_000, ByteSize.ofBytes(0)), null);
  }

  private UserStore users() throws IOException {
    Path f = dir.resolve("users");
    Files.writeString(f, "app:" + UserStore.hash("s3cret".toCharArray(), 1000) + "\n");
    return UserStore.load(f);
  }

  private SmtpClientConfig.Builder client() {
    return SmtpClientConfig.builder("127.0.0.1", server.port())
        .startTls(SmtpClientConfig.StartTls.NEVER, null);
  }

  private static byte[] message(String subject) {
    return ("From: app@example.com\r\nSubject: " + subject + "\r\n\r\nHello.\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static QueueId queued(SendResult r) {
    assertThat(r).isInstanceOf(SendResult.Accepted.class);
    String text = ((SendResult.Accepted) r).reply().text();
    assertThat(text).startsWith("Ok: queued as ");
    return new QueueId(text.substring("Ok: queued as ".length()));
  }

  @Test
  void loopbackClient_isQueuedDurablyWithATraceField() throws Exception {
    start(AccessPolicy.loopbackOnly());
    try (SmtpClient c = SmtpClient.connect(client().heloName("app.example").build())) {
      QueueId id = queued(c.send("app@example.com", List.of("to@example.net"), message("hi")));
      SpoolEntry e = spool.find(id).orElseThrow();
      assertThat(e.envelope().from()).isEqualTo("app@example.com");
      assertThat(e.envelope().recipients()).containsExactly("to@example.net");
      assertThat(e.origin()).isEqualTo("smtp 127.0.0.1");
      String stored = new String(spool.content(id).orElseThrow(), StandardCharsets.US_ASCII);
      assertThat(stored)
          .startsWith(
              "Received: from app.example ([127.0.0.1])\r\n\tby relay.test (Sluice) with ESMTP")
          .contains("\r\n\tfor <to@example.net>; ")
          .endsWith(new String(message("hi"), StandardCharsets.US_ASCII));
      assertThat(e.size()).isEqualTo(stored.length());
      assertThat(accepted).as("the accept listener hears of it").containsExactly(id);
      assertThat(told.get(0).entry()).as("told the entry as stored").isEqualTo(e);
      assertThat(told.get(0).configurationSet()).as("it names no set").isEmpty();
    }
  }

  @Test
  void data_namingAConfigurationSet_theListenerIsToldTheSet() throws Exception {
    start(AccessPolicy.loopbackOnly());
    try (SmtpClient c = SmtpClient.connect(client().build())) {
      byte[] named =
          ("X-SES-CONFIGURATION-SET: marketing \r\n"
                  + new String(message("set"), StandardCharsets.US_ASCII))
              .getBytes(StandardCharsets.US_ASCII);
      QueueId id = queued(c.send("app@example.com", List.of("to@example.net"), named));
      assertThat(told).hasSize(1);
      assertThat(told.get(0).entry()).isEqualTo(spool.find(id).orElseThrow());
      assertThat(told.get(0).configurationSet()).isEqualTo("marketing");
    }
  }

  @Test
  void clientOutsideTheRelayNetworks_isDeniedUntilItLogsIn() throws Exception {
    start(new AccessPolicy(Networks.parse("10.0.0.0/8"), users()));
    try (SmtpClient c = SmtpClient.connect(client().build())) {
      SendResult r = c.send("app@example.com", List.of("to@example.net"), message("x"));
      assertThat(r).isInstanceOf(SendResult.Refused.class);
      assertThat(((SendResult.Refused) r).reply().code()).isEqualTo(554);
      assertThat(((SendResult.Refused) r).reply().enhanced()).isEqualTo("5.7.1");
    }
    try (SmtpClient c =
        SmtpClient.connect(client().credentials(new SmtpCredentials("app", "wrong")).build())) {
      throw new AssertionError("a wrong password must not connect: " + c);
    } catch (Exception expected) {
      assertThat(expected).hasMessageContaining("535");
    }
    try (SmtpClient c =
        SmtpClient.connect(client().credentials(new SmtpCredentials("app", "s3cret")).build())) {
      QueueId id = queued(c.send("app@example.com", List.of("to@example.net"), message("x")));
      assertThat(spool.find(id).orElseThrow().origin()).isEqualTo("smtp 127.0.0.1 user=app");
    }
    assertThat(spool.stats().total()).isEqualTo(1);
  }

  @Test
  void startTlsAndAuth_withARealTlsClient() throws Exception {
    TestPem pem = TestPem.get();
    start(
        new AccessPolicy(Networks.NONE, users()),
        new Admission(spool, 100, ByteSize.ofBytes(0)),
        pem.server);
    SmtpClientConfig config =
        SmtpClientConfig.builder("localhost", server.port())
            .startTls(SmtpClientConfig.StartTls.REQUIRED, pem.client)
            .credentials(new SmtpCredentials("app", "s3cret"))
            .build();
    try (SmtpClient c = SmtpClient.connect(config)) {
      assertThat(c.tlsActive()).isTrue();
      QueueId id = queued(c.send("app@example.com", List.of("to@example.net"), message("tls")));
      assertThat(spool.find(id).orElseThrow().origin()).isEqualTo("smtp 127.0.0.1 user=app tls");
      assertThat(new String(spool.content(id).orElseThrow(), StandardCharsets.US_ASCII))
          .contains("with ESMTPSA");
    }
  }

  @Test
  void fullSpool_answers452BeforeTakingAnything() throws Exception {
    start(AccessPolicy.loopbackOnly(), new Admission(spool, 1, ByteSize.ofBytes(0)), null);
    try (SmtpClient c = SmtpClient.connect(client().build())) {
      queued(c.send("app@example.com", List.of("to@example.net"), message("first")));
      SendResult r = c.send("app@example.com", List.of("to@example.net"), message("second"));
      assertThat(r).isInstanceOf(SendResult.Refused.class);
      SendResult.Refused refused = (SendResult.Refused) r;
      assertThat(refused.stage()).isEqualTo(SendResult.Stage.MAIL);
      assertThat(refused.reply().code()).isEqualTo(452);
      assertThat(refused.reply().enhanced()).isEqualTo("4.3.1");
      assertThat(refused.reply().text()).contains("Queue full");
    }
    assertThat(spool.stats().total()).isEqualTo(1);
    assertThat(accepted).hasSize(1);
  }

  @Test
  void diskUnderItsFloor_answers452() throws Exception {
    start(
        AccessPolicy.loopbackOnly(),
        new Admission(spool, 100, ByteSize.ofBytes(Long.MAX_VALUE / 2)),
        null);
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@example.com>").expect("452 4.3.1 Insufficient disk space");
    }
  }

  @Test
  void addresses_sesCannotDeliverAreRefusedAtRcpt_idnIsConverted() throws Exception {
    start(AccessPolicy.loopbackOnly());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@example.com>").expect("250");
      s.send("RCPT TO:<x@[192.0.2.1]>")
          .expect("553 5.1.3 <x@[192.0.2.1]>: address literals ([...]) cannot be sent through SES");
      s.send("RCPT TO:<Postmaster>").expect("553 5.1.3 <Postmaster>: no @domain");
      s.send("RCPT TO:<j\u00f6rg@example.com>")
          .expect("553 5.6.7 <j\\u00f6rg@example.com>: the local part has the non-ASCII character");
      s.send("RCPT TO:<user@b\u00fccher.example>").expect("250");
      s.send("DATA").expect("354");
      String reply =
          s.send("From: a@example.com\r\nSubject: idn\r\n\r\nbody\r\n.")
              .expect("250 2.0.0 Ok: queued as ");
      QueueId id = new QueueId(reply.substring(reply.lastIndexOf(' ') + 1));
      assertThat(spool.find(id).orElseThrow().envelope().recipients())
          .containsExactly("user@xn--bcher-kva.example");
    }
  }

  /**
   * The field trials' addresses: accepted at RCPT before, then the whole message failed at SES with
   * "Invalid email address", the valid recipient included.
   */
  @Test
  void addresses_fromTheFieldTrials_areRefusedAtRcptAndTheValidRecipientIsQueued()
      throws Exception {
    start(AccessPolicy.loopbackOnly());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<c@d>").expectExactly("553 5.1.7 " + RefusalWords.ONE_LABEL_C_AT_D);
      s.send("MAIL FROM:<app@example.com>").expect("250");
      s.send("RCPT TO:<\"a b\"@example.com>").expectExactly("553 5.1.3 " + RefusalWords.QUOTED_A_B);
      s.send("RCPT TO:<c@d>").expectExactly("553 5.1.3 " + RefusalWords.ONE_LABEL_C_AT_D);
      s.send("RCPT TO:<x@localhost>")
          .expectExactly("553 5.1.3 " + RefusalWords.ONE_LABEL_LOCALHOST);
      s.send("RCPT TO:<@a,@b:c@d>").expectExactly("553 5.1.3 " + RefusalWords.SOURCE_ROUTE);
      s.send("RCPT TO:<success+q1@simulator.amazonses.com>").expect("250 2.1.5");
      s.send("DATA").expect("354");
      String reply =
          s.send("From: app@example.com\r\nSubject: trial\r\n\r\nbody\r\n.")
              .expect("250 2.0.0 Ok: queued as ");
      QueueId id = new QueueId(reply.substring(reply.lastIndexOf(' ') + 1));
      assertThat(spool.find(id).orElseThrow().envelope().recipients())
          .containsExactly("success+q1@simulator.amazonses.com");
    }
    assertThat(spool.stats().total()).isEqualTo(1);
  }

  @Test
  void rcpt_suppressedRecipient_refused550WithReasonAndDateOthersQueued() throws Exception {
    Suppression listed =
        new Suppression(
            "bounce@example.com",
            Suppression.Reason.BOUNCE,
            Instant.parse("2026-12-06T03:00:00Z"),
            "ses-1",
            "event");
    suppressions =
        a ->
            Suppressions.normalise(a).equals(listed.address())
                ? Optional.of(listed)
                : Optional.empty();
    start(AccessPolicy.loopbackOnly());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<app@example.com>").expect("250");
      s.send("RCPT TO:<Bounce@Example.com>")
          .expectExactly(
              "550 5.1.1 <Bounce@Example.com>: on the relay's suppression list since 2026-12-06"
                  + " (hard bounce); not sent");
      s.send("RCPT TO:<fine@example.com>").expect("250 2.1.5");
      s.send("DATA").expect("354");
      String reply =
          s.send("From: app@example.com\r\nSubject: s\r\n\r\nbody\r\n.")
              .expect("250 2.0.0 Ok: queued as ");
      QueueId id = new QueueId(reply.substring(reply.lastIndexOf(' ') + 1));
      assertThat(spool.find(id).orElseThrow().envelope().recipients())
          .containsExactly("fine@example.com");
    }
    assertThat(spool.stats().total()).isEqualTo(1);
  }

  /** Each message SES would refuse, sent over DATA: the reply at the final dot, and the words. */
  @Test
  void data_messagesSesWouldRefuse_get550AtTheDotAndNothingIsStored() throws Exception {
    start(AccessPolicy.loopbackOnly());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      String[][] cases = {
        {"", RefusalWords.EMPTY},
        {
          "just a body\r\n",
          "Line 1 is neither a header field nor the empty line that ends the header section"
        },
        {"Subject: no author\r\n\r\nbody\r\n", RefusalWords.NO_FROM},
        {"Subject: x\r\n\r\nFrom: app@example.com\r\n", RefusalWords.NO_FROM},
        {"From: app@example.com\r\nSubject: headers only\r\n", RefusalWords.HEADER_ONLY},
        {"From: app@example.com\r\n\r\nbin\0ary\r\n", RefusalWords.NUL_ON_LINE_3}
      };
      for (String[] c : cases) {
        s.send("MAIL FROM:<app@example.com>").expect("250");
        s.send("RCPT TO:<to@example.net>").expect("250");
        s.send("DATA").expect("354");
        s.sendBytes((c[0] + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.expectExactly("550 5.6.0 " + c[1]);
      }
      s.send("NOOP").expect("250");
    }
    assertThat(spool.stats().total()).isZero();
    assertThat(accepted).isEmpty();
  }

  /**
   * SES's headers that SES or the relay refuse: 550 5.6.0 at the dot, with the HTTP door's words.
   */
  @Test
  void data_sesHeadersRefused_get550AtTheDotAndNothingIsStored() throws Exception {
    start(
        AccessPolicy.loopbackOnly(),
        new Admission(spool, 1_000_000, ByteSize.ofBytes(0)),
        null,
        SesHeaderCases.RULES);
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      for (String[] c : SesHeaderCases.refused()) {
        s.send("MAIL FROM:<app@example.com>").expect("250");
        s.send("RCPT TO:<to@example.net>").expect("250");
        s.send("DATA").expect("354");
        s.sendBytes((SesHeaderCases.message(c[0]) + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.expectExactly("550 5.6.0 " + c[1]);
      }
      assertThat(spool.stats().total()).isZero();
      s.send("MAIL FROM:<app@example.com>").expect("250");
      s.send("RCPT TO:<to@example.net>").expect("250");
      s.send("DATA").expect("354");
      s.sendBytes(
          (SesHeaderCases.message(
                      "X-SES-CONFIGURATION-SET: marketing\r\nX-SES-MESSAGE-TAGS: a=b\r\n")
                  + ".\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      s.expect("250 2.0.0");
    }
    assertThat(spool.stats().total()).isEqualTo(1);
  }

  /**
   * A route or class the relay does not have, an empty one, or the header twice: 550 5.6.0 at the
   * dot with the HTTP door's words, nothing stored; names in any case, folded or padded, are taken.
   */
  @Test
  void data_routeOrClassHeaderNamingNone_gets550AtTheDotAndNothingIsStored() throws Exception {
    relayHeaders = RelayHeaderCases.RULES;
    start(AccessPolicy.loopbackOnly());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      for (Object[] c : RelayHeaderCases.refused()) {
        s.send("MAIL FROM:<app@example.com>").expect("250");
        s.send("RCPT TO:<to@example.net>").expect("250");
        s.send("DATA").expect("354");
        s.sendBytes(
            (RelayHeaderCases.message((String) c[0]) + ".\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        s.expectExactly("550 5.6.0 " + c[2]);
      }
      assertThat(spool.stats().total()).isZero();
      for (String h : RelayHeaderCases.taken()) {
        s.send("MAIL FROM:<app@example.com>").expect("250");
        s.send("RCPT TO:<to@example.net>").expect("250");
        s.send("DATA").expect("354");
        s.sendBytes((RelayHeaderCases.message(h) + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.expect("250 2.0.0");
      }
    }
    assertThat(spool.stats().total()).isEqualTo(RelayHeaderCases.taken().size());
  }

  /** The same over BDAT, where nothing else reads the lines: BDAT 0 LAST, long lines, NUL. */
  @Test
  void bdat_messagesSesWouldRefuse_get550AtTheLastChunkAndNothingIsStored() throws Exception {
    start(AccessPolicy.loopbackOnly());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<app@example.com>").expect("250");
      s.send("RCPT TO:<to@example.net>").expect("250");
      s.send("BDAT 0 LAST").expect("550 5.6.0 " + RefusalWords.EMPTY);
      String[][] cases = {
        {"Subject: no author\r\n\r\nbody\r\n", RefusalWords.NO_FROM},
        {"From: app@example.com\r\nSubject: headers only\r\n", RefusalWords.HEADER_ONLY},
        {"From: app@example.com\r\n\r\nbin\0ary\r\n", RefusalWords.NUL_ON_LINE_3},
        {
          "From: app@example.com\r\n\r\n" + "x".repeat(999) + "\r\n",
          "Line 3 is longer than 1000 octets with its CRLF"
        }
      };
      for (String[] c : cases) {
        s.send("MAIL FROM:<app@example.com>").expect("250");
        s.send("RCPT TO:<to@example.net>").expect("250");
        byte[] m = c[0].getBytes(StandardCharsets.ISO_8859_1);
        int half = m.length / 2;
        s.sendBytes(("BDAT " + half + "\r\n").getBytes(StandardCharsets.US_ASCII));
        s.sendBytes(m, 0, half);
        s.expect("250 2.0.0 Chunk received");
        s.sendBytes(
            ("BDAT " + (m.length - half) + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
        s.sendBytes(m, half, m.length - half);
        s.expectExactly("550 5.6.0 " + c[1]);
      }
      s.send("MAIL FROM:<app@example.com>").expect("250");
      s.send("RCPT TO:<to@example.net>").expect("250");
      byte[] ok = message("fine");
      s.sendBytes(("BDAT " + ok.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
      s.sendBytes(ok);
      s.expect("250 2.0.0 Ok: queued as ");
    }
    assertThat(spool.stats().total()).isEqualTo(1);
  }

  @Test
  void clientVanishingMidData_storesNothing() throws Exception {
    start(AccessPolicy.loopbackOnly());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@example.com>").expect("250");
      s.send("RCPT TO:<b@example.com>").expect("250");
      s.send("DATA").expect("354");
      s.sendBytes(
          "Subject: half\r\n\r\nthe first half of a mess".getBytes(StandardCharsets.US_ASCII));
    }
    awaitNoSessions();
    assertThat(spool.stats().total()).isZero();
    try (SmtpClient c = SmtpClient.connect(client().build())) {
      queued(c.send("a@example.com", List.of("b@example.com"), message("whole")));
    }
    assertThat(spool.stats().total()).isEqualTo(1);
  }

  @Test
  void spoolFailure_answers451AndTheClientKeepsTheMessage() throws Exception {
    start(AccessPolicy.loopbackOnly());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@example.com>").expect("250");
      s.send("RCPT TO:<b@example.com>").expect("250");
      s.send("DATA").expect("354");
      spool.close();
      s.send("From: a@example.com\r\nSubject: lost?\r\n\r\nno\r\n.")
          .expect("451 4.3.0 Message not stored");
    }
    assertThat(accepted).isEmpty();
  }

  private void awaitNoSessions() {
    Await.until("no SMTP session open", Duration.ofSeconds(5), () -> server.activeSessions() == 0);
  }
}
