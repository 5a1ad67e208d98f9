package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.CloudWatchDimensionConfiguration;
import software.amazon.awssdk.services.sesv2.model.EventDestinationDefinition;
import software.amazon.awssdk.services.sesv2.model.EventType;
import software.amazon.awssdk.services.sesv2.model.GetEmailIdentityResponse;
import software.amazon.awssdk.services.sesv2.model.IdentityType;
import software.amazon.awssdk.services.sesv2.model.ListSuppressedDestinationsResponse;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.SuppressionListReason;
import software.amazon.awssdk.services.sesv2.model.Tag;

/**
 * The account's v2 management operations through the real AWS SDK for Java v2: configuration sets
 * and event destinations, the suppression list, identities.
 */
class SimulatorAccountApiIT {
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";

  @Test
  void configurationSets_createGetListDelete_andTheirErrors() {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts("configuration-sets="));
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint())) {
      v2.createConfigurationSet(
          b ->
              b.configurationSetName("marketing")
                  .suppressionOptions(s -> s.suppressedReasons(SuppressionListReason.BOUNCE))
                  .tags(Tag.builder().key("team").value("growth").build()));
      v2.createConfigurationSet(b -> b.configurationSetName("alerts"));
      var got = v2.getConfigurationSet(b -> b.configurationSetName("marketing"));
      assertThat(got.configurationSetName()).isEqualTo("marketing");
      assertThat(got.suppressionOptions().suppressedReasons())
          .containsExactly(SuppressionListReason.BOUNCE);
      assertThat(got.sendingOptions().sendingEnabled()).isTrue();
      assertThat(got.tags()).singleElement().satisfies(t -> assertThat(t.key()).isEqualTo("team"));
      assertThat(v2.getConfigurationSet(b -> b.configurationSetName("alerts")).suppressionOptions())
          .as("follows the account")
          .isNull();
      assertThat(v2.listConfigurationSets(b -> {}).configurationSets())
          .containsExactly("alerts", "marketing");
      // Paging: one name per page.
      var first = v2.listConfigurationSets(b -> b.pageSize(1));
      assertThat(first.configurationSets()).containsExactly("alerts");
      assertThat(
              v2.listConfigurationSets(b -> b.pageSize(1).nextToken(first.nextToken()))
                  .configurationSets())
          .containsExactly("marketing");
      assertThatThrownBy(() -> v2.createConfigurationSet(b -> b.configurationSetName("alerts")))
          .isInstanceOf(AlreadyExistsException.class);
      assertThatThrownBy(() -> v2.createConfigurationSet(b -> b.configurationSetName("bad name")))
          .isInstanceOf(BadRequestException.class);
      v2.deleteConfigurationSet(b -> b.configurationSetName("alerts"));
      assertThatThrownBy(() -> v2.getConfigurationSet(b -> b.configurationSetName("alerts")))
          .isInstanceOf(NotFoundException.class);
      // Without "*", a send naming a set that is gone is refused.
      assertThatThrownBy(
              () ->
                  v2.sendEmail(
                      SimulatorV2IT.simple("a@example.net").toBuilder()
                          .configurationSetName("alerts")
                          .build()))
          .isInstanceOf(NotFoundException.class);
      // A set whose sending is paused refuses sends.
      v2.putConfigurationSetSendingOptions(
          b -> b.configurationSetName("marketing").sendingEnabled(false));
      assertThatThrownBy(
              () ->
                  v2.sendEmail(
                      SimulatorV2IT.simple("a@example.net").toBuilder()
                          .configurationSetName("marketing")
                          .build()))
          .isInstanceOf(SendingPausedException.class);
    }
  }

  @Test
  void eventDestinations_createGetUpdateDelete_andTheirErrors() {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts());
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint())) {
      v2.createConfigurationSet(b -> b.configurationSetName("tx"));
      v2.createConfigurationSetEventDestination(
          b ->
              b.configurationSetName("tx")
                  .eventDestinationName("to-sns")
                  .eventDestination(
                      d ->
                          d.enabled(true)
                              .matchingEventTypes(EventType.BOUNCE, EventType.COMPLAINT)
                              .snsDestination(s -> s.topicArn(TOPIC))));
      v2.createConfigurationSetEventDestination(
          b ->
              b.configurationSetName("tx")
                  .eventDestinationName("to-cloudwatch")
                  .eventDestination(
                      d ->
                          d.enabled(true)
                              .matchingEventTypes(EventType.SEND)
                              .cloudWatchDestination(
                                  c ->
                                      c.dimensionConfigurations(
                                          CloudWatchDimensionConfiguration.builder()
                                              .dimensionName("ses:configuration-set")
                                              .dimensionValueSource("MESSAGE_TAG")
                                              .defaultDimensionValue("none")
                                              .build()))));
      var all =
          v2.getConfigurationSetEventDestinations(b -> b.configurationSetName("tx"))
              .eventDestinations();
      assertThat(all).hasSize(2);
      assertThat(all.get(0).name()).isEqualTo("to-sns");
      assertThat(all.get(0).enabled()).isTrue();
      assertThat(all.get(0).matchingEventTypes())
          .containsExactlyInAnyOrder(EventType.BOUNCE, EventType.COMPLAINT);
      assertThat(all.get(0).snsDestination().topicArn()).isEqualTo(TOPIC);
      assertThat(all.get(1).cloudWatchDestination().dimensionConfigurations()).hasSize(1);

      v2.updateConfigurationSetEventDestination(
          b ->
              b.configurationSetName("tx")
                  .eventDestinationName("to-sns")
                  .eventDestination(
                      EventDestinationDefinition.builder()
                          .enabled(false)
                          .matchingEventTypes(EventType.DELIVERY)
                          .snsDestination(s -> s.topicArn(TOPIC))
                          .build()));
      var updated =
          v2.getConfigurationSetEventDestinations(b -> b.configurationSetName("tx"))
              .eventDestinations()
              .get(0);
      assertThat(updated.enabled()).isFalse();
      assertThat(updated.matchingEventTypes()).containsExactly(EventType.DELIVERY);

      assertThatThrownBy(
              () ->
                  v2.createConfigurationSetEventDestination(
                      b ->
                          b.configurationSetName("tx")
                              .eventDestinationName("to-sns")
                              .eventDestination(
                                  d ->
                                      d.matchingEventTypes(EventType.SEND)
                                          .snsDestination(s -> s.topicArn(TOPIC)))))
          .isInstanceOf(AlreadyExistsException.class);
      assertThatThrownBy(
              () ->
                  v2.createConfigurationSetEventDestination(
                      b ->
                          b.configurationSetName("nope")
                              .eventDestinationName("x")
                              .eventDestination(
                                  d ->
                                      d.matchingEventTypes(EventType.SEND)
                                          .snsDestination(s -> s.topicArn(TOPIC)))))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(
              () ->
                  v2.createConfigurationSetEventDestination(
                      b ->
                          b.configurationSetName("tx")
                              .eventDestinationName("nowhere")
                              .eventDestination(d -> d.matchingEventTypes(EventType.SEND))))
          .isInstanceOf(BadRequestException.class);
      v2.deleteConfigurationSetEventDestination(
          b -> b.configurationSetName("tx").eventDestinationName("to-cloudwatch"));
      assertThat(
              v2.getConfigurationSetEventDestinations(b -> b.configurationSetName("tx"))
                  .eventDestinations())
          .extracting(d -> d.name())
          .containsExactly("to-sns");
      assertThatThrownBy(
              () ->
                  v2.deleteConfigurationSetEventDestination(
                      b -> b.configurationSetName("tx").eventDestinationName("to-cloudwatch")))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void suppressionList_putGetListDelete_filtersAndPages() {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts());
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint())) {
      Instant before = Instant.now().minusSeconds(5);
      for (int i = 0; i < 5; i++) {
        int n = i;
        v2.putSuppressedDestination(
            b ->
                b.emailAddress("u" + n + "@example.net")
                    .reason(
                        n % 2 == 0
                            ? SuppressionListReason.BOUNCE
                            : SuppressionListReason.COMPLAINT));
      }
      var got = v2.getSuppressedDestination(b -> b.emailAddress("U2@example.net"));
      assertThat(got.suppressedDestination().emailAddress()).isEqualTo("u2@example.net");
      assertThat(got.suppressedDestination().reason()).isEqualTo(SuppressionListReason.BOUNCE);
      assertThat(got.suppressedDestination().lastUpdateTime()).isAfter(before);

      assertThat(v2.listSuppressedDestinations(b -> {}).suppressedDestinationSummaries())
          .hasSize(5);
      assertThat(
              v2.listSuppressedDestinations(b -> b.reasons(SuppressionListReason.COMPLAINT))
                  .suppressedDestinationSummaries())
          .extracting(s -> s.emailAddress())
          .containsExactlyInAnyOrder("u1@example.net", "u3@example.net");
      assertThat(
              v2.listSuppressedDestinations(b -> b.startDate(Instant.now().plusSeconds(60)))
                  .suppressedDestinationSummaries())
          .isEmpty();
      assertThat(
              v2.listSuppressedDestinations(
                      b -> b.startDate(before).endDate(Instant.now().plusSeconds(60)))
                  .suppressedDestinationSummaries())
          .hasSize(5);
      List<String> paged = new ArrayList<>();
      String token = null;
      do {
        String t = token;
        ListSuppressedDestinationsResponse page =
            v2.listSuppressedDestinations(b -> b.pageSize(2).nextToken(t));
        page.suppressedDestinationSummaries().forEach(s -> paged.add(s.emailAddress()));
        token = page.nextToken();
      } while (token != null);
      assertThat(paged).hasSize(5).doesNotHaveDuplicates();

      v2.deleteSuppressedDestination(b -> b.emailAddress("u2@example.net"));
      assertThatThrownBy(() -> v2.getSuppressedDestination(b -> b.emailAddress("u2@example.net")))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(
              () ->
                  v2.putSuppressedDestination(
                      b -> b.emailAddress("not an address").reason(SuppressionListReason.BOUNCE)))
          .isInstanceOf(BadRequestException.class);

      v2.putAccountSuppressionAttributes(b -> b.suppressedReasons(SuppressionListReason.COMPLAINT));
      assertThat(v2.getAccount(b -> {}).suppressionAttributes().suppressedReasons())
          .containsExactly(SuppressionListReason.COMPLAINT);
    }
  }

  @Test
  void identities_createGetListDelete_andTheDefaultConfigurationSet() throws Exception {
    try (Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "sandbox=true", "max-send-rate=unlimited", "verify-identities=false"));
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint())) {
      var created = v2.createEmailIdentity(b -> b.emailIdentity("example.com"));
      assertThat(created.identityType()).isEqualTo(IdentityType.DOMAIN);
      assertThat(created.verifiedForSendingStatus()).isFalse();
      v2.createEmailIdentity(b -> b.emailIdentity("ops@example.org"));
      assertThat(v2.listEmailIdentities(b -> {}).emailIdentities())
          .extracting(i -> i.identityName())
          .containsExactly("example.com", "ops@example.org");
      assertThatThrownBy(() -> v2.createEmailIdentity(b -> b.emailIdentity("example.com")))
          .isInstanceOf(AlreadyExistsException.class);

      // Pending: a sender from it is not verified yet.
      assertThatThrownBy(
              () -> v2.sendEmail(SimulatorV2IT.simple("success@simulator.amazonses.com")))
          .isInstanceOf(MessageRejectedException.class);
      HttpResponse<String> verify =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(sim.httpEndpoint() + "/_sluice/identities/example.com/verify"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(verify.statusCode()).isEqualTo(204);
      GetEmailIdentityResponse got = v2.getEmailIdentity(b -> b.emailIdentity("example.com"));
      assertThat(got.verifiedForSendingStatus()).isTrue();
      assertThat(got.verificationStatusAsString()).isEqualTo("SUCCESS");
      assertThat(v2.sendEmail(SimulatorV2IT.simple("success@simulator.amazonses.com")).messageId())
          .isNotBlank();

      // The identity's default configuration set applies to sends that name none.
      v2.createConfigurationSet(b -> b.configurationSetName("by-identity"));
      v2.putEmailIdentityConfigurationSetAttributes(
          b -> b.emailIdentity("example.com").configurationSetName("by-identity"));
      assertThat(v2.getEmailIdentity(b -> b.emailIdentity("example.com")).configurationSetName())
          .isEqualTo("by-identity");
      String id = v2.sendEmail(SimulatorV2IT.simple("success@simulator.amazonses.com")).messageId();
      assertThat(sim.core().inbox().find(id).configurationSet()).isEqualTo("by-identity");
      String named =
          v2.sendEmail(
                  SimulatorV2IT.simple("success@simulator.amazonses.com").toBuilder()
                      .configurationSetName("other")
                      .build())
              .messageId();
      assertThat(sim.core().inbox().find(named).configurationSet())
          .as("the request's set takes precedence")
          .isEqualTo("other");

      v2.deleteEmailIdentity(b -> b.emailIdentity("ops@example.org"));
      assertThatThrownBy(() -> v2.getEmailIdentity(b -> b.emailIdentity("ops@example.org")))
          .isInstanceOf(NotFoundException.class);
    }
  }
}
