package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.simulator.template.TemplateContent;
import dev.sluice.simulator.template.TemplateStore;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.EmailTemplateContent;
import software.amazon.awssdk.services.sesv2.model.EmailTemplateMetadata;
import software.amazon.awssdk.services.sesv2.model.GetEmailTemplateResponse;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.ListEmailTemplatesResponse;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;

/** The v2 template operations, through the AWS SDK for Java v2. */
class SimulatorTemplatesIT {
  private static Simulator sim;
  private static SesV2Client ses;

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"));
    ses = SesClients.v2(sim, sim.httpEndpoint());
  }

  @AfterAll
  static void stop() {
    ses.close();
    sim.close();
  }

  @BeforeEach
  void clear() {
    sim.core().reset();
    sim.core().templates().clear();
  }

  static EmailTemplateContent content(String subject, String text, String html) {
    return EmailTemplateContent.builder().subject(subject).text(text).html(html).build();
  }

  static void create(String name, String subject, String text, String html) {
    ses.createEmailTemplate(
        r -> r.templateName(name).templateContent(content(subject, text, html)));
  }

  @Test
  void createGetUpdateDelete_throughTheSdk_roundTripTheTemplate() {
    Instant before = Instant.ofEpochMilli(sim.core().clock().millis()).minusSeconds(1);
    create("welcome", "Hello {{name}}", "Dear {{name}},", "<h1>Hello {{name}}</h1>");
    GetEmailTemplateResponse got = ses.getEmailTemplate(r -> r.templateName("welcome"));
    assertThat(got.templateName()).isEqualTo("welcome");
    assertThat(got.templateContent())
        .isEqualTo(content("Hello {{name}}", "Dear {{name}},", "<h1>Hello {{name}}</h1>"));

    ses.updateEmailTemplate(
        r ->
            r.templateName("welcome")
                .templateContent(content("Hi {{name}}", null, "<p>{{name}}</p>")));
    got = ses.getEmailTemplate(r -> r.templateName("welcome"));
    assertThat(got.templateContent().subject()).isEqualTo("Hi {{name}}");
    assertThat(got.templateContent().text()).isNull();
    assertThat(got.templateContent().html()).isEqualTo("<p>{{name}}</p>");

    ListEmailTemplatesResponse list = ses.listEmailTemplates(r -> {});
    assertThat(list.templatesMetadata())
        .extracting(EmailTemplateMetadata::templateName)
        .containsExactly("welcome");
    assertThat(list.templatesMetadata().get(0).createdTimestamp())
        .isAfter(before)
        .isBefore(before.plusSeconds(60));
    assertThat(list.nextToken()).isNull();

    ses.deleteEmailTemplate(r -> r.templateName("welcome"));
    assertThatThrownBy(() -> ses.getEmailTemplate(r -> r.templateName("welcome")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Template welcome does not exist.");
  }

  @Test
  void createEmailTemplate_existingName_isAlreadyExists() {
    create("dup", "S", "T", null);
    assertThatThrownBy(() -> create("dup", "S2", "T2", null))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("Template dup already exists.");
    assertThat(ses.getEmailTemplate(r -> r.templateName("dup")).templateContent().subject())
        .isEqualTo("S");
  }

  @Test
  void createEmailTemplate_invalidHandlebars_isBadRequestNamingThePart() {
    assertThatThrownBy(() -> create("broken", "S", "ok", "<p>{{#if vip}}gold</p>"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Html: Parse error: {{#if}} on line 1 is never closed.");
    assertThatThrownBy(() -> create("broken", "S", "{{> footer}}", null))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("The partial footer could not be found");
    assertThatThrownBy(() -> ses.getEmailTemplate(r -> r.templateName("broken")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void createEmailTemplate_badNameOrMissingParts_isBadRequest() {
    assertThatThrownBy(() -> create("has space", "S", "T", null))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Invalid template name <has space>");
    assertThatThrownBy(() -> create("x".repeat(65), "S", "T", null))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> create("nosubject", null, "T", null))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("TemplateContent.Subject");
    assertThatThrownBy(() -> create("nobody", "S", null, null))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Text part, an Html part or both");
  }

  @Test
  void createEmailTemplate_over500KB_isBadRequestAndAtLimitIsTaken() {
    String subject = "S";
    String atLimit = "x".repeat((int) TemplateStore.MAX_TEMPLATE_BYTES - subject.length());
    create("big", subject, atLimit, null);
    assertThatThrownBy(() -> create("bigger", subject, atLimit + "x", null))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("at most 512000 bytes");
  }

  @Test
  void createEmailTemplate_whenTheAccountHasTwentyThousand_isLimitExceeded() throws Exception {
    for (int i = 0; i < TemplateStore.MAX_TEMPLATES - 1; i++) {
      sim.core().templates().create("t" + i, new TemplateContent("S", "T", null), 0);
    }
    create("last", "S", "T", null);
    assertThatThrownBy(() -> create("one-more", "S", "T", null))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("(20000)");
    ses.deleteEmailTemplate(r -> r.templateName("t0"));
    create("one-more", "S", "T", null);
  }

  @Test
  void missingTemplate_getUpdateDeleteRender_areNotFound() {
    assertThatThrownBy(() -> ses.getEmailTemplate(r -> r.templateName("none")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(
            () ->
                ses.updateEmailTemplate(
                    r -> r.templateName("none").templateContent(content("S", "T", null))))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> ses.deleteEmailTemplate(r -> r.templateName("none")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(
            () -> ses.testRenderEmailTemplate(r -> r.templateName("none").templateData("{}")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void listEmailTemplates_sdkPaginator_givesEveryTemplateOnceInNameOrder() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      names.add(String.format("tpl-%02d", i));
    }
    for (String n : names.reversed()) {
      create(n, "S", "T", null);
    }
    ListEmailTemplatesResponse first = ses.listEmailTemplates(r -> {});
    assertThat(first.templatesMetadata()).hasSize(10);
    assertThat(first.nextToken()).isNotNull();
    List<String> seen = new ArrayList<>();
    ses.listEmailTemplatesPaginator(r -> r.pageSize(7))
        .forEach(page -> page.templatesMetadata().forEach(m -> seen.add(m.templateName())));
    assertThat(seen).isEqualTo(names);
  }

  @Test
  void listEmailTemplates_pageSizeOutOfRangeOrBadToken_isBadRequest() {
    assertThatThrownBy(() -> ses.listEmailTemplates(r -> r.pageSize(0)))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("PageSize");
    assertThatThrownBy(() -> ses.listEmailTemplates(r -> r.pageSize(101)))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> ses.listEmailTemplates(r -> r.nextToken("not base64!")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("NextToken");
  }

  @Test
  void testRenderEmailTemplate_rendersTheMimeMessage() throws Exception {
    create(
        "order",
        "Order {{order.id}} for {{name}}",
        "{{#each items}}- {{this}}\n{{/each}}",
        "<ul>{{#each items}}<li>{{this}}</li>{{/each}}</ul>");
    String mime =
        ses.testRenderEmailTemplate(
                r ->
                    r.templateName("order")
                        .templateData(
                            "{\"name\":\"Jos\u00e9\",\"order\":{\"id\":42},\"items\":[\"tea\",\"<cake>\"]}"))
            .renderedTemplate();
    MimeMessage m = parse(mime.getBytes(StandardCharsets.UTF_8));
    assertThat(m.getSubject()).isEqualTo("Order 42 for Jos\u00e9");
    MimeMultipart alt = (MimeMultipart) m.getContent();
    assertThat(alt.getContentType()).startsWith("multipart/alternative");
    assertThat(alt.getBodyPart(0).getContent()).isEqualTo("- tea\r\n- <cake>\r\n");
    assertThat(alt.getBodyPart(1).getContent()).isEqualTo("<ul><li>tea</li><li><cake></li></ul>");
  }

  @Test
  void testRenderEmailTemplate_missingAttributeOrBadData_isBadRequestSayingWhy() {
    create("color", "Hi {{name}}", "Your favorite color is {{favoritecolor}}.", null);
    assertThatThrownBy(
            () ->
                ses.testRenderEmailTemplate(
                    r -> r.templateName("color").templateData("{\"name\":\"Jane\"}")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Attribute 'favoritecolor' is not present in the rendering data.");
    assertThatThrownBy(
            () ->
                ses.testRenderEmailTemplate(r -> r.templateName("color").templateData("{not json")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () -> ses.testRenderEmailTemplate(r -> r.templateName("color").templateData("[1]")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("must be a JSON object");
  }

  @Test
  void reset_keepsTheAccountsTemplates() throws Exception {
    create("kept", "S", "T", null);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(sim.httpEndpoint().resolve("/_sluice/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(ses.getEmailTemplate(x -> x.templateName("kept")).templateName()).isEqualTo("kept");
  }

  static MimeMessage parse(byte[] mime) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime));
  }
}
