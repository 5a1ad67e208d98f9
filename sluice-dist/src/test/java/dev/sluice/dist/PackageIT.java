package dev.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package the build made, checked as Debian's tools see it and then run: extracted with
 * {@code dpkg-deb -x} into a temporary directory (never installed on the test machine), its {@code
 * sluice} starts a simulator and a relay on the runtime the package carries, and the relay delivers
 * a message to the simulator over HTTPS.
 */
class PackageIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static Path deb;
  static Path root;

  @BeforeAll
  static void extract() throws Exception {
    Path dist = Path.of(System.getProperty("dist.dir", "target/release"));
    String version = System.getProperty("dist.version", "0.1.0-SNAPSHOT").replace('-', '~');
    deb = dist.resolve("sluice_" + version + "_amd64.deb");
    assertThat(deb).as("built by the package phase").exists();
    root = tmp.resolve("root");
    Result x = run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), Map.of());
    assertThat(x.status()).as(x.output()).isZero();
  }

  @Test
  void info_namesPackageVersionDependenciesConffileAndScripts() throws Exception {
    Result info = run(List.of("dpkg-deb", "--info", deb.toString()), Map.of());
    assertThat(info.status()).as(info.output()).isZero();
    String version = System.getProperty("dist.version", "0.1.0-SNAPSHOT").replace('-', '~');
    assertThat(info.output())
        .contains(" Package: sluice\n")
        .contains(" Version: " + version + "\n")
        .contains(" Architecture: amd64\n")
        .containsPattern(" Depends: adduser, libc6 \\(>= [0-9.]+\\)")
        .contains(" Section: mail\n")
        .containsPattern("\\d+ bytes, +\\d+ lines +\\* +postinst +#!/bin/sh")
        .containsPattern("\\d+ bytes, +\\d+ lines +\\* +prerm +#!/bin/sh")
        .containsPattern("\\d+ bytes, +\\d+ lines +\\* +postrm +#!/bin/sh")
        .containsPattern("\\d+ bytes, +1 lines +conffiles");
    Result conffiles = run(List.of("dpkg-deb", "-I", deb.toString(), "conffiles"), Map.of());
    assertThat(conffiles.output().strip()).isEqualTo("/etc/sluice/relay.conf");
    Result postinst = run(List.of("dpkg-deb", "-I", deb.toString(), "postinst"), Map.of());
    assertThat(postinst.output())
        .contains("adduser --system --group --home /var/lib/sluice")
        .contains("chown sluice:sluice /var/lib/sluice")
        .contains("deb-systemd-helper enable sluice-relay.service");
  }

  @Test
  void contents_installsTheProgramConfigServiceSpoolCompletionsAndManPagesAsRoot()
      throws Exception {
    Result c = run(List.of("dpkg-deb", "--contents", deb.toString()), Map.of());
    assertThat(c.status()).as(c.output()).isZero();
    Map<String, String> modes = new java.util.HashMap<>();
    for (String line : c.output().lines().toList()) {
      String[] f = line.split("\\s+");
      assertThat(f[1]).as("owner of " + f[5]).isEqualTo("root/root");
      modes.put(f[5], f[0]);
    }
    assertThat(modes)
        .containsEntry("./usr/bin/sluice", "-rwxr-xr-x")
        .containsEntry("./usr/lib/sluice/runtime/bin/java", "-rwxr-xr-x")
        .containsEntry("./usr/lib/sluice/sluice.jar", "-rw-r--r--")
        .containsEntry("./etc/sluice/relay.conf", "-rw-r--r--")
        .containsEntry("./usr/lib/systemd/system/sluice-relay.service", "-rw-r--r--")
        .containsEntry("./usr/lib/sysusers.d/sluice.conf", "-rw-r--r--")
        .containsEntry("./usr/lib/tmpfiles.d/sluice.conf", "-rw-r--r--")
        .containsEntry("./var/lib/sluice/", "drwxr-xr-x")
        .containsEntry("./usr/share/bash-completion/completions/sluice", "-rw-r--r--")
        .containsEntry("./usr/share/zsh/vendor-completions/_sluice", "-rw-r--r--")
        .containsEntry("./usr/share/man/man1/sluice.1.gz", "-rw-r--r--")
        .containsEntry("./usr/share/man/man1/sluice-relay.1.gz", "-rw-r--r--")
        .containsEntry("./usr/share/man/man1/sluice-check-config.1.gz", "-rw-r--r--")
        .containsEntry("./usr/share/doc/sluice/copyright", "-rw-r--r--")
        .containsEntry("./usr/share/doc/sluice/changelog.gz", "-rw-r--r--");
    if (runtimeFeature() >= 25) {
      assertThat(modes).containsEntry("./usr/lib/sluice/sluice.aot", "-rw-r--r--");
    }
    assertThat(modes.keySet())
        .as("no JDK development tools or desktop native libraries in the runtime")
        .noneMatch(p -> p.endsWith("/bin/javac") || p.endsWith("/bin/jlink"))
        .noneMatch(p -> p.endsWith("libawt_xawt.so") || p.endsWith("libfreetype.so"));
  }

  @Test
  void tarball_holdsTheSameTreeAsThePackage() throws Exception {
    Path tarball;
    try (Stream<Path> s = Files.list(deb.getParent())) {
      tarball =
          s.filter(p -> p.getFileName().toString().contains(".tar.")).findFirst().orElseThrow();
    }
    Result t = run(List.of("tar", "-tf", tarball.toString()), Map.of());
    Result c = run(List.of("dpkg-deb", "--contents", deb.toString()), Map.of());
    List<String> fromDeb =
        c.output()
            .lines()
            .map(l -> l.split("\\s+")[5])
            .filter(p -> !p.equals("./"))
            .sorted()
            .toList();
    List<String> fromTar = t.output().lines().filter(p -> !p.equals("./")).sorted().toList();
    assertThat(fromTar).isEqualTo(fromDeb);
  }

  @Test
  void unit_passesSystemdAnalyzeVerifyWithItsManPages() throws Exception {
    // A root of its own for systemd-analyze: the host's units (the targets the unit names), the
    // packaged unit and launcher, and kill (ExecReload); man looks in the extracted man pages.
    Path vroot = tmp.resolve("verify-root");
    Path units = Files.createDirectories(vroot.resolve("usr/lib/systemd/system"));
    try (Stream<Path> host = Files.list(Path.of("/usr/lib/systemd/system"))) {
      for (Path u : host.filter(Files::isRegularFile).toList()) {
        Files.copy(u, units.resolve(u.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path unit = root.resolve("usr/lib/systemd/system/sluice-relay.service");
    Files.copy(unit, units.resolve("sluice-relay.service"), StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(vroot.resolve("usr/bin"));
    Files.copy(root.resolve("usr/bin/sluice"), vroot.resolve("usr/bin/sluice"));
    Files.createDirectories(vroot.resolve("bin"));
    Files.copy(Path.of("/bin/kill"), vroot.resolve("bin/kill"));
    Result v =
        run(
            List.of("systemd-analyze", "verify", "--root=" + vroot, "sluice-relay.service"),
            Map.of("MANPATH", root.resolve("usr/share/man").toString()));
    assertThat(v.status()).as(v.output()).isZero();
    assertThat(v.output()).as("systemd-analyze verify says nothing of a good unit").isEmpty();
    String text = Files.readString(unit);
    assertThat(text)
        .contains("\nType=notify\n")
        .contains("\nRestart=on-failure\n")
        .contains("\nExecReload=/bin/kill -HUP $MAINPID\n")
        .contains("\nProtectSystem=strict\n")
        .contains("\nReadWritePaths=/var/lib/sluice\n")
        .contains("\nNoNewPrivileges=yes\n")
        .contains("\nPrivateTmp=yes\n")
        .contains("\nCapabilityBoundingSet=\n");
  }

  @Test
  void unit_stopTimeoutIsLongerThanTheRelaysStopGrace() throws Exception {
    String unit = Files.readString(root.resolve("usr/lib/systemd/system/sluice-relay.service"));
    Matcher timeout = Pattern.compile("\nTimeoutStopSec=(\\d+)s\n").matcher(unit);
    assertThat(timeout.find()).as("TimeoutStopSec in seconds").isTrue();
    Map<String, String> conf = dev.sluice.core.config.ConfigLoader.readFile(conf());
    Matcher grace = Pattern.compile("(\\d+)s").matcher(conf.get("relay.stop-grace"));
    assertThat(grace.matches()).as(conf.get("relay.stop-grace")).isTrue();
    assertThat(Integer.parseInt(timeout.group(1)))
        .isGreaterThan(Integer.parseInt(grace.group(1)) + 10);
  }

  @Test
  void version_namesVersionAndCommitAndUsesTheAotCacheFromAnywhere() throws Exception {
    // AOTMode=on: the JVM stops instead of running without the cache when it cannot use it. A
    // package built on a JDK before 25 has no cache (make-dist.sh says so).
    Result r =
        run(
            List.of(root.resolve("usr/bin/sluice").toString(), "--version"),
            runtimeFeature() >= 25 ? Map.of("SLUICE_JAVA_OPTS", "-XX:AOTMode=on") : Map.of());
    assertThat(r.status()).as(r.output()).isZero();
    assertThat(r.output())
        .containsPattern(
            "^sluice "
                + Pattern.quote(System.getProperty("dist.version", "0.1.0-SNAPSHOT"))
                + " \\(commit [0-9a-f]{12}(-dirty)?\\)\n")
        .containsPattern("\nJava \\d+");
    // The commit of this checkout, even in a git worktree (where a plugin once named the main
    // checkout's). The IT runs in sluice-dist, inside the checkout.
    Result head = run(List.of("git", "rev-parse", "--short=12", "HEAD"), Map.of());
    if (head.status() == 0) {
      assertThat(r.output()).contains("(commit " + head.output().strip());
    }
  }

  @Test
  void relay_noJvmOption_getsTheRelaysBoundsAndJavaOptsReplaceThem() throws Exception {
    Path sluice = root.resolve("usr/bin/sluice");
    Path java = root.resolve("usr/lib/sluice/runtime/bin/java");
    LauncherHeap.Flags relay = LauncherHeap.of(sluice, "relay", "", Map.of());
    assertThat(relay.maxHeap()).isEqualTo(LauncherHeap.RELAY_DEFAULT);
    assertThat(relay.initialHeap()).isEqualTo(LauncherHeap.RELAY_INITIAL);
    assertThat(relay.on("UseSerialGC")).isTrue();
    assertThat(relay.maxYoung()).isEqualTo(LauncherHeap.RELAY_YOUNG);
    assertThat(LauncherHeap.of(sluice, "relay", "-Xmx300m", Map.of()).maxHeap())
        .isEqualTo(300L << 20);
    assertThat(LauncherHeap.of(sluice, "relay", "-Xms1g", Map.of()).maxHeap())
        .isEqualTo(LauncherHeap.jvm(java, "-Xms1g").maxHeap());
    assertThat(LauncherHeap.of(sluice, "relay", "-XX:MaxRAMPercentage=25", Map.of()).maxHeap())
        .isEqualTo(LauncherHeap.jvm(java, "-XX:MaxRAMPercentage=25").maxHeap());
    LauncherHeap.Flags g1 = LauncherHeap.of(sluice, "relay", "-XX:+UseG1GC", Map.of());
    assertThat(g1.on("UseG1GC")).isTrue();
    assertThat(g1.on("UseSerialGC")).isFalse();
  }

  @Test
  void simulator_noJvmOption_keepsTheJvmDefaults() throws Exception {
    Path java = root.resolve("usr/lib/sluice/runtime/bin/java");
    LauncherHeap.Flags simulator =
        LauncherHeap.of(root.resolve("usr/bin/sluice"), "simulator", "", Map.of());
    LauncherHeap.Flags jvm = LauncherHeap.jvm(java, "");
    assertThat(simulator.maxHeap()).isEqualTo(jvm.maxHeap());
    assertThat(simulator.on("UseSerialGC")).isEqualTo(jvm.on("UseSerialGC"));
  }

  @Test
  void aotCache_holdsTheClassesAndProfilesOfDeliveringMailNotOnlyOfAStart() throws Exception {
    // The training run delivers mail: the SDK's SendEmail marshaller loads only when a message is
    // sent, so a cache trained on a start and a stop (the package's before) lacks it, and it has
    // no JIT training data (JEP 515) of the delivery path either.
    org.junit.jupiter.api.Assumptions.assumeTrue(runtimeFeature() >= 25, "no cache before 25");
    Path listing = tmp.resolve("aot-listing.txt"); // 100+ MB: read line by line
    ProcessBuilder pb =
        new ProcessBuilder(root.resolve("usr/bin/sluice").toString())
            .redirectErrorStream(true)
            .redirectOutput(listing.toFile());
    pb.environment().put("SLUICE_JAVA_OPTS", "-XX:AOTMode=on -XX:+PrintSharedArchiveAndExit");
    Process p = pb.start();
    assertThat(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    boolean marshaller = false;
    boolean trainingData = false;
    boolean deliverProfiled = false;
    try (BufferedReader in = Files.newBufferedReader(listing, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        marshaller |=
            line.contains(
                " software.amazon.awssdk.services.sesv2.transform.SendEmailRequestMarshaller ");
        trainingData |= line.equals("Archived TrainingData Dictionary");
        deliverProfiled |=
            trainingData && line.contains("dev/sluice/ses/RecipientSplit[A].deliver(");
      }
    }
    assertThat(marshaller).as("SendEmailRequestMarshaller among the classes").isTrue();
    assertThat(trainingData).as("the cache's training data").isTrue();
    assertThat(deliverProfiled)
        .as("RecipientSplit.deliver (a message's calls) in the training data")
        .isTrue();
  }

  @Test
  void checkConfig_packagedConfigIsValidAndABrokenCopyIsNot() throws Exception {
    Path sluice = root.resolve("usr/bin/sluice");
    Result ok = run(List.of(sluice.toString(), "check-config", conf().toString()), Map.of());
    assertThat(ok.status()).as(ok.output()).isZero();
    Path broken = tmp.resolve("broken.conf");
    Files.writeString(
        broken, Files.readString(conf()).replace("relay.expiry = 1d", "relay.expiry = 1 day"));
    Result bad = run(List.of(sluice.toString(), "check-config", broken.toString()), Map.of());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.output()).contains("relay.expiry");
  }

  @Test
  void completion_bashCompletesSubcommandsAndRelayFlags() throws Exception {
    Path bash = root.resolve("usr/share/bash-completion/completions/sluice");
    String script =
        "source '"
            + bash
            + "'\n"
            + "COMP_WORDS=(sluice che); COMP_CWORD=1; COMP_LINE='sluice che'; COMP_POINT=10\n"
            + "_complete_sluice; echo \"1:${COMPREPLY[*]}\"\n"
            + "COMP_WORDS=(sluice relay --spool-d); COMP_CWORD=2; COMP_LINE='sluice relay --spool-d'; COMP_POINT=22\n"
            + "_complete_sluice; echo \"2:${COMPREPLY[*]}\"\n";
    Result r = run(List.of("bash", "-c", script), Map.of());
    assertThat(r.status()).as(r.output()).isZero();
    assertThat(r.output()).contains("1:check-config").contains("2:--spool-dir");
    Result zsh =
        run(
            List.of(
                "zsh", "-n", root.resolve("usr/share/zsh/vendor-completions/_sluice").toString()),
            Map.of());
    assertThat(zsh.status()).as("zsh parses its completion file: " + zsh.output()).isZero();
  }

  @Test
  void manPages_renderTheRelaysOptions() throws Exception {
    Result r =
        run(
            List.of("man", "-l", root.resolve("usr/share/man/man1/sluice-relay.1.gz").toString()),
            Map.of("MANPAGER", "cat", "MANWIDTH", "100"));
    assertThat(r.status()).as(r.output()).isZero();
    assertThat(r.output()).contains("--spool-dir").contains("--stop-grace");
  }

  @Test
  void packagedSluice_relayReadyOverNotifySocketDeliversToPackagedSimulatorOverTls()
      throws Exception {
    Path sluice = root.resolve("usr/bin/sluice");
    Path pem = tmp.resolve("sim.pem");
    Process sim =
        new ProcessBuilder(
                sluice.toString(),
                "simulator",
                "--http-port",
                "0",
                "--https-port",
                "0",
                "--smtp-port",
                "off",
                "--max-send-rate",
                "unlimited",
                "--export-cert",
                pem.toString())
            .redirectErrorStream(true)
            .start();
    Process relay = null;
    Socket notify = null;
    try {
      List<String> simOut = readUntilReady(sim);
      Matcher http =
          Pattern.compile("v2/v1 API (http://127\\.0\\.0\\.1:\\d+)\\b")
              .matcher(String.join("\n", simOut));
      Matcher https =
          Pattern.compile("v2/v1 API https://127\\.0\\.0\\.1:(\\d+)")
              .matcher(String.join("\n", simOut));
      assertThat(http.find() && https.find()).as(String.join("\n", simOut)).isTrue();
      Path trust = trustStore(pem);

      Epoll.ensureAvailability();
      Path socket = tmp.resolve("notify");
      notify = Socket.newSocketDomainDgram();
      notify.bind(new DomainSocketAddress(socket.toFile()));
      ProcessBuilder pb =
          new ProcessBuilder(
                  sluice.toString(),
                  "relay",
                  "--config",
                  conf().toString(),
                  "--spool-dir",
                  tmp.resolve("spool").toString(),
                  "--smtp-port",
                  "0",
                  "--http-port",
                  "0",
                  "--admin-port",
                  "0",
                  "--upstream",
                  "ses-v2+https://127.0.0.1:" + https.group(1),
                  "--region",
                  "us-east-1",
                  "--max-send-rate",
                  "unlimited")
              .redirectErrorStream(true);
      pb.environment()
          .putAll(
              Map.of(
                  "NOTIFY_SOCKET",
                  socket.toString(),
                  "AWS_ACCESS_KEY_ID",
                  "AKIAIOSFODNN7EXAMPLE",
                  "AWS_SECRET_ACCESS_KEY",
                  "secret",
                  "SLUICE_JAVA_OPTS",
                  "-Djavax.net.ssl.trustStore="
                      + trust
                      + " -Djavax.net.ssl.trustStorePassword=changeit"));
      relay = pb.start();
      List<String> relayOut = readUntilReady(relay);
      assertThat(receive(notify, relay)).as("sd_notify from the relay").isEqualTo("READY=1");
      Matcher smtp =
          Pattern.compile("SMTP smtp://127\\.0\\.0\\.1:(\\d+)")
              .matcher(String.join("\n", relayOut));
      assertThat(smtp.find()).as(String.join("\n", relayOut)).isTrue();
      assertThat(String.join("\n", relayOut)).contains("spool " + tmp.resolve("spool"));

      String subject = "packaged-" + System.nanoTime();
      try (SmtpClient c =
          SmtpClient.connect(
              SmtpClientConfig.builder("127.0.0.1", Integer.parseInt(smtp.group(1)))
                  .startTls(SmtpClientConfig.StartTls.NEVER, null)
                  .build())) {
        byte[] message =
            ("From: app@example.com\r\nTo: success@simulator.amazonses.com\r\nSubject: "
                    + subject
                    + "\r\n\r\nsent by the packaged relay\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(c.send("app@example.com", List.of("success@simulator.amazonses.com"), message))
            .isInstanceOf(SendResult.Accepted.class);
      }
      URI received =
          URI.create(
              http.group(1)
                  + "/_sluice/messages?q="
                  + URLEncoder.encode(subject, StandardCharsets.UTF_8));
      Instant until = Instant.now().plus(DEADLINE);
      String body = "";
      try (HttpClient client = HttpClient.newHttpClient()) {
        while (!body.contains(subject) && Instant.now().isBefore(until)) {
          body =
              client
                  .send(
                      HttpRequest.newBuilder(received).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          if (!body.contains(subject)) {
            TimeUnit.MILLISECONDS.sleep(50); // polling interval while waiting on the condition
          }
        }
      }
      assertThat(body).as("the simulator received the message").contains(subject);

      relay.destroy(); // SIGTERM, as systemctl stop sends
      assertThat(receive(notify, relay)).isEqualTo("STOPPING=1");
      assertThat(relay.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS))
          .as("stops on SIGTERM")
          .isTrue();
      assertThat(relay.exitValue()).as("SuccessExitStatus=143 in the unit").isIn(0, 143);
    } finally {
      if (relay != null) {
        relay.destroyForcibly();
      }
      sim.destroyForcibly();
      if (notify != null) {
        notify.close();
      }
    }
  }

  /** The Java feature version of the packaged runtime, from its {@code release} file. */
  private static int runtimeFeature() throws IOException {
    Matcher m =
        Pattern.compile("JAVA_VERSION=\"(\\d+)")
            .matcher(Files.readString(root.resolve("usr/lib/sluice/runtime/release")));
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static Path conf() {
    return root.resolve("etc/sluice/relay.conf");
  }

  /** A PKCS12 trust store holding the simulator's self-signed certificate. */
  private static Path trustStore(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry(
        "simulator",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem))));
    Path p = tmp.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(p)) {
      ks.store(out, "changeit".toCharArray());
    }
    return p;
  }

  /** The lines a process prints up to its "ready" line; the rest is drained in the background. */
  private static List<String> readUntilReady(Process p) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<List<String>> lines =
        CompletableFuture.supplyAsync(
            () -> {
              List<String> out = new ArrayList<>();
              try {
                for (String l; (l = r.readLine()) != null; ) {
                  out.add(l);
                  if (l.contains(": ready")) {
                    return out;
                  }
                }
              } catch (IOException e) {
                out.add(e.toString());
              }
              return out;
            });
    List<String> out = lines.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(out).as("startup output").anyMatch(l -> l.contains(": ready"));
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                r.lines().forEach(l -> {});
              } catch (java.io.UncheckedIOException e) {
                // the stream closes when the test stops the process
              }
            });
    return out;
  }

  /** The next datagram on the notify socket, waiting for it up to the deadline. */
  private static String receive(Socket notify, Process from) throws Exception {
    ByteBuffer buf = ByteBuffer.allocateDirect(512);
    Instant until = Instant.now().plus(DEADLINE);
    while (Instant.now().isBefore(until)) {
      boolean alive = from.isAlive(); // before reading: a process that exited sent all it sends
      DomainDatagramSocketAddress a = notify.recvFromDomainSocket(buf, 0, buf.capacity());
      if (a != null) {
        byte[] text = new byte[a.receivedAmount()];
        buf.get(0, text);
        return new String(text, StandardCharsets.UTF_8);
      }
      if (!alive) {
        throw new AssertionError("exited with " + from.exitValue() + " without notifying");
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling interval of the non-blocking socket
    }
    throw new AssertionError("no datagram on the notify socket within " + DEADLINE);
  }

  record Result(int status, String output) {}

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS))
        .as(String.join(" ", command))
        .isTrue();
    return new Result(p.exitValue(), out);
  }
}
