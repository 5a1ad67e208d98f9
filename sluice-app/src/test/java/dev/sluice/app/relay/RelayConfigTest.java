package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.config.ConfigException;
import dev.sluice.ingress.Networks;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The SMTP door's connection keys: per-client exceptions and stress. */
class RelayConfigTest {
  private static final Path SPOOL = Path.of("unused-spool");

  @Test
  void limits_maxInFlight_namesTheCallsConnectionsAndMessagesItSets() {
    assertThat(RelayConfig.onFreePorts(SPOOL).delivery().limits())
        .isEqualTo(new DeliveryLimits(256, 64, 64));
    assertThat(RelayConfig.onFreePorts(SPOOL, "max-in-flight=12").delivery().limits())
        .isEqualTo(new DeliveryLimits(48, 12, 12));
  }

  @Test
  void from_defaults_exemptTheRelayNetworksAndStressFrom80Percent() {
    RelayConfig c = RelayConfig.onFreePorts(SPOOL);
    assertThat(c.doors().smtp().clientLimitExceptions())
        .isEqualTo(c.doors().relayNetworks())
        .isEqualTo(Networks.LOOPBACK);
    assertThat(c.doors().smtp().limits().stressThreshold()).isEqualTo(0.8);
    assertThat(c.doors().smtp().limits().stressConnections()).isEqualTo(1600);
    assertThat(c.doors().smtp().limits().stressCommandTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void from_relayNetworksChanged_defaultExceptionsFollowThem() {
    RelayConfig c = RelayConfig.onFreePorts(SPOOL, "access.relay-networks=10.0.0.0/8");
    assertThat(c.doors().smtp().clientLimitExceptions()).isEqualTo(Networks.parse("10.0.0.0/8"));
  }

  @Test
  void from_exceptionsGiven_areThoseOrNone() {
    assertThat(
            RelayConfig.onFreePorts(SPOOL, "smtp.client-limit-exceptions=127.0.0.1, 10.1.0.0/16")
                .doors()
                .smtp()
                .clientLimitExceptions())
        .isEqualTo(Networks.parse("127.0.0.1/32, 10.1.0.0/16"));
    assertThat(
            RelayConfig.onFreePorts(SPOOL, "smtp.client-limit-exceptions=")
                .doors()
                .smtp()
                .clientLimitExceptions()
                .isEmpty())
        .isTrue();
    assertThatThrownBy(
            () -> RelayConfig.onFreePorts(SPOOL, "smtp.client-limit-exceptions=localhost"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.smtp.client-limit-exceptions");
  }

  @Test
  void from_stressThreshold_takesPercentOrShare() {
    assertThat(
            RelayConfig.onFreePorts(SPOOL, "smtp.stress-threshold=50%", "smtp.max-connections=10")
                .doors()
                .smtp()
                .limits()
                .stressConnections())
        .isEqualTo(5);
    assertThat(
            RelayConfig.onFreePorts(SPOOL, "smtp.stress-threshold=0.7", "smtp.max-connections=10")
                .doors()
                .smtp()
                .limits()
                .stressConnections())
        .isEqualTo(7);
    for (String bad : new String[] {"0%", "0", "101%", "1.5", "most"}) {
      assertThatThrownBy(() -> RelayConfig.onFreePorts(SPOOL, "smtp.stress-threshold=" + bad))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("relay.smtp.stress-threshold");
    }
  }

  @Test
  void configurationSet_nameSesRefuses_stopsStartUpNamingKeyAndRule() {
    assertThatThrownBy(() -> RelayConfig.onFreePorts(SPOOL, "configuration-set=my set"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.configuration-set")
        .hasMessageContaining("use up to 64 letters, digits, '_' and '-'");
    assertThat(
            RelayConfig.onFreePorts(SPOOL, "configuration-set=alerts")
                .delivery()
                .configurationSet())
        .hasValue("alerts");
    assertThat(RelayConfig.onFreePorts(SPOOL).delivery().configurationSet()).isEmpty();
  }

  @Test
  void configurationSetsRefresh_offOrADuration_andNothingElse() {
    assertThat(RelayConfig.onFreePorts(SPOOL).delivery().configurationSetsRefresh())
        .hasValue(java.time.Duration.ofMinutes(5));
    assertThat(
            RelayConfig.onFreePorts(SPOOL, "configuration-sets-refresh=off")
                .delivery()
                .configurationSetsRefresh())
        .isEmpty();
    assertThatThrownBy(() -> RelayConfig.onFreePorts(SPOOL, "configuration-sets-refresh=0s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.configuration-sets-refresh");
  }

  @Test
  void from_embeddedSimulatorPortOff_isRefusedNamingTheKey() {
    // The simulator is the upstream when it runs: "off" once reached it as port -1 and stopped
    // the start naming simulator.http-port and '-1', neither of which the user wrote.
    assertThatThrownBy(() -> RelayConfig.onFreePorts(SPOOL, "simulator.http-port=off"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.simulator.http-port")
        .hasMessageContaining("'off'");
  }

  @Test
  void from_zeroRetryDelayOrExpiry_isRefusedNamingTheKey() {
    // The retry policy refuses them; they once passed the configuration (and check-config) and
    // stopped the relay only when delivery started.
    assertThatThrownBy(() -> RelayConfig.onFreePorts(SPOOL, "retry.delays=1m,0s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.retry.delays")
        .hasMessageContaining("above zero");
    assertThatThrownBy(() -> RelayConfig.onFreePorts(SPOOL, "expiry=0s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.expiry")
        .hasMessageContaining("above zero");
  }
}
