package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutesConfigTest {
  @TempDir Path dir;

  private RelayConfig config(String... settings) {
    return RelayConfig.onFreePorts(dir, settings);
  }

  @Test
  void from_noRouteKeys_onlyTheDefaultRoute() {
    RoutesConfig r = config().delivery().routes();
    assertThat(r.any()).isFalse();
    assertThat(r.names()).containsExactly("default");
    assertThat(r.rules()).isEmpty();
  }

  @Test
  void from_routesAndRules_parsedInNumericOrder() {
    RoutesConfig r =
        config(
                "route.eu.upstream=ses-v2://eu-west-1",
                "route.eu.max-send-rate=100/s",
                "route.eu.credentials-profile=eu-sender",
                "route.eu.fail-over=default",
                "route.default.fail-over=eu",
                "route-rule.20=user app -> default",
                "route-rule.3=sender-domain *.Example.COM -> eu",
                "route-rule.100=configuration-set marketing -> eu")
            .delivery()
            .routes();
    assertThat(r.names()).containsExactly("default", "eu");
    RoutesConfig.Route eu = r.routes().get("eu");
    assertThat(eu.upstream()).isEqualTo("ses-v2://eu-west-1");
    assertThat(eu.maxSendRate()).isEqualTo(new SendRate.Fixed(new dev.sluice.core.Rate(100)));
    assertThat(eu.credentialsProfile()).contains("eu-sender");
    assertThat(eu.assumeRole()).isEmpty();
    assertThat(r.failOver("eu")).contains("default");
    assertThat(r.failOver("default")).contains("eu");
    assertThat(r.rules().stream().map(RoutesConfig.Rule::toString))
        .containsExactly(
            "sender-domain *.example.com -> eu",
            "user app -> default",
            "configuration-set marketing -> eu");
    assertThat(
            config("route.us.upstream=simulator")
                .delivery()
                .routes()
                .routes()
                .get("us")
                .maxSendRate())
        .isEqualTo(SendRate.ACCOUNT);
  }

  @Test
  void from_assumeRole_theRoleWithItsExternalIdAndSessionName() {
    RoutesConfig r =
        config(
                "route.eu.upstream=ses-v2://eu-west-1",
                "route.eu.assume-role=arn:aws:iam::123456789012:role/eu-sender",
                "route.eu.assume-role-external-id=x-42",
                "route.us.upstream=simulator",
                "route.us.assume-role=arn:aws:iam::210987654321:role/path/us")
            .delivery()
            .routes();
    assertThat(r.routes().get("eu").assumeRole())
        .contains(
            new dev.sluice.ses.AssumedRole.Role(
                "arn:aws:iam::123456789012:role/eu-sender",
                java.util.Optional.of("x-42"),
                "sluice-eu"));
    assertThat(r.routes().get("us").assumeRole().orElseThrow().sessionName())
        .isEqualTo("sluice-us");
    assertThat(r.routes().get("us").assumeRole().orElseThrow().externalId()).isEmpty();
    assertThat(
            config(
                    "route.eu.upstream=ses-v1://eu-west-1",
                    "route.eu.assume-role=arn:aws:iam::123456789012:role/x",
                    "route.eu.assume-role-session-name=relay@host-1")
                .delivery()
                .routes()
                .routes()
                .get("eu")
                .assumeRole()
                .orElseThrow()
                .sessionName())
        .isEqualTo("relay@host-1");
  }

  @Test
  void from_assumeRoleMistakes_stopNamingTheKey() {
    record Case(List<String> settings, String message) {}
    String role = "route.eu.assume-role=arn:aws:iam::123456789012:role/x";
    List<Case> cases =
        List.of(
            new Case(
                List.of("route.eu.upstream=simulator", "route.eu.assume-role=eu-sender"),
                "'relay.route.eu.assume-role': expected a role ARN"),
            new Case(
                List.of("route.eu.upstream=smtp://u:secret@mail.example.com:25", role),
                "sends by SMTP (smtp://mail.example.com:25)"),
            new Case(
                List.of(
                    "route.eu.upstream=ses-smtp://u:p@email-smtp.eu-west-1.amazonaws.com", role),
                "an assumed role signs SES API calls"),
            new Case(
                List.of("route.eu.upstream=simulator", "route.eu.assume-role-external-id=x-42"),
                "'relay.route.eu.assume-role-external-id': it goes with relay.route.eu.assume-role"),
            new Case(
                List.of("route.eu.upstream=simulator", role, "route.eu.assume-role-external-id=x"),
                "'relay.route.eu.assume-role-external-id': STS takes 2 to 1224"),
            new Case(
                List.of(
                    "route.eu.upstream=simulator", role, "route.eu.assume-role-session-name=a b"),
                "'relay.route.eu.assume-role-session-name': STS takes 2 to 64"));
    for (Case c : cases) {
      assertThatThrownBy(() -> config(c.settings().toArray(String[]::new)))
          .as(c.settings().toString())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(c.message())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }
  }

  @Test
  void from_mistakes_stopNamingTheKey() {
    record Case(List<String> settings, String message) {}
    List<Case> cases =
        List.of(
            new Case(List.of("route.eu.region=eu-west-1"), "relay.route.eu.upstream is missing"),
            new Case(
                List.of("route.eu.upstream=ses-v2://eu-west-1", "route.eu.rate=1/s"),
                "'relay.route.eu.rate': unknown route attribute 'rate'"),
            new Case(
                List.of("route.eu=x"), "'relay.route.eu': expected relay.route.NAME.ATTRIBUTE"),
            new Case(List.of("route.EU.upstream=simulator"), "a route name is 1 to 63"),
            new Case(
                List.of("route.default.upstream=simulator"),
                "only relay.route.default.fail-over may be set"),
            new Case(List.of("route.eu.upstream=auto"), "auto is for relay.upstream only"),
            new Case(List.of("route.eu.upstream=ftp://x"), "route 'eu': "),
            new Case(
                List.of("route.eu.upstream=simulator", "route.eu.max-send-rate=fast"),
                "route 'eu': "),
            new Case(
                List.of("route.eu.upstream=simulator", "route.eu.fail-over=us"),
                "'relay.route.eu.fail-over': no route is named 'us'"),
            new Case(
                List.of("route.eu.upstream=simulator", "route.eu.fail-over=eu"),
                "a route cannot fail over to itself"),
            new Case(
                List.of("route-rule.x=user a -> default"),
                "'relay.route-rule.x': expected relay.route-rule.N"),
            new Case(
                List.of("route-rule.1=user a default"),
                "'relay.route-rule.1': expected 'KIND VALUE -> ROUTE'"),
            new Case(
                List.of("route-rule.1=recipient a -> default"),
                "'relay.route-rule.1': expected 'KIND VALUE -> ROUTE'"),
            new Case(
                List.of("route-rule.1=user a -> eu"),
                "'relay.route-rule.1': no route is named 'eu'"),
            new Case(
                List.of("route-rule.1=sender-domain a@b.com -> default"),
                "a sender domain is a domain"));
    for (Case c : cases) {
      assertThatThrownBy(() -> config(c.settings().toArray(String[]::new)), c.toString())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(c.message());
    }
  }

  @Test
  void resolve_environmentVariableUnderRoutes_saysWhereRoutesAreSet() {
    assertThatThrownBy(
            () ->
                dev.sluice.core.config.ConfigLoader.resolve(
                    RelayConfig.SCHEMA,
                    java.util.Map.of(),
                    "-",
                    java.util.Map.of("SLUICE_RELAY_ROUTE_EU_UPSTREAM", "simulator"),
                    "SLUICE_RELAY_",
                    java.util.Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("are set in the configuration file or with --set");
  }
}
