package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Clock;
import dev.sluice.core.address.AddressCheck;
import dev.sluice.core.address.SesAddressGrammar;
import dev.sluice.simulator.account.ConfigurationSets;
import dev.sluice.simulator.account.Identities;
import dev.sluice.simulator.account.Identity;
import java.util.Map;

/**
 * SES v2's email identities, as far as sending needs them: Create/Get/List/DeleteEmailIdentity and
 * PutEmailIdentityConfigurationSetAttributes (an identity's default configuration set). An identity
 * is verified as soon as it is created unless the simulator was started with {@code
 * --verify-identities=false}; then it stays pending (SES's {@code PENDING}) until {@code POST
 * /_sluice/identities/{name}/verify}. No DKIM or MAIL FROM records are checked.
 *
 * <p>Thread-safe: the state lives in {@link Identities}.
 */
final class IdentitiesApi implements V2Resource {
  private static final String IDENTITIES = "/v2/email/identities";
  private static final String IDENTITY = IDENTITIES + "/{EmailIdentity}";

  private final Identities identities;
  private final ConfigurationSets sets;
  private final boolean verifyAtOnce;
  private final Clock clock;

  IdentitiesApi(Identities identities, ConfigurationSets sets, boolean verifyAtOnce, Clock clock) {
    this.identities = identities;
    this.sets = sets;
    this.verifyAtOnce = verifyAtOnce;
    this.clock = clock;
  }

  @Override
  public void register(V2Routes r) {
    r.add("CreateEmailIdentity", "POST", IDENTITIES, (call, p) -> create(call))
        .add("ListEmailIdentities", "GET", IDENTITIES, (call, p) -> list(call))
        .add("ListEmailIdentities", "POST", "/v2/email/list-identities", (call, p) -> list(call))
        .add("GetEmailIdentity", "GET", IDENTITY, (call, p) -> get(p.get("EmailIdentity")))
        .add("DeleteEmailIdentity", "DELETE", IDENTITY, (call, p) -> delete(p.get("EmailIdentity")))
        .add(
            "PutEmailIdentityConfigurationSetAttributes",
            "PUT",
            IDENTITY + "/configuration-set",
            (call, p) -> defaultSet(call, p));
  }

  private ApiResponse create(ApiCall call) throws V2Api.BadRequest {
    JsonNode req = V2Bodies.parse(call.body());
    String name = V2Bodies.required(req, "EmailIdentity");
    boolean domain = name.indexOf('@') < 0;
    if (domain
        ? SesAddressGrammar.check("postmaster@" + name) instanceof AddressCheck.Invalid
        : SesAddressGrammar.check(name) instanceof AddressCheck.Invalid) {
      throw new V2Api.BadRequest("Invalid email identity " + name + ".");
    }
    String set = V2Api.text(req, "ConfigurationSetName");
    if (set != null && sets.get(set).isEmpty() && !sets.lenient()) {
      return V2Bodies.notFound("Configuration set <" + set + "> does not exist.");
    }
    Identity i = new Identity(name, domain, verifyAtOnce, clock.millis(), set);
    if (!identities.create(i)) {
      return identities.get(name).isPresent()
          ? V2Bodies.alreadyExists("Email identity <" + name + "> already exists.")
          : V2Bodies.limitExceeded("Maximum number of identities reached.");
    }
    ObjectNode out = V2Bodies.JSON.createObjectNode();
    out.put("IdentityType", i.type());
    out.put("VerifiedForSendingStatus", i.verified());
    dkim(out);
    return V2Bodies.ok(out);
  }

  private ApiResponse get(String name) {
    Identity i = identities.get(name).orElse(null);
    if (i == null) {
      return V2Bodies.notFound("Email identity <" + name + "> does not exist.");
    }
    ObjectNode out = V2Bodies.JSON.createObjectNode();
    out.put("IdentityType", i.type());
    out.put("FeedbackForwardingStatus", true);
    out.put("VerifiedForSendingStatus", i.verified());
    out.put("VerificationStatus", i.verified() ? "SUCCESS" : "PENDING");
    dkim(out);
    out.putObject("MailFromAttributes").put("BehaviorOnMxFailure", "USE_DEFAULT_VALUE");
    out.putObject("Policies");
    out.putArray("Tags");
    if (i.defaultConfigurationSet() != null) {
      out.put("ConfigurationSetName", i.defaultConfigurationSet());
    }
    return V2Bodies.ok(out);
  }

  private ApiResponse list(ApiCall call) throws V2Api.BadRequest {
    V2Bodies.Page<Identity> page =
        V2Bodies.page(identities.all(), V2Bodies.paging(call), V2Bodies.DEFAULT_PAGE);
    ObjectNode out = V2Bodies.JSON.createObjectNode();
    ArrayNode list = out.putArray("EmailIdentities");
    for (Identity i : page.items()) {
      list.addObject()
          .put("IdentityType", i.type())
          .put("IdentityName", i.name())
          .put("SendingEnabled", true)
          .put("VerificationStatus", i.verified() ? "SUCCESS" : "PENDING");
    }
    if (page.nextToken() != null) {
      out.put("NextToken", page.nextToken());
    }
    return V2Bodies.ok(out);
  }

  private ApiResponse delete(String name) {
    return identities.delete(name)
        ? V2Bodies.ok()
        : V2Bodies.notFound("Email identity <" + name + "> does not exist.");
  }

  private ApiResponse defaultSet(ApiCall call, Map<String, String> p) throws V2Api.BadRequest {
    String name = p.get("EmailIdentity");
    String set = V2Api.text(V2Bodies.parse(call.body()), "ConfigurationSetName");
    if (set != null && sets.get(set).isEmpty() && !sets.lenient()) {
      return V2Bodies.notFound("Configuration set <" + set + "> does not exist.");
    }
    return identities.update(name, i -> i.withDefaultConfigurationSet(set))
        ? V2Bodies.ok()
        : V2Bodies.notFound("Email identity <" + name + "> does not exist.");
  }

  /** DKIM as an identity without Easy DKIM set up shows it. */
  private static void dkim(ObjectNode out) {
    ObjectNode d = out.putObject("DkimAttributes");
    d.put("SigningEnabled", false);
    d.put("Status", "NOT_STARTED");
    d.putArray("Tokens");
  }
}
