package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.Submission;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the doors are told of a message the classifying spool changed on its way in. */
class ClassifyingSpoolTest {
  @TempDir Path dir;

  @Test
  void appendEntries_classAndTenantHeaders_theEntriesOfWhatWasStored() throws Exception {
    TrafficSettings traffic = RelayConfig.onFreePorts(dir.resolve("unused")).delivery().traffic();
    try (RocksSpool rocks =
            RocksSpool.open(RocksSpoolConfig.builder(dir.resolve("spool")).build());
        ClassifyingSpool spool = new ClassifyingSpool(rocks, traffic)) {
      byte[] content =
          ("X-Sluice-Class: transactional\r\nX-Sluice-Tenant: Acme\r\nFrom: a@example.com\r\n"
                  + "\r\nhi\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      Submission given =
          new Submission(
              new Envelope("a@example.com", List.of("b@example.net")),
              content,
              Instant.parse("2026-12-06T10:00:00Z"),
              "http 127.0.0.1");

      List<SpoolEntry> told = spool.appendEntries(List.of(given)).get();

      SpoolEntry stored = rocks.find(told.get(0).id()).orElseThrow();
      assertThat(told).containsExactly(stored);
      assertThat(stored.origin()).isEqualTo("http 127.0.0.1 tenant=acme");
      assertThat(stored.size())
          .as("the class and tenant headers taken out")
          .isEqualTo(rocks.content(stored.id()).orElseThrow().length)
          .isLessThan(content.length);
    }
  }
}
