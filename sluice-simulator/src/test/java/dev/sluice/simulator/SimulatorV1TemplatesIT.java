package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.simulator.template.TemplateContent;
import dev.sluice.simulator.template.TemplateStore;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.AlreadyExistsException;
import software.amazon.awssdk.services.ses.model.BulkEmailDestination;
import software.amazon.awssdk.services.ses.model.BulkEmailDestinationStatus;
import software.amazon.awssdk.services.ses.model.BulkEmailStatus;
import software.amazon.awssdk.services.ses.model.InvalidRenderingParameterException;
import software.amazon.awssdk.services.ses.model.InvalidTemplateException;
import software.amazon.awssdk.services.ses.model.LimitExceededException;
import software.amazon.awssdk.services.ses.model.ListTemplatesResponse;
import software.amazon.awssdk.services.ses.model.MessageTag;
import software.amazon.awssdk.services.ses.model.MissingRenderingAttributeException;
import software.amazon.awssdk.services.ses.model.SesException;
import software.amazon.awssdk.services.ses.model.Template;
import software.amazon.awssdk.services.ses.model.TemplateDoesNotExistException;
import software.amazon.awssdk.services.ses.model.TemplateMetadata;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** The v1 template actions, through the AWS SDK for Java v2's SesClient. */
class SimulatorV1TemplatesIT {
  private static Simulator sim;
  private static SesClient v1;
  private static SesV2Client v2;

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"));
    v1 = SesClients.v1(sim, sim.httpEndpoint());
    v2 = SesClients.v2(sim, sim.httpEndpoint());
  }

  @AfterAll
  static void stop() {
    v1.close();
    v2.close();
    sim.close();
  }

  @BeforeEach
  void clear() {
    sim.core().reset();
    sim.core().templates().clear();
  }

  static Template template(String name, String subject, String text, String html) {
    return Template.builder()
        .templateName(name)
        .subjectPart(subject)
        .textPart(text)
        .htmlPart(html)
        .build();
  }

  @Test
  void createGetUpdateListDelete_sharesTheStoreWithV2() {
    v1.createTemplate(
        r -> r.template(template("welcome", "Hi {{name}}", "T {{name}}", "<p>{{name}}</p>")));
    assertThat(v1.getTemplate(r -> r.templateName("welcome")).template())
        .isEqualTo(template("welcome", "Hi {{name}}", "T {{name}}", "<p>{{name}}</p>"));
    assertThat(v2.getEmailTemplate(r -> r.templateName("welcome")).templateContent().subject())
        .isEqualTo("Hi {{name}}");

    v1.updateTemplate(
        r -> r.template(template("welcome", "Hello {{name}}", null, "<b>{{name}}</b>")));
    Template got = v1.getTemplate(r -> r.templateName("welcome")).template();
    assertThat(got.subjectPart()).isEqualTo("Hello {{name}}");
    assertThat(got.textPart()).isNull();

    v2.createEmailTemplate(
        r -> r.templateName("from-v2").templateContent(c -> c.subject("S").text("T")));
    ListTemplatesResponse list = v1.listTemplates(r -> {});
    assertThat(list.templatesMetadata())
        .extracting(TemplateMetadata::name)
        .containsExactly("from-v2", "welcome");
    assertThat(list.templatesMetadata().get(0).createdTimestamp()).isNotNull();

    v1.deleteTemplate(r -> r.templateName("welcome"));
    v1.deleteTemplate(r -> r.templateName("welcome")); // no error for one that is gone, as SES
    assertThatThrownBy(() -> v1.getTemplate(r -> r.templateName("welcome")))
        .isInstanceOf(TemplateDoesNotExistException.class)
        .hasMessageContaining("Template welcome does not exist.");
  }

  @Test
  void listTemplates_pagesWithNextTokenAndCapsMaxItemsAt100() throws Exception {
    for (int i = 0; i < 105; i++) {
      sim.core()
          .templates()
          .create(String.format("t%03d", i), new TemplateContent("S", "T", null), 0);
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListTemplatesResponse page = v1.listTemplates(r -> r.maxItems(1000).nextToken(t));
      assertThat(page.templatesMetadata().size()).isLessThanOrEqualTo(100);
      page.templatesMetadata().forEach(m -> seen.add(m.name()));
      token = page.nextToken();
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(2);
    assertThat(seen).hasSize(105).isSorted().doesNotHaveDuplicates();
    assertThat(v1.listTemplates(r -> {}).templatesMetadata()).hasSize(10);
    assertThatThrownBy(() -> v1.listTemplates(r -> r.maxItems(0))).isInstanceOf(SesException.class);
  }

  @Test
  void createTemplate_errors_useV1Codes() throws Exception {
    v1.createTemplate(r -> r.template(template("dup", "S", "T", null)));
    assertThatThrownBy(() -> v1.createTemplate(r -> r.template(template("dup", "S", "T", null))))
        .isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(
            () -> v1.createTemplate(r -> r.template(template("bad", "S", "{{#each x}}", null))))
        .isInstanceOf(InvalidTemplateException.class)
        .hasMessageContaining("never closed");
    assertThatThrownBy(() -> v1.updateTemplate(r -> r.template(template("none", "S", "T", null))))
        .isInstanceOf(TemplateDoesNotExistException.class);
    assertThatThrownBy(() -> v1.createTemplate(r -> r.template(template("x y", "S", "T", null))))
        .isInstanceOf(SesException.class)
        .satisfies(
            e ->
                assertThat(((SesException) e).awsErrorDetails().errorCode())
                    .isEqualTo("InvalidParameterValue"));
    for (int i = 1; i < TemplateStore.MAX_TEMPLATES; i++) {
      sim.core().templates().create("t" + i, new TemplateContent("S", "T", null), 0);
    }
    assertThatThrownBy(() -> v1.createTemplate(r -> r.template(template("over", "S", "T", null))))
        .isInstanceOf(LimitExceededException.class);
  }

  @Test
  void testRenderTemplate_rendersOrAnswersTheRenderingErrors() throws Exception {
    v1.createTemplate(
        r -> r.template(template("color", "Hi {{name}}", "Color: {{favoritecolor}}", null)));
    String mime =
        v1.testRenderTemplate(
                r ->
                    r.templateName("color")
                        .templateData("{\"name\":\"Jane\",\"favoritecolor\":\"blue\"}"))
            .renderedTemplate();
    MimeMessage m = SimulatorTemplatesIT.parse(mime.getBytes(StandardCharsets.UTF_8));
    assertThat(m.getSubject()).isEqualTo("Hi Jane");
    assertThat(m.getContent()).isEqualTo("Color: blue");
    assertThatThrownBy(
            () ->
                v1.testRenderTemplate(
                    r -> r.templateName("color").templateData("{\"name\":\"Jane\"}")))
        .isInstanceOf(MissingRenderingAttributeException.class)
        .hasMessageContaining("Attribute 'favoritecolor' is not present in the rendering data.");
    assertThatThrownBy(() -> v1.testRenderTemplate(r -> r.templateName("color").templateData("{x")))
        .isInstanceOf(InvalidRenderingParameterException.class);
    assertThatThrownBy(() -> v1.testRenderTemplate(r -> r.templateName("none").templateData("{}")))
        .isInstanceOf(TemplateDoesNotExistException.class);
  }

  @Test
  void sendTemplatedEmail_rendersOrRecordsTheRenderingFailure() throws Exception {
    v1.createTemplate(
        r ->
            r.template(
                template("welcome", "Welcome {{name}}", "Plan {{plan}}", "<p>{{plan}}</p>")));
    String id =
        v1.sendTemplatedEmail(
                r ->
                    r.source("shop@example.com")
                        .destination(d -> d.toAddresses("ann@example.net"))
                        .template("welcome")
                        .templateData("{\"name\":\"Ann\",\"plan\":\"gold\"}")
                        .tags(MessageTag.builder().name("campaign").value("spring").build()))
            .messageId();
    ReceivedMessage got = sim.core().inbox().find(id);
    assertThat(got.via()).isEqualTo(SesInterface.V1);
    assertThat(got.operation()).isEqualTo("SendTemplatedEmail");
    assertThat(got.subject()).isEqualTo("Welcome Ann");
    assertThat(got.tags())
        .containsExactly(new dev.sluice.core.ses.MessageTag("campaign", "spring"));
    MimeMultipart alt = (MimeMultipart) SimulatorTemplatesIT.parse(got.content()).getContent();
    assertThat(alt.getBodyPart(0).getContent()).isEqualTo("Plan gold");

    String failed =
        v1.sendTemplatedEmail(
                r ->
                    r.source("shop@example.com")
                        .destination(d -> d.toAddresses("ann@example.net"))
                        .template("welcome")
                        .templateData("{\"name\":\"Ann\"}"))
            .messageId();
    assertThat(sim.core().inbox().find(failed).trail().entries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo("RenderingFailure");
              assertThat(e.detail())
                  .isEqualTo("welcome: Attribute 'plan' is not present in the rendering data.");
            });
    assertThat(sim.core().ledger().sentLast24Hours()).isEqualTo(2);
    assertThatThrownBy(
            () ->
                v1.sendTemplatedEmail(
                    r ->
                        r.source("shop@example.com")
                            .destination(d -> d.toAddresses("ann@example.net"))
                            .template("none")
                            .templateData("{}")))
        .isInstanceOf(TemplateDoesNotExistException.class);
  }

  @Test
  void sendBulkTemplatedEmail_mergesReplacementsAndAnswersPerDestination() throws Exception {
    v1.createTemplate(
        r -> r.template(template("welcome", "Welcome {{name}}", "Plan {{plan}}", null)));
    List<BulkEmailDestinationStatus> status =
        v1.sendBulkTemplatedEmail(
                r ->
                    r.source("shop@example.com")
                        .template("welcome")
                        .defaultTemplateData("{\"name\":\"friend\",\"plan\":\"free\"}")
                        .defaultTags(MessageTag.builder().name("tier").value("free").build())
                        .destinations(
                            BulkEmailDestination.builder()
                                .destination(d -> d.toAddresses("ann@example.net"))
                                .replacementTemplateData("{\"name\":\"Ann\",\"plan\":\"gold\"}")
                                .replacementTags(
                                    MessageTag.builder().name("tier").value("gold").build())
                                .build(),
                            BulkEmailDestination.builder()
                                .destination(d -> d.toAddresses("bob@example.net"))
                                .build(),
                            BulkEmailDestination.builder()
                                .destination(d -> d.toAddresses("cid@example.net"))
                                .replacementTemplateData("not json")
                                .build()))
            .status();
    assertThat(status)
        .extracting(BulkEmailDestinationStatus::status)
        .containsExactly(
            BulkEmailStatus.SUCCESS,
            BulkEmailStatus.SUCCESS,
            BulkEmailStatus.INVALID_PARAMETER_VALUE);
    ReceivedMessage ann = sim.core().inbox().find(status.get(0).messageId());
    assertThat(ann.subject()).isEqualTo("Welcome Ann");
    assertThat(ann.tags()).containsExactly(new dev.sluice.core.ses.MessageTag("tier", "gold"));
    assertThat(SimulatorTemplatesIT.parse(ann.content()).getContent()).isEqualTo("Plan gold");
    assertThat(sim.core().inbox().find(status.get(1).messageId()).subject())
        .isEqualTo("Welcome friend");
    assertThat(status.get(2).error()).contains("not valid JSON");

    assertThatThrownBy(
            () ->
                v1.sendBulkTemplatedEmail(
                    r ->
                        r.source("shop@example.com")
                            .template("none")
                            .destinations(
                                BulkEmailDestination.builder()
                                    .destination(d -> d.toAddresses("a@example.net"))
                                    .build())))
        .isInstanceOf(TemplateDoesNotExistException.class);
  }
}
