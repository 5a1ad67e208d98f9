package dev.sluice.app.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogLevelsTest {
  private final FormattingLoggerFactory factory = new FormattingLoggerFactory();

  @AfterEach
  void backToTheDefaults() {
    LogLevels.apply("");
  }

  @Test
  void apply_levelForEverythingAndByPrefix_loggersMadeBeforeAndAfterFollow() {
    Logger delivery = factory.getLogger("dev.sluice.delivery.DeliveryScheduler");
    Logger relay = factory.getLogger("dev.sluice.app.relay.Relay");
    Logger netty = factory.getLogger("io.netty.channel.Foo");
    assertThat(relay.isInfoEnabled()).isTrue();
    assertThat(delivery.isDebugEnabled()).isFalse();
    assertThat(netty.isInfoEnabled()).as("simplelogger.properties: io.netty=warn").isFalse();

    LogLevels.apply("warn, dev.sluice.delivery=debug");

    assertThat(delivery.isDebugEnabled()).isTrue();
    assertThat(relay.isInfoEnabled()).isFalse();
    assertThat(relay.isWarnEnabled()).isTrue();
    Logger later = factory.getLogger("dev.sluice.delivery.OutcomeRecorder");
    assertThat(later.isDebugEnabled()).as("a logger made after").isTrue();

    LogLevels.apply("debug");
    assertThat(netty.isInfoEnabled()).as("a named prefix outranks the level for all").isFalse();
    LogLevels.apply("debug, io.netty=info");
    assertThat(netty.isInfoEnabled()).isTrue();
    assertThat(netty.isDebugEnabled()).isFalse();
    assertThat(relay.isDebugEnabled()).isTrue();

    LogLevels.apply("");
    assertThat(relay.isInfoEnabled()).isTrue();
    assertThat(relay.isDebugEnabled()).isFalse();
    assertThat(delivery.isDebugEnabled()).isFalse();
    assertThat(netty.isInfoEnabled()).isFalse();
  }

  @Test
  void apply_longestPrefixWins_andAPrefixIsWholeNameParts() {
    Logger store = factory.getLogger("dev.sluice.feedback.store.FeedbackStore");
    Logger other = factory.getLogger("dev.sluice.feedbackx.Thing");
    LogLevels.apply("dev.sluice=error, dev.sluice.feedback=debug, dev.sluice.feedback.store=warn");
    assertThat(store.isInfoEnabled()).isFalse();
    assertThat(store.isWarnEnabled()).isTrue();
    assertThat(other.isWarnEnabled())
        .as("dev.sluice.feedback is not a prefix of feedbackx")
        .isFalse();
    assertThat(other.isErrorEnabled()).isTrue();
    LogLevels.apply("off");
    assertThat(store.isErrorEnabled()).isFalse();
  }

  @Test
  void parse_badValues_areNamed() {
    assertThat(LogLevels.parse(" info , dev.sluice=DEBUG ")).isEqualTo(" info , dev.sluice=DEBUG ");
    assertThat(LogLevels.parse("")).isEmpty();
    assertThatThrownBy(() -> LogLevels.parse("loud"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a level: 'loud'");
    assertThatThrownBy(() -> LogLevels.parse("info, warn"))
        .hasMessageContaining("one level for everything");
    assertThatThrownBy(() -> LogLevels.parse("a b=info")).hasMessageContaining("not a logger name");
    assertThatThrownBy(() -> LogLevels.parse("dev.sluice=")).hasMessageContaining("not a level");
  }
}
