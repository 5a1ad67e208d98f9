package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
  @Test
  void current_builtFromThisCheckout_namesTheVersionAndATwelveDigitCommit() {
    BuildInfo b = BuildInfo.current();
    assertThat(b.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(b.commit()).matches("[0-9a-f]{12}");
    assertThat(b.describe()).startsWith("sluice " + b.version() + " (commit " + b.commit());
  }

  @Test
  void describe_noCommitFromTheBuild_saysSo() {
    Properties p = new Properties();
    p.setProperty("version", "1.2.3");
    p.setProperty("commit", "${git.commit.id.abbrev}");
    p.setProperty("dirty", "${git.dirty}");
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
