package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Settings;
import dev.sluice.ingress.UserStore;
import dev.sluice.testkit.SelfSigned;
import dev.sluice.testkit.SmtpConversation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running relay reads its configuration file again ({@code POST /api/reload}): what can change
 * live is in force at once, on sessions already open; what cannot is named and left alone; an
 * invalid file is refused whole.
 */
class RelayReloadIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Relay relay;
  private Path file;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  /** The settings as {@code sluice relay --config FILE} with free ports resolves them. */
  private Settings resolve() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("relay.smtp.port", "0");
    flags.put("relay.http.port", "0");
    flags.put("relay.admin.port", "0");
    flags.put("relay.spool.dir", dir.resolve("spool").toString());
    flags.put("relay.hostname", "relay.test");
    flags.put("relay.stop-grace", "1s");
    return ConfigLoader.resolve(
        RelayConfig.SCHEMA, ConfigLoader.readFile(file), file.toString(), Map.of(), null, flags);
  }

  private void write(String... lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n");
  }

  private void start(String... lines) throws IOException {
    file = dir.resolve("relay.conf");
    write(lines);
    Settings started = resolve();
    relay = Relay.start(RelayConfig.from(started), Map.of(), dir);
    relay.reloadFrom(started, this::resolve);
  }

  private record Answer(int status, JsonNode body) {}

  private Answer postReload() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(relay.adminUri().resolve("/api/reload"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  private static List<String> strings(JsonNode array) {
    List<String> s = new ArrayList<>();
    array.forEach(n -> s.add(n.asText()));
    return s;
  }

  /** A raw SMTP session on the relay. */
  private final class Session {
    final Socket socket;
    final BufferedReader in;
    final Writer out;

    Session() throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), relay.smtpPort());
      sockets.add(socket);
      socket.setSoTimeout(20_000);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = new java.io.OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
      expect("220");
      say("EHLO client.test").expect("250");
    }

    Session say(String line) throws IOException {
      out.write(line + "\r\n");
      out.flush();
      return this;
    }

    /** The last line of the next reply. */
    String reply() throws IOException {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.length() < 4 || line.charAt(3) != '-') {
          return line;
        }
      }
      return null;
    }

    String expect(String code) throws IOException {
      String r = reply();
      assertThat(r).as("reply").isNotNull().startsWith(code);
      return r;
    }
  }

  @Test
  void reload_liveSettingsChanged_inForceOnAnOpenSessionAndTheRestNamed() throws Exception {
    start("relay.max-send-rate = 50", "relay.retry.delays = 1m", "relay.spool.high-water = 5000");
    Session open = new Session();
    assertThat(relay.sender().rateCeiling()).isEqualTo(50.0);

    write(
        "relay.max-send-rate = 10",
        "relay.retry.delays = 30s, 2m",
        "relay.spool.high-water = 7000",
        "relay.access.relay-networks = 10.0.0.0/8",
        "relay.max-message-size = 10MB");
    Answer a = postReload();

    assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    assertThat(strings(a.body().path("applied")))
        .containsExactlyInAnyOrder(
            "relay.max-send-rate",
            "relay.retry.delays",
            "relay.spool.high-water",
            "relay.access.relay-networks");
    assertThat(strings(a.body().path("restartNeeded"))).containsExactly("relay.max-message-size");
    assertThat(strings(a.body().path("reread"))).isEmpty();
    assertThat(relay.sender().rateCeiling()).isEqualTo(10.0);
    assertThat(relay.sender().currentRate()).isLessThanOrEqualTo(10.0);
    assertThat(relay.live().admission().highWater()).isEqualTo(7000);
    // The session opened before is still there, under the new access rules.
    open.say("MAIL FROM:<a@example.com>").expect("554 5.7.1");

    // Nothing changed since: nothing applied, the restart-only change still named.
    Answer again = postReload();
    assertThat(strings(again.body().path("applied"))).isEmpty();
    assertThat(strings(again.body().path("restartNeeded")))
        .containsExactly("relay.max-message-size");

    write(
        "relay.max-send-rate = 10",
        "relay.spool.high-water = 5000",
        "relay.access.relay-networks = 127.0.0.0/8");
    Answer back = postReload();
    assertThat(strings(back.body().path("applied")))
        .contains("relay.access.relay-networks", "relay.retry.delays", "relay.spool.high-water");
    assertThat(strings(back.body().path("restartNeeded"))).isEmpty();
    assertThat(relay.live().admission().highWater()).isEqualTo(5000);
    open.say("MAIL FROM:<a@example.com>").expect("250");
    open.say("RCPT TO:<success@simulator.amazonses.com>").expect("250");
    open.say("DATA").expect("354");
    open.say("From: a@example.com\r\nSubject: after a reload\r\n\r\nhello\r\n.").expect("250");
  }

  @Test
  void reload_routeChanged_namedAsNeedingARestart() throws Exception {
    start("relay.route.eu.upstream = simulator", "relay.route-rule.1 = user app -> eu");
    write("relay.route.eu.upstream = simulator", "relay.route-rule.1 = user news -> eu");
    Answer a = postReload();
    assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    assertThat(strings(a.body().path("restartNeeded"))).containsExactly("relay.route-rule.1");
    assertThat(strings(a.body().path("applied"))).isEmpty();
  }

  @Test
  void reload_invalidFile_refusedWholeAndTheRunningConfigurationKept() throws Exception {
    start("relay.max-send-rate = 50");

    write("relay.max-send-rate = 10", "relay.access.relay-networks = not-a-network");
    Answer bad = postReload();
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("error").path("code").asText()).isEqualTo("invalid_config");
    assertThat(bad.body().path("error").path("message").asText())
        .contains("relay.access.relay-networks");

    write("relay.max-send-rate = 10", "relay.access.users-file = " + dir.resolve("missing"));
    Answer missing = postReload();
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body().path("error").path("message").asText()).contains("missing");

    write("relay.max-send-rate = 10", "relay.no-such-key = 1");
    assertThat(postReload().status()).isEqualTo(400);

    assertThat(relay.sender().rateCeiling()).as("nothing of the refused files").isEqualTo(50.0);
    assertThat(relay.live().access().relayNetworks().toString()).contains("127.0.0.0/8");
  }

  @Test
  void reload_usersFileChanged_readAgainAndTheNewUserLogsIn() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "alice:" + UserStore.hash("alice-pw".toCharArray(), 1000) + "\n");
    start("relay.access.users-file = " + users, "relay.access.relay-networks =");
    Session s = new Session();
    s.say("AUTH PLAIN " + plain("bob", "bob-pw")).expect("535");

    Files.writeString(
        users,
        "alice:"
            + UserStore.hash("alice-pw".toCharArray(), 1000)
            + "\nbob:"
            + UserStore.hash("bob-pw".toCharArray(), 1000)
            + "\n");
    Answer a = postReload();

    assertThat(a.status()).isEqualTo(200);
    assertThat(strings(a.body().path("applied"))).isEmpty(); // the file's name did not change
    assertThat(strings(a.body().path("reread"))).containsExactly("relay.access.users-file");
    s.say("AUTH PLAIN " + plain("bob", "bob-pw")).expect("235");
    s.say("MAIL FROM:<bob@example.com>").expect("250");
  }

  /** A client context that trusts any server and notes the subject of the certificate it saw. */
  private static javax.net.ssl.SSLContext noting(java.util.List<String> subjects) throws Exception {
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new javax.net.ssl.TrustManager[] {
          new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(
                java.security.cert.X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(
                java.security.cert.X509Certificate[] chain, String authType) {
              subjects.add(chain[0].getSubjectX500Principal().getName());
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
              return new java.security.cert.X509Certificate[0];
            }
          }
        },
        null);
    return ctx;
  }

  /** An SMTP session upgraded with STARTTLS; the server's certificate subject is noted. */
  private SmtpConversation tlsSession(java.util.List<String> subjects) throws Exception {
    SmtpConversation c = SmtpConversation.connect(relay.smtpPort());
    c.expect("220");
    c.send("EHLO client.test").expect("250");
    c.send("STARTTLS").expect("220");
    c.startTls(noting(subjects));
    c.send("EHLO client.test").expect("250");
    return c;
  }

  @Test
  void reload_certificateRenewedInPlace_newHandshakesGetIt_anOpenTlsSessionGoesOn()
      throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    SelfSigned.certificate(cert, key, "first.test");
    start("relay.tls.certificate = " + cert, "relay.tls.key = " + key);
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SmtpConversation before = tlsSession(seen)) {
      assertThat(seen).containsExactly("CN=first.test");

      SelfSigned.certificate(
          cert, key, "renewed.test"); // renewed in place, as a certificate robot does
      Answer a = postReload();

      assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
      assertThat(strings(a.body().path("applied"))).isEmpty();
      assertThat(strings(a.body().path("reread"))).containsExactly("relay.tls.certificate");
      try (SmtpConversation after = tlsSession(seen)) {
        assertThat(seen).containsExactly("CN=first.test", "CN=renewed.test");
        after.send("NOOP").expect("250");
      }
      before.send("NOOP").expect("250"); // the session encrypted before goes on

      // A certificate renewed without its key is refused whole; the renewed one is still served.
      Path otherKey = dir.resolve("other-key.pem");
      SelfSigned.certificate(dir.resolve("other-cert.pem"), otherKey, "other.test");
      write("relay.tls.certificate = " + cert, "relay.tls.key = " + otherKey);
      Answer bad = postReload();
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body().path("error").path("message").asText()).contains("does not match");
      try (SmtpConversation again = tlsSession(seen)) {
        assertThat(seen).last().isEqualTo("CN=renewed.test");
        again.send("NOOP").expect("250");
      }
    }
  }

  @Test
  void reload_relayStartedWithoutAConfigurationSource_answers404() throws Exception {
    relay = Relay.start(RelayConfig.onFreePorts(dir.resolve("spool"), "hold=true"), Map.of(), dir);
    Answer a = postReload();
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.body().path("error").path("code").asText()).isEqualTo("reload_unavailable");
  }

  private static String plain(String user, String password) {
    return Base64.getEncoder()
        .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }
}
