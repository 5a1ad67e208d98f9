package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.simulator.account.SuppressedDestination;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * The README's first command, as a test: a relay with no configuration delivers to its embedded
 * simulator, and SES's feedback comes back through the simulator's signed SNS to the relay's own
 * endpoint with nothing set. Every mailbox-simulator address, through each door, gives the history
 * SES would; the bounced and complained-of addresses are refused at the door afterwards; what a
 * user sees is checked through {@code sluice queue show} and {@code sluice suppression list}.
 */
class RelayFeedbackLoopIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIM = "@simulator.amazonses.com";

  /** Where a message comes in. */
  enum Door {
    SMTP,
    HTTP
  }

  /** The door's answer: the queue id when accepted, else the refusal. */
  private record Answer(String id, int code, String refusal) {}

  private record Run(int status, String out, String err) {}

  @TempDir Path dir;
  private Relay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private FeedbackStore startRelay() {
    // No upstream, no AWS configuration, no SNS flags: the README's `./sluice relay`.
    relay = Relay.start(RelayConfig.onFreePorts(dir.resolve("spool")), Map.of(), dir);
    assertThat(relay.embeddedSimulator()).as("the embedded simulator").isPresent();
    assertThat(relay.snsPort()).as("no SNS door configured").isEqualTo(-1);
    return relay.feedback().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(Door.class)
  void bounce_noConfiguration_bouncedSuppressedShownAndRefusedAtTheDoor(Door door)
      throws Exception {
    FeedbackStore store = startRelay();
    String to = "bounce" + SIM;
    Answer a = send(door, to);
    assertThat(a.id()).as(a.refusal()).isNotNull();
    List<HistoryEntry> h = awaitEvent(store, a.id(), "BOUNCE");
    assertThat(kinds(h))
        .containsSubsequence(
            HistoryEntry.Kind.ACCEPTED, HistoryEntry.Kind.DELIVERED, HistoryEntry.Kind.EVENT);
    assertThat(event(h, "BOUNCE").detail()).contains("BOUNCE Permanent/General");
    Suppression s = store.find(to).orElseThrow();
    assertThat(s.reason()).isEqualTo(Suppression.Reason.BOUNCE);

    String admin = relay.adminUri().toString();
    Run show = run(new QueueCommand(Map.of()), "show", "--admin", admin, a.id());
    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out())
        .containsPattern("delivered +ses=")
        .containsPattern("event +" + to + " +ses=\\S+ +BOUNCE Permanent/General");
    Run list = run(new SuppressionCommand(Map.of()), "list", "--admin", admin);
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.out().lines().map(l -> l.split(" ")[0]).toList()).containsExactly(to);

    Answer smtp = send(Door.SMTP, to);
    assertThat(smtp.id()).as("refused at RCPT").isNull();
    assertThat(smtp.code()).isEqualTo(550);
    assertThat(smtp.refusal()).contains("5.1.1").contains("on the relay's suppression list");
    Answer http = send(Door.HTTP, to);
    assertThat(http.id()).isNull();
    assertThat(http.code()).isEqualTo(400);
    assertThat(http.refusal()).contains("recipient_suppressed");
  }

  @ParameterizedTest
  @EnumSource(Door.class)
  void mailboxSimulator_everyAddress_historyAndSuppressionAsSesReports(Door door) throws Exception {
    FeedbackStore store = startRelay();

    String complaint = "complaint" + SIM;
    List<HistoryEntry> c = awaitEvent(store, accepted(door, complaint), "COMPLAINT");
    assertThat(kinds(c)).containsSubsequence(HistoryEntry.Kind.DELIVERED, HistoryEntry.Kind.EVENT);
    assertThat(store.find(complaint).orElseThrow().reason())
        .isEqualTo(Suppression.Reason.COMPLAINT);

    String ooto = "ooto" + SIM;
    List<HistoryEntry> o = awaitEvent(store, accepted(door, ooto), "BOUNCE");
    assertThat(kinds(o)).containsSubsequence(HistoryEntry.Kind.DELIVERED, HistoryEntry.Kind.EVENT);
    assertThat(event(o, "BOUNCE").detail()).contains("BOUNCE Transient");
    assertThat(store.find(ooto)).as("a transient bounce does not suppress").isEmpty();

    // SES's global list: a Permanent/Suppressed bounce, a hard bounce like any other.
    String listed = "suppressionlist" + SIM;
    List<HistoryEntry> l = awaitEvent(store, accepted(door, listed), "BOUNCE");
    assertThat(event(l, "BOUNCE").detail()).contains("BOUNCE Permanent/Suppressed");
    assertThat(store.find(listed).orElseThrow().reason()).isEqualTo(Suppression.Reason.BOUNCE);

    // The account's own list, as PutSuppressedDestination leaves it: recorded as SES's.
    String account = "listed-by-ses@example.com";
    relay
        .embeddedSimulator()
        .orElseThrow()
        .core()
        .suppression()
        .put(new SuppressedDestination(account, "BOUNCE", System.currentTimeMillis(), null, null));
    List<HistoryEntry> a = awaitEvent(store, accepted(door, account), "BOUNCE");
    assertThat(event(a, "BOUNCE").detail()).contains("BOUNCE Permanent/OnAccountSuppressionList");
    assertThat(store.find(account).orElseThrow().reason()).isEqualTo(Suppression.Reason.SES);

    String success = "success" + SIM;
    List<HistoryEntry> d = awaitEvent(store, accepted(door, success), "DELIVERY");
    assertThat(kinds(d)).containsSubsequence(HistoryEntry.Kind.DELIVERED, HistoryEntry.Kind.EVENT);
    assertThat(store.find(success)).isEmpty();

    assertThat(send(door, complaint).id()).as("the complained-of address refused").isNull();
    assertThat(send(door, ooto).id()).as("the out-of-office address still taken").isNotNull();
  }

  /** With its own SNS endpoint configured, the operator's word stands: nothing is subscribed. */
  @org.junit.jupiter.api.Test
  void snsListenSet_embeddedSimulator_noLoopWiredBehindTheOperatorsBack() {
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "sns.listen=127.0.0.1:0",
                "sns.topic=arn:aws:sns:us-east-1:123456789012:sluice-simulator-feedback"),
            Map.of(),
            dir);
    assertThat(relay.snsPort()).isPositive();
    assertThat(relay.embeddedSimulator().orElseThrow().sns().subscriptions()).isEmpty();
  }

  private String accepted(Door door, String to) throws Exception {
    Answer a = send(door, to);
    assertThat(a.id()).as(to + ": " + a.refusal()).isNotNull();
    return a.id();
  }

  private Answer send(Door door, String to) throws Exception {
    return door == Door.SMTP ? smtp(to) : http(to);
  }

  private Answer smtp(String to) throws Exception {
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      SendResult r =
          c.send(
              "app@example.com",
              List.of(to),
              ("From: app@example.com\r\nTo: " + to + "\r\nSubject: loop\r\n\r\nHello.\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      if (r instanceof SendResult.Accepted ok) {
        String text = ok.reply().text();
        return new Answer(text.substring(text.lastIndexOf(' ') + 1), 250, null);
      }
      assertThat(r).isInstanceOf(SendResult.Refused.class);
      var reply = ((SendResult.Refused) r).refused().getFirst().reply();
      return new Answer(null, reply.code(), reply.enhanced() + " " + reply.text());
    }
  }

  private Answer http(String to) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + relay.httpPort() + "/v1/messages"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(
                              Map.of(
                                  "from", "app@example.com",
                                  "to", to,
                                  "subject", "loop",
                                  "text", "Hello."))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      return r.statusCode() == 202
          ? new Answer(body.path("id").asText(), 202, null)
          : new Answer(null, r.statusCode(), r.body());
    }
  }

  /** Waits for SES's event of that type in the message's history; returns the history. */
  private static List<HistoryEntry> awaitEvent(FeedbackStore store, String id, String type)
      throws InterruptedException {
    await(
        () -> store.history(id).stream().anyMatch(e -> isEvent(e, type)),
        "a " + type + " in the history of " + id);
    return store.history(id);
  }

  private static boolean isEvent(HistoryEntry e, String type) {
    return e.kind() == HistoryEntry.Kind.EVENT && e.detail().startsWith(type);
  }

  private static HistoryEntry event(List<HistoryEntry> h, String type) {
    return h.stream().filter(e -> isEvent(e, type)).findFirst().orElseThrow();
  }

  private static List<HistoryEntry.Kind> kinds(List<HistoryEntry> h) {
    return h.stream().map(HistoryEntry::kind).toList();
  }

  private static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
