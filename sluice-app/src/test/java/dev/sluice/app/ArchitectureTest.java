package dev.sluice.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows between Sluice's parts point one way. Maven keeps modules from depending on modules
 * they do not declare; these rules keep the arrows inside the application and across it that Maven
 * cannot see: the relay builds its upstream from {@code sluice-ses}, never through the benchmark;
 * the admin server knows the relay only through its view; lower modules never reach up; the
 * delivery engine keeps time only through the injected clock.
 */
class ArchitectureTest {
  private static JavaClasses sluice;

  @BeforeAll
  static void importClasses() {
    sluice =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Sluice's own modules only (their classes or jars), not the whole class path.
            .withImportOption(location -> location.contains("sluice-"))
            .importPackages("dev.sluice");
  }

  @Test
  void relay_doesNotDependOnTheBenchmark() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.sluice.app.relay..", "dev.sluice.app.admin..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.sluice.bench..")
        .because("the relay's upstream comes from sluice-ses (UpstreamUrl, UpstreamTransports)")
        .check(sluice);
  }

  @Test
  void adminServer_knowsTheRelayOnlyThroughItsView() {
    noClasses()
        .that()
        .resideInAPackage("dev.sluice.app.admin..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.sluice.app.relay..")
        .because("the admin server sees the relay through RelayView and ReloadOutcome.Reloader")
        .check(sluice);
  }

  @Test
  void libraries_doNotReachUpToTheApplication() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.sluice.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.sluice.app..")
        .check(sluice);
  }

  @Test
  void deliveryEngine_readsAndWaitsOnTheInjectedClockOnly() {
    noClasses()
        .that()
        .resideInAPackage("dev.sluice.ses..")
        .should()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(Thread.class, "sleep", long.class)
        .orShould()
        .callMethod(Thread.class, "sleep", java.time.Duration.class)
        .orShould()
        .callMethod(java.util.concurrent.TimeUnit.class, "sleep", long.class)
        .because(
            "SesSender's parts take time from dev.sluice.core.Clock and wait with Clock.sleep, so"
                + " the whole engine runs under a manual clock in unit tests")
        .check(sluice);
  }

  @Test
  void core_dependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("dev.sluice.core..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("dev.sluice.core..", "java..", "javax..", "org.slf4j..")
        .because("sluice-core is the vocabulary every module shares, on the JDK alone")
        .check(sluice);
  }

  @Test
  void httpKit_dependsOnNettyAlone() {
    noClasses()
        .that()
        .resideInAPackage("dev.sluice.http..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(
            "dev.sluice.http..", "io.netty..", "java..", "javax..", "org.slf4j..")
        .because("sluice-http is the HTTP server mechanics every door shares, below them all")
        .check(sluice);
  }

  @Test
  void modules_haveNoCycles() {
    slices().matching("dev.sluice.(*)..").should().beFreeOfCycles().check(sluice);
  }
}
