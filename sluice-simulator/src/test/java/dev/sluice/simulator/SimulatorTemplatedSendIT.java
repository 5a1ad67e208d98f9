package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.Attachment;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.BulkEmailEntry;
import software.amazon.awssdk.services.sesv2.model.BulkEmailEntryResult;
import software.amazon.awssdk.services.sesv2.model.BulkEmailStatus;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendBulkEmailResponse;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.Template;

/** SendEmail with template content and SendBulkEmail, through the AWS SDK for Java v2. */
class SimulatorTemplatedSendIT {
  private static final ObjectMapper JSON = new ObjectMapper();
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
    ses.createEmailTemplate(
        r ->
            r.templateName("welcome")
                .templateContent(
                    c ->
                        c.subject("Welcome, {{name}}!")
                            .text("Dear {{name}},\nyour plan is {{plan}}.")
                            .html("<h1>Hello {{name}}</h1><p>Plan: <b>{{plan}}</b></p>")));
  }

  static SendEmailRequest.Builder templated(Template template, String... to) {
    return SendEmailRequest.builder()
        .fromEmailAddress("Shop <shop@example.com>")
        .destination(d -> d.toAddresses(to))
        .content(EmailContent.builder().template(template).build());
  }

  static MimeMessage mime(String messageId) throws Exception {
    ReceivedMessage m = sim.core().inbox().find(messageId);
    return SimulatorTemplatesIT.parse(m.content());
  }

  static JsonNode inspected(String messageId) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(sim.httpEndpoint().resolve("/_sluice/messages/" + messageId))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void sendEmail_storedTemplate_deliversTheRenderedMimeMessage() throws Exception {
    String id =
        ses.sendEmail(
                SendEmailRequest.builder()
                    .fromEmailAddress("Shop <shop@example.com>")
                    .destination(
                        d ->
                            d.toAddresses("ann@example.net")
                                .ccAddresses("cc@example.net")
                                .bccAddresses("bcc@example.net"))
                    .replyToAddresses("help@example.com")
                    .emailTags(MessageTag.builder().name("campaign").value("spring").build())
                    .content(
                        EmailContent.builder()
                            .template(
                                Template.builder()
                                    .templateName("welcome")
                                    .templateData("{\"name\":\"Ann & Bob\",\"plan\":\"gold\"}")
                                    .headers(
                                        MessageHeader.builder()
                                            .name("X-Campaign")
                                            .value("spring")
                                            .build())
                                    .build())
                            .build())
                    .build())
            .messageId();
    ReceivedMessage r = sim.core().inbox().find(id);
    assertThat(r.subject()).isEqualTo("Welcome, Ann & Bob!");
    assertThat(r.recipients())
        .containsExactly("ann@example.net", "cc@example.net", "bcc@example.net");
    assertThat(r.tags()).containsExactly(new dev.sluice.core.ses.MessageTag("campaign", "spring"));
    MimeMessage m = mime(id);
    assertThat(m.getSubject()).isEqualTo("Welcome, Ann & Bob!");
    assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo("shop@example.com");
    assertThat(m.getRecipients(RecipientType.TO))
        .extracting(Object::toString)
        .containsExactly("ann@example.net");
    assertThat(m.getRecipients(RecipientType.CC))
        .extracting(Object::toString)
        .containsExactly("cc@example.net");
    assertThat(m.getRecipients(RecipientType.BCC)).isNull();
    assertThat(m.getReplyTo()).extracting(Object::toString).containsExactly("help@example.com");
    assertThat(m.getHeader("X-Campaign")).containsExactly("spring");
    MimeMultipart alt = (MimeMultipart) m.getContent();
    assertThat(alt.getBodyPart(0).getContent()).isEqualTo("Dear Ann & Bob,\r\nyour plan is gold.");
    assertThat(alt.getBodyPart(1).getContent())
        .isEqualTo("<h1>Hello Ann & Bob</h1><p>Plan: <b>gold</b></p>");
    JsonNode seen = inspected(id);
    assertThat(seen.path("subject").asText()).isEqualTo("Welcome, Ann & Bob!");
    assertThat(seen.path("events")).isEmpty();
  }

  @Test
  void sendEmail_templateArnAndAttachment_resolveTheStoredTemplateAndAttach() throws Exception {
    byte[] pdf = "%PDF-1.4 \u00ff\u0000binary".getBytes(StandardCharsets.ISO_8859_1);
    String id =
        ses.sendEmail(
                templated(
                        Template.builder()
                            .templateArn("arn:aws:ses:us-east-1:123456789012:template/welcome")
                            .templateData("{\"name\":\"Ann\",\"plan\":\"free\"}")
                            .attachments(
                                Attachment.builder()
                                    .fileName("invoice.pdf")
                                    .contentType("application/pdf")
                                    .rawContent(SdkBytes.fromByteArray(pdf))
                                    .build())
                            .build(),
                        "ann@example.net")
                    .build())
            .messageId();
    MimeMessage m = mime(id);
    assertThat(m.getSubject()).isEqualTo("Welcome, Ann!");
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertThat(mixed.getContentType()).startsWith("multipart/mixed");
    assertThat(((MimeMultipart) mixed.getBodyPart(0).getContent()).getCount()).isEqualTo(2);
    MimeBodyPart att = (MimeBodyPart) mixed.getBodyPart(1);
    assertThat(att.getFileName()).isEqualTo("invoice.pdf");
    assertThat(att.getContentType()).startsWith("application/pdf");
    assertThat(att.getInputStream().readAllBytes()).isEqualTo(pdf);
  }

  @Test
  void sendEmail_inlineTemplateContent_takesSimpleSubstitutionsOnly() throws Exception {
    String id =
        ses.sendEmail(
                templated(
                        Template.builder()
                            .templateContent(
                                c -> c.subject("Code {{code}}").text("Your code: {{code}}"))
                            .templateData("{\"code\":\"123456\"}")
                            .build(),
                        "ann@example.net")
                    .build())
            .messageId();
    MimeMessage m = mime(id);
    assertThat(m.getSubject()).isEqualTo("Code 123456");
    assertThat(m.getContentType()).startsWith("text/plain");
    assertThat(m.getContent()).isEqualTo("Your code: 123456");
    assertThatThrownBy(
            () ->
                ses.sendEmail(
                    templated(
                            Template.builder()
                                .templateContent(c -> c.subject("S").text("{{#if vip}}VIP{{/if}}"))
                                .templateData("{}")
                                .build(),
                            "ann@example.net")
                        .build()))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("only simple substitutions");
  }

  @Test
  void sendEmail_dataMissingAnAttribute_isAcceptedChargedAndRecordedAsRenderingFailure()
      throws Exception {
    String id =
        ses.sendEmail(
                templated(
                        Template.builder()
                            .templateName("welcome")
                            .templateData("{\"name\":\"Ann\"}")
                            .build(),
                        "ann@example.net")
                    .build())
            .messageId();
    assertThat(id).matches(SimulatorV2IT.MESSAGE_ID);
    assertThat(sim.core().ledger().sentLast24Hours()).isEqualTo(1);
    ReceivedMessage r = sim.core().inbox().find(id);
    assertThat(r.size()).isZero();
    assertThat(r.subject()).isEqualTo("Welcome, {{name}}!");
    JsonNode events = inspected(id).path("events");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).path("type").asText()).isEqualTo("RenderingFailure");
    assertThat(events.get(0).path("detail").asText())
        .isEqualTo("welcome: Attribute 'plan' is not present in the rendering data.");
  }

  static void send(Template.Builder template) {
    ses.sendEmail(templated(template.build(), "a@example.net").build());
  }

  @Test
  void sendEmail_unknownTemplateOrBadData_isRefusedAtOnce() {
    assertThatThrownBy(() -> send(Template.builder().templateName("nope").templateData("{}")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Template nope does not exist.");
    assertThatThrownBy(() -> send(Template.builder().templateName("welcome").templateData("{oops")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Content.Template.TemplateData is not valid JSON.");
    String tooLong = "{\"a\":\"" + "x".repeat(262_144) + "\"}";
    assertThatThrownBy(() -> send(Template.builder().templateName("welcome").templateData(tooLong)))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("at most 262144");
    assertThatThrownBy(
            () ->
                send(
                    Template.builder()
                        .templateName("welcome")
                        .templateData("{}")
                        .headers(MessageHeader.builder().name("Subject").value("x").build())))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Header Subject is set by SES");
    assertThatThrownBy(
            () ->
                send(
                    Template.builder()
                        .templateName("welcome")
                        .templateContent(c -> c.subject("S").text("T"))))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("not both");
    assertThat(sim.core().ledger().sentLast24Hours()).isZero();
  }

  @Test
  void sendBulkEmail_replacementDataTagsAndHeaders_mergeOverTheDefaults() throws Exception {
    SendBulkEmailResponse resp =
        ses.sendBulkEmail(
            b ->
                b.fromEmailAddress("shop@example.com")
                    .defaultEmailTags(
                        MessageTag.builder().name("campaign").value("spring").build(),
                        MessageTag.builder().name("tier").value("free").build())
                    .defaultContent(
                        c ->
                            c.template(
                                t ->
                                    t.templateName("welcome")
                                        .templateData("{\"name\":\"friend\",\"plan\":\"free\"}")
                                        .headers(
                                            MessageHeader.builder()
                                                .name("X-Campaign")
                                                .value("spring")
                                                .build(),
                                            MessageHeader.builder()
                                                .name("X-Tier")
                                                .value("free")
                                                .build())))
                    .bulkEmailEntries(
                        BulkEmailEntry.builder()
                            .destination(d -> d.toAddresses("ann@example.net"))
                            .replacementEmailContent(
                                r ->
                                    r.replacementTemplate(
                                        t ->
                                            t.replacementTemplateData(
                                                "{\"name\":\"Ann\",\"plan\":\"gold\"}")))
                            .replacementTags(
                                MessageTag.builder().name("tier").value("gold").build())
                            .replacementHeaders(
                                MessageHeader.builder().name("x-tier").value("gold").build())
                            .build(),
                        BulkEmailEntry.builder()
                            .destination(d -> d.toAddresses("bob@example.net"))
                            .build()));
    List<BulkEmailEntryResult> results = resp.bulkEmailEntryResults();
    assertThat(results)
        .extracting(BulkEmailEntryResult::status)
        .containsOnly(BulkEmailStatus.SUCCESS);

    MimeMessage ann = mime(results.get(0).messageId());
    assertThat(ann.getSubject()).isEqualTo("Welcome, Ann!");
    assertThat(((MimeMultipart) ann.getContent()).getBodyPart(0).getContent())
        .isEqualTo("Dear Ann,\r\nyour plan is gold.");
    assertThat(ann.getHeader("X-Campaign")).containsExactly("spring");
    assertThat(ann.getHeader("X-Tier")).containsExactly("gold");
    assertThat(sim.core().inbox().find(results.get(0).messageId()).tags())
        .containsExactly(
            new dev.sluice.core.ses.MessageTag("campaign", "spring"),
            new dev.sluice.core.ses.MessageTag("tier", "gold"));

    MimeMessage bob = mime(results.get(1).messageId());
    assertThat(bob.getSubject()).isEqualTo("Welcome, friend!");
    assertThat(bob.getHeader("X-Tier")).containsExactly("free");
    assertThat(sim.core().inbox().find(results.get(1).messageId()).tags())
        .extracting(dev.sluice.core.ses.MessageTag::value)
        .containsExactly("spring", "free");
  }

  @Test
  void sendBulkEmail_entryWhoseDataLacksAnAttribute_succeedsButIsRecordedAsRenderingFailure()
      throws Exception {
    SendBulkEmailResponse resp =
        ses.sendBulkEmail(
            b ->
                b.fromEmailAddress("shop@example.com")
                    .defaultContent(
                        c ->
                            c.template(
                                t -> t.templateName("welcome").templateData("{\"name\":\"x\"}")))
                    .bulkEmailEntries(
                        entry("ann@example.net", "{\"plan\":\"gold\"}"),
                        entry("bob@example.net", "{\"name\":\"Bob\"}"),
                        entry("cid@example.net", "[\"not an object\"]")));
    List<BulkEmailEntryResult> results = resp.bulkEmailEntryResults();
    assertThat(results.get(0).status()).isEqualTo(BulkEmailStatus.SUCCESS);
    assertThat(results.get(1).status()).isEqualTo(BulkEmailStatus.SUCCESS);
    assertThat(results.get(2).status()).isEqualTo(BulkEmailStatus.INVALID_PARAMETER);
    assertThat(results.get(2).error()).contains("must be a JSON object");
    assertThat(inspected(results.get(0).messageId()).path("events")).isEmpty();
    JsonNode events = inspected(results.get(1).messageId()).path("events");
    assertThat(events.get(0).path("type").asText()).isEqualTo("RenderingFailure");
    assertThat(events.get(0).path("detail").asText()).contains("'plan'");
    assertThat(sim.core().ledger().sentLast24Hours()).isEqualTo(2);
  }

  @Test
  void sendBulkEmail_unknownTemplate_isTemplateNotFoundForEveryEntry() {
    SendBulkEmailResponse resp =
        ses.sendBulkEmail(
            b ->
                b.fromEmailAddress("shop@example.com")
                    .defaultContent(c -> c.template(t -> t.templateName("gone").templateData("{}")))
                    .bulkEmailEntries(entry("a@example.net", null), entry("b@example.net", null)));
    assertThat(resp.bulkEmailEntryResults())
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(BulkEmailStatus.TEMPLATE_NOT_FOUND);
              assertThat(r.error()).isEqualTo("Template gone does not exist.");
              assertThat(r.messageId()).isNull();
            });
    assertThat(sim.core().inbox().size()).isZero();
  }

  static BulkEmailEntry entry(String to, String data) {
    BulkEmailEntry.Builder b = BulkEmailEntry.builder().destination(d -> d.toAddresses(to));
    if (data != null) {
      b.replacementEmailContent(r -> r.replacementTemplate(t -> t.replacementTemplateData(data)));
    }
    return b.build();
  }

  @Test
  void sendEmail_nonAsciiDataAndLongLines_comeBackIntactFromTheMime() throws Exception {
    String name = "J\u00fcrgen \u2603 " + "long ".repeat(300);
    String id =
        ses.sendEmail(
                templated(
                        Template.builder()
                            .templateName("welcome")
                            .templateData(
                                JSON.createObjectNode()
                                    .put("name", name)
                                    .put("plan", "\u00e9t\u00e9")
                                    .toString())
                            .build(),
                        "ann@example.net")
                    .build())
            .messageId();
    MimeMessage m = mime(id);
    assertThat(m.getSubject()).isEqualTo("Welcome, " + name + "!");
    MimeMultipart alt = (MimeMultipart) m.getContent();
    assertThat(alt.getBodyPart(0).getContent())
        .isEqualTo("Dear " + name + ",\r\nyour plan is \u00e9t\u00e9.");
    assertThat(
            Arrays.stream(
                new String(sim.core().inbox().find(id).content(), StandardCharsets.US_ASCII)
                    .split("\r\n")))
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
  }
}
