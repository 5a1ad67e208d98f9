package dev.sluice.app.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {
  private static byte[] message(String headers) {
    return (headers + "From: a@example.com\r\n\r\nX-SES-CONFIGURATION-SET: body\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void configurationSet_headerNamed_theHeadersSet() {
    assertEquals(
        "marketing",
        HistoryRecorder.configurationSet(message("x-ses-configuration-set:  marketing \r\n"), "d"));
  }

  @Test
  void configurationSet_twoHeaders_theLastOne() {
    assertEquals(
        "second",
        HistoryRecorder.configurationSet(
            message("X-SES-CONFIGURATION-SET: first\r\nX-SES-CONFIGURATION-SET: second\r\n"), ""));
  }

  @Test
  void configurationSet_noHeader_theDefaultOrNone() {
    assertEquals("alerts", HistoryRecorder.configurationSet(message(""), "alerts"));
    assertEquals("", HistoryRecorder.configurationSet(message(""), ""));
    assertEquals(
        "alerts",
        HistoryRecorder.configurationSet(message("X-SES-CONFIGURATION-SET:\r\n"), "alerts"));
  }
}
