package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceTest {
  private static final Instant AT = Instant.parse("2025-03-04T05:06:07Z");

  @Test
  void received_oneRecipient_namesItInAForClause() throws Exception {
    String field =
        Trace.received(
            "client.example",
            InetAddress.getByName("192.0.2.7"),
            "relay.example",
            "ESMTPSA",
            List.of("a@b.example"),
            AT);
    assertThat(field)
        .isEqualTo(
            "Received: from client.example ([192.0.2.7])\r\n"
                + "\tby relay.example (Sluice) with ESMTPSA\r\n"
                + "\tfor <a@b.example>; Tue, 4 Mar 2025 05:06:07 +0000\r\n");
  }

  @Test
  void received_severalRecipientsAndNoName_namesNoneAndSaysUnknown() throws Exception {
    String field =
        Trace.received(
            null,
            InetAddress.getByName("::1"),
            "relay.example",
            "HTTP",
            List.of("a@b.example", "c@d.example"),
            AT);
    assertThat(field)
        .isEqualTo(
            "Received: from unknown ([0:0:0:0:0:0:0:1])\r\n"
                + "\tby relay.example (Sluice) with HTTP; Tue, 4 Mar 2025 05:06:07 +0000\r\n");
  }

  @Test
  void received_hostileName_cannotBreakTheField() throws Exception {
    String field =
        Trace.received(
            "evil\r\nX-Injected: 1 (x)",
            InetAddress.getByName("192.0.2.7"),
            "relay.example",
            "ESMTP",
            List.of("a@b.example"),
            AT);
    assertThat(field.lines()).hasSize(3);
    assertThat(field).startsWith("Received: from evil??X-Injected:?1??x? ([192.0.2.7])\r\n");
  }

  @Test
  void addressLiteral_tagsIpv6() throws Exception {
    assertThat(Trace.addressLiteral(InetAddress.getByName("192.0.2.7"))).isEqualTo("[192.0.2.7]");
    assertThat(Trace.addressLiteral(InetAddress.getByName("2001:db8::1")))
        .isEqualTo("[IPv6:2001:db8:0:0:0:0:0:1]");
  }

  @Test
  void origin_namesDoorClientUserAndTls() throws Exception {
    InetAddress ip = InetAddress.getByName("127.0.0.1");
    assertThat(Trace.origin("http", ip, Optional.of("app"), true))
        .isEqualTo("http 127.0.0.1 user=app tls");
    assertThat(Trace.origin("smtp", ip, Optional.empty(), false)).isEqualTo("smtp 127.0.0.1");
    assertThat(Trace.origin("smtp", ip, Optional.of("a b"), false))
        .isEqualTo("smtp 127.0.0.1 user=a?b");
  }

  @Test
  void prepend_putsTheFieldFirst() {
    byte[] out = Trace.prepend("Received: x\r\n", "Subject: y\r\n\r\nz\r\n".getBytes());
    assertThat(new String(out, StandardCharsets.US_ASCII))
        .isEqualTo("Received: x\r\nSubject: y\r\n\r\nz\r\n");
  }
}
