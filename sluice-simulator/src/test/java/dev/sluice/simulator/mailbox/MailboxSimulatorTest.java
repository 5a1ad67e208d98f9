package dev.sluice.simulator.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MailboxSimulatorTest {
  private static final String LABEL_CHARS = "abcXYZ0189._-+=";
  private static final String[] NOT_THE_DOMAIN = {
    "simulator.amazonses.co",
    "simulator.amazonses.com.",
    "simulator.amazonses.com.evil.example",
    "sub.simulator.amazonses.com",
    "amazonses.com",
    "example.com",
    "simulatoramazonses.com",
  };

  @ParameterizedTest
  @CsvSource({
    "success@simulator.amazonses.com, SUCCESS",
    "bounce@simulator.amazonses.com, BOUNCE",
    "ooto@simulator.amazonses.com, OOTO",
    "complaint@simulator.amazonses.com, COMPLAINT",
    "suppressionlist@simulator.amazonses.com, SUPPRESSIONLIST",
    "deliverydelay@simulator.amazonses.com, DELIVERY_DELAY",
    "Bounce@Simulator.AmazonSES.com, BOUNCE",
    "bounce+user42@simulator.amazonses.com, BOUNCE",
    "bounce+@simulator.amazonses.com, BOUNCE",
    "complaint+a+b@simulator.amazonses.com, COMPLAINT",
    "<success@simulator.amazonses.com>, SUCCESS",
    "Test User <ooto+x@simulator.amazonses.com>, OOTO",
    "'\"Doe, Jane\" <SUPPRESSIONLIST@simulator.amazonses.com>', SUPPRESSIONLIST",
    "'  success@simulator.amazonses.com  ', SUCCESS",
  })
  void classify_simulatorAddress_scenario(String address, Scenario expected) {
    assertThat(MailboxSimulator.classify(address)).contains(expected);
    assertThat(MailboxSimulator.isSimulatorAddress(address)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "bounce",
        "bounce@",
        "@simulator.amazonses.com",
        "bounces@simulator.amazonses.com",
        "xbounce@simulator.amazonses.com",
        "bounce-1@simulator.amazonses.com",
        "+bounce@simulator.amazonses.com",
        "bounce@example.com",
        "bounce@sub.simulator.amazonses.com",
        "bounce@simulator.amazonses.com.evil.example",
        "my-bounce-test@example.com",
        "\"bounce\"@simulator.amazonses.com",
        "bounce @simulator.amazonses.com",
        "<bounce@simulator.amazonses.com",
        "bounce@simulator.amazonses.com>x",
        "Name <>",
        "\"bounce@simulator.amazonses.com\" <someone@example.com>",
        "success@simulator.amazonses.com@example.com",
      })
  void classify_otherAddress_empty(String address) {
    assertThat(MailboxSimulator.classify(address)).isEmpty();
    assertThat(MailboxSimulator.isSimulatorAddress(address)).isFalse();
  }

  @Test
  void classify_generatedAddresses_matchModel() {
    long seed = Long.getLong("sluice.test.seed", System.nanoTime());
    Random rnd = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      Scenario scenario = Scenario.values()[rnd.nextInt(Scenario.values().length)];
      String local = randomCase(rnd, scenario.name().replace("_", ""));
      String domain = randomCase(rnd, MailboxSimulator.DOMAIN);
      Optional<Scenario> expected = Optional.of(scenario);
      switch (rnd.nextInt(4)) {
        case 0 -> {
          // Break the local part: add, drop or change a character before any label.
          int at = rnd.nextInt(local.length());
          local =
              switch (rnd.nextInt(3)) {
                case 0 -> local.substring(0, at) + letter(rnd) + local.substring(at);
                case 1 -> local.substring(0, at) + local.substring(at + 1);
                default -> local.substring(0, at) + '_' + local.substring(at + 1);
              };
          expected = Optional.empty();
        }
        case 1 -> {
          domain = NOT_THE_DOMAIN[rnd.nextInt(NOT_THE_DOMAIN.length)];
          expected = Optional.empty();
        }
        default -> {}
      }
      if (rnd.nextBoolean()) {
        local += "+" + label(rnd);
      }
      String address = wrap(rnd, local + "@" + domain);

      assertThat(MailboxSimulator.classify(address))
          .as("seed=%d (rerun with -Dsluice.test.seed=%d) address=%s", seed, seed, address)
          .isEqualTo(expected);
    }
  }

  private static String randomCase(Random rnd, String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(rnd.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
    }
    return sb.toString();
  }

  private static char letter(Random rnd) {
    return (char) ('a' + rnd.nextInt(26));
  }

  private static String label(Random rnd) {
    StringBuilder sb = new StringBuilder();
    for (int n = rnd.nextInt(10); n > 0; n--) {
      sb.append(LABEL_CHARS.charAt(rnd.nextInt(LABEL_CHARS.length())));
    }
    return sb.toString();
  }

  private static String wrap(Random rnd, String addr) {
    return switch (rnd.nextInt(4)) {
      case 0 -> "<" + addr + ">";
      case 1 -> "Some Name <" + addr + ">";
      case 2 -> " " + addr + "\t";
      default -> addr;
    };
  }
}
