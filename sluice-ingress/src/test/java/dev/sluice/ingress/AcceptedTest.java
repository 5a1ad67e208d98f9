package dev.sluice.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.core.Envelope;
import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.Submission;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptedTest {
  private static byte[] message(String headers) {
    return (headers + "From: a@example.com\r\n\r\nX-SES-CONFIGURATION-SET: body\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static String set(String headers) {
    return Accepted.configurationSet(HeaderSection.fields(message(headers)));
  }

  private static Accepted naming(String set) {
    Submission s =
        new Submission(
            new Envelope("a@example.com", List.of("b@example.net")),
            message(""),
            Instant.parse("2026-12-06T10:00:00Z"),
            "smtp 127.0.0.1");
    return new Accepted(SpoolEntry.queued(new QueueId("0000000000000001"), s), set);
  }

  @Test
  void configurationSet_headerNamed_theHeadersSetStripped() {
    assertEquals("marketing", set("x-ses-configuration-set:  marketing \r\n"));
  }

  @Test
  void configurationSet_twoHeaders_theLastOne() {
    assertEquals(
        "second", set("X-SES-CONFIGURATION-SET: first\r\nX-SES-CONFIGURATION-SET: second\r\n"));
  }

  @Test
  void configurationSet_noHeaderOrAnEmptyOne_emptyNotTheBodys() {
    assertEquals("", set(""));
    assertEquals("", set("X-SES-CONFIGURATION-SET:\r\n"));
  }

  @Test
  void setOr_namedOrNot_theNamedSetElseTheDefaultOrNone() {
    assertEquals("marketing", naming("marketing").setOr("alerts"));
    assertEquals("alerts", naming("").setOr("alerts"));
    assertEquals("", naming("").setOr(""));
  }
}
