package dev.sluice.simulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Clock;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.sns.SnsTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * docs/simulator.md's table of SES v2 operations lists exactly the operations of the AWS SDK's
 * SesV2Client, and marks as answered exactly those the simulator routes.
 */
class V2OperationsTableTest {
  private static final Pattern ROW = Pattern.compile("^\\| ([A-Z][A-Za-z]+) \\| (yes|no) \\|");

  @Test
  void table_listsEverySdkOperation_andMarksExactlyTheRoutedOnes() throws Exception {
    Set<String> sdk = new TreeSet<>();
    for (Method m : SesV2Client.class.getMethods()) {
      Class<?>[] p = m.getParameterTypes();
      if (p.length == 1
          && p[0].getSimpleName().endsWith("Request")
          && p[0].getPackageName().endsWith("sesv2.model")) {
        String name = p[0].getSimpleName();
        sdk.add(name.substring(0, name.length() - "Request".length()));
      }
    }
    TreeMap<String, Boolean> table = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("..", "docs", "simulator.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.find() && sdk.contains(m.group(1))) {
        table.put(m.group(1), m.group(2).equals("yes"));
      }
    }
    assertThat(sdk).hasSizeGreaterThanOrEqualTo(116);
    assertThat(table.keySet()).as("every SDK operation has a row").isEqualTo(sdk);

    SimulatorCore core =
        new SimulatorCore(
            SimulatorConfig.onFreePorts(),
            Clock.system(),
            new SimpleMeterRegistry(),
            SnsTopics.NONE);
    try {
      Set<String> marked = new TreeSet<>();
      table.forEach(
          (op, yes) -> {
            if (yes) {
              marked.add(op);
            }
          });
      assertThat(ApiServer.v2(core).operations())
          .as("the rows marked yes are the routed operations")
          .isEqualTo(marked);
    } finally {
      core.close();
    }
  }
}
