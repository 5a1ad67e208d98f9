package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageFactoryTest {
  @Test
  void label_simulatorAddresses_getAUniqueLabel() {
    assertThat(MessageFactory.label("success@simulator.amazonses.com", 7))
        .isEqualTo("success+bench7@simulator.amazonses.com");
    assertThat(MessageFactory.label("bounce+x@simulator.amazonses.com", 7))
        .isEqualTo("bounce+x@simulator.amazonses.com");
    assertThat(MessageFactory.label("a@example.com", 7)).isEqualTo("a@example.com");
  }

  @Test
  void message_sizeAndRecipients_areAsAsked() {
    MessageFactory f =
        new MessageFactory(java.util.List.of("a@x.net", "b@x.net", "c@x.net"), 2, 4096);
    var m = f.message(1);
    assertThat(m.envelope().recipients()).containsExactly("c@x.net", "a@x.net");
    assertThat(m.content().length).isBetween(3500, 4096);
    assertThat(BenchOptions.ramp(20)).containsExactly(1, 2, 4, 8, 16, 20);
    assertThat(BenchOptions.ramp(1)).containsExactly(1);
  }
}
