package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Rate;
import org.junit.jupiter.api.Test;

class SendRateTest {
  @Test
  void parse_wordsAndRates_areTheirKindAndWriteBackTheSame() {
    assertThat(SendRate.parse("account")).isEqualTo(SendRate.ACCOUNT).hasToString("account");
    assertThat(SendRate.parse("UNLIMITED")).isEqualTo(SendRate.UNLIMITED).hasToString("unlimited");
    assertThat(SendRate.parse("200/s"))
        .isEqualTo(new SendRate.Fixed(new Rate(200)))
        .hasToString("200/s");
    assertThat(SendRate.parse("600/m")).isEqualTo(new SendRate.Fixed(new Rate(10)));
  }

  @Test
  void parse_somethingElse_namesTheForm() {
    assertThatThrownBy(() -> SendRate.parse("fast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a rate");
  }

  @Test
  void senderOverride_isTheSendersConvention() {
    assertThat(SendRate.ACCOUNT.senderOverride()).isNaN();
    assertThat(SendRate.UNLIMITED.senderOverride()).isNegative();
    assertThat(SendRate.parse("50/s").senderOverride()).isEqualTo(50.0);
  }
}
