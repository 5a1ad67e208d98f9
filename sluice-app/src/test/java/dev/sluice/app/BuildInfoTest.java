package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
  @Test
  void of_propertiesTheBuildWrites_readsVersionAndCommit() {
    Properties p = new Properties();
    p.setProperty("version", "0.1.0-SNAPSHOT");
    p.setProperty("commit", "3fb9249597c2");
    p.setProperty("dirty", "false");
    BuildInfo b = BuildInfo.of(p);
    assertThat(b).isEqualTo(new BuildInfo("0.1.0-SNAPSHOT", "3fb9249597c2", false));
    assertThat(b.describe()).isEqualTo("sluice 0.1.0-SNAPSHOT (commit 3fb9249597c2)");
  }

  @Test
  void describe_noCommitFromTheBuild_saysSo() {
    Properties p = new Properties();
    p.setProperty("version", "1.2.3");
    p.setProperty("commit", "");
    p.setProperty("dirty", "false");
    assertThat(BuildInfo.of(p).describe())
        .isEqualTo("sluice 1.2.3 (commit unknown: not built from a git checkout)");
  }

  @Test
  void describe_modifiedTree_marksTheCommitDirty() {
    Properties p = new Properties();
    p.setProperty("version", "1.2.3");
    p.setProperty("commit", "0123456789ab");
    p.setProperty("dirty", "true");
    assertThat(BuildInfo.of(p).describe()).isEqualTo("sluice 1.2.3 (commit 0123456789ab-dirty)");
    assertThat(BuildInfo.of(new Properties()).version()).isEqualTo("(development build)");
  }
}
