package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sweeper's period, which bounds how late a session's read limit is enforced. */
class SmtpServerTest {
  @Test
  void sweepPeriod_defaults_isATenthOfTheLinger() {
    assertThat(SmtpServer.sweepPeriod(SmtpLimits.defaults()))
        .isEqualTo(SmtpSession.LINGER.dividedBy(10));
  }

  @Test
  void sweepPeriod_shortDataTimeout_isATenthOfIt() {
    SmtpLimits limits =
        SmtpLimits.defaults().withTimeouts(Duration.ofMinutes(5), Duration.ofMillis(300));
    assertThat(SmtpServer.sweepPeriod(limits)).isEqualTo(Duration.ofMillis(30));
  }

  @Test
  void sweepPeriod_shortStressTimeout_isAQuarterOfIt() {
    SmtpLimits limits = SmtpLimits.defaults().withStress(0.5, Duration.ofMillis(400));
    assertThat(SmtpServer.sweepPeriod(limits)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void sweepPeriod_tinyTimeouts_neverBelowFiveMilliseconds() {
    SmtpLimits limits =
        SmtpLimits.defaults().withTimeouts(Duration.ofMillis(1), Duration.ofMillis(1));
    assertThat(SmtpServer.sweepPeriod(limits)).isEqualTo(Duration.ofMillis(5));
  }
}
