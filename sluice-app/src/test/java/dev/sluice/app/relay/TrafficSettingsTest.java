package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The traffic class keys, and what distributed mode makes of them. */
class TrafficSettingsTest {
  private static final Path SPOOL = Path.of("unused-spool");
  private static final String[] KAFKA = {
    "spool.backend=kafka", "kafka.bootstrap-servers=127.0.0.1:1"
  };

  private static RelayConfig config(String... more) {
    String[] all = new String[KAFKA.length + more.length];
    System.arraycopy(KAFKA, 0, all, 0, KAFKA.length);
    System.arraycopy(more, 0, all, KAFKA.length, more.length);
    return RelayConfig.onFreePorts(SPOOL, all);
  }

  @Test
  void from_embeddedSpoolDefaults_transactionalAndBulk() {
    TrafficSettings t = RelayConfig.onFreePorts(SPOOL).delivery().traffic();
    assertThat(t.classes().names()).containsExactly("transactional", "bulk");
    assertThat(t.classes().all().get(t.classes().defaultIndex()).name()).isEqualTo("bulk");
  }

  @Test
  void from_kafkaDefaults_oneClassWithTheWholeRateOverEveryPartition() {
    TrafficSettings t = config().delivery().traffic();
    assertThat(t.classes().names()).containsExactly("default");
    assertThat(t.classes().buckets(0, 12).first()).isZero();
    assertThat(t.classes().buckets(0, 12).last()).isEqualTo(11);
  }

  @Test
  void from_kafkaWithAClassKeySet_refusedNamingTheKey() {
    for (String set :
        List.of(
            "classes=transactional:30%,bulk:70%",
            "class-default=transactional", "class-rules=user:app=transactional")) {
      String key = "relay." + set.substring(0, set.indexOf('='));
      assertThatThrownBy(() -> config(set))
          .as(set)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(key + " is not available with relay.spool.backend=kafka");
    }
  }

  @Test
  void from_kafkaWithTenantLimits_keepsThem() {
    assertThat(config("tenant-limits=user:app=10/h").delivery().traffic().tenants()).hasSize(1);
  }
}
