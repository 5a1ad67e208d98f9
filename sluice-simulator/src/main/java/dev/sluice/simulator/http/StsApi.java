package dev.sluice.simulator.http;

import dev.sluice.simulator.auth.TemporaryCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of the AWS Security Token Service the simulator answers: {@code AssumeRole} in the
 * Query protocol (a form POST to {@code /} signed for the service {@code sts}), so a client can
 * sign its SES calls with an assumed role's temporary credentials.
 *
 * <p>Design note. Roles are not modelled as IAM would: with no roles configured any role ARN may be
 * assumed, by any caller the simulator lets in; with {@code simulator.sts-roles} only the roles
 * listed, each with the external id it requires, if any. A refusal is STS's {@code AccessDenied}
 * (403); a parameter outside STS's constraints is {@code ValidationError} (400). The temporary
 * credentials live in {@link TemporaryCredentials}, which the SES APIs consult.
 *
 * <p>Stateless apart from the store; thread-safe.
 */
final class StsApi {
  /** STS's XML namespace. */
  static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/([\\w+=,.@/-]{1,512})");
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final long MIN_SECONDS = 900;
  private static final long MAX_SECONDS = 43_200;
  private static final long DEFAULT_SECONDS = 3600;

  private final TemporaryCredentials credentials;
  private final Map<String, String> roles;
  private final String accountId;

  /**
   * @param roles the roles that may be assumed, each with the external id it requires (empty for
   *     none); no roles: any
   */
  StsApi(TemporaryCredentials credentials, Map<String, String> roles, String accountId) {
    this.credentials = credentials;
    this.roles = Map.copyOf(roles);
    this.accountId = accountId;
  }

  /** Answers one STS call from {@code caller}, an authenticated access key id. */
  ApiResponse handle(ApiCall call, String requestId) {
    QueryForm f;
    try {
      f = QueryForm.parse(new String(call.body(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return error(400, "MalformedQueryString", "The query string is malformed.", requestId);
    }
    String action = f.get("Action");
    if (!"AssumeRole".equals(action)) {
      return error(
          400,
          "InvalidAction",
          "Could not find operation "
              + action
              + " for version "
              + f.get("Version")
              + " (the simulator's STS answers AssumeRole only)",
          requestId);
    }
    String roleArn = f.get("RoleArn");
    String sessionName = f.get("RoleSessionName");
    String externalId = f.get("ExternalId");
    String duration = f.get("DurationSeconds");
    Matcher arn = ROLE_ARN.matcher(roleArn == null ? "" : roleArn);
    String invalid = null;
    if (roleArn == null) {
      invalid = "Value null at 'roleArn' failed to satisfy constraint: Member must not be null";
    } else if (!arn.matches()) {
      invalid =
          "Value '"
              + roleArn
              + "' at 'roleArn' failed to satisfy constraint: Member must be a role ARN such as"
              + " arn:aws:iam::123456789012:role/NAME";
    } else if (sessionName == null) {
      invalid =
          "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null";
    } else if (!SESSION_NAME.matcher(sessionName).matches()) {
      invalid =
          "Value '"
              + sessionName
              + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [\\w+=,.@-]* and have length between 2 and 64";
    } else if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
      invalid =
          "Value at 'externalId' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [\\w+=,.@:\\/-]* and have length between 2 and 1224";
    }
    long seconds = DEFAULT_SECONDS;
    if (invalid == null && duration != null) {
      try {
        seconds = Long.parseLong(duration);
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
        invalid =
            "Value '"
                + duration
                + "' at 'durationSeconds' failed to satisfy constraint: Member must have value"
                + " between "
                + MIN_SECONDS
                + " and "
                + MAX_SECONDS;
      }
    }
    if (invalid != null) {
      return error(400, "ValidationError", "1 validation error detected: " + invalid, requestId);
    }
    if (!roles.isEmpty()) {
      String required = roles.get(roleArn);
      if (required == null || (!required.isEmpty() && !required.equals(externalId))) {
        return error(
            403,
            "AccessDenied",
            "User: arn:aws:iam::"
                + accountId
                + ":user/"
                + call.accessKeyId()
                + " is not authorized to perform: sts:AssumeRole on resource: "
                + roleArn,
            requestId);
      }
    }
    TemporaryCredentials.Session s =
        credentials.issue(roleArn, sessionName, Duration.ofSeconds(seconds));
    String roleName = arn.group(2).substring(arn.group(2).lastIndexOf('/') + 1);
    String xml =
        "<AssumeRoleResponse xmlns=\""
            + NS
            + "\">\n  <AssumeRoleResult>\n    <AssumedRoleUser>\n      <Arn>arn:aws:sts::"
            + arn.group(1)
            + ":assumed-role/"
            + Xml.escape(roleName)
            + "/"
            + Xml.escape(sessionName)
            + "</Arn>\n      <AssumedRoleId>AROA"
            + s.accessKeyId().substring(4)
            + ":"
            + Xml.escape(sessionName)
            + "</AssumedRoleId>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>"
            + s.accessKeyId()
            + "</AccessKeyId>\n      <SecretAccessKey>"
            + Xml.escape(s.secretAccessKey())
            + "</SecretAccessKey>\n      <SessionToken>"
            + Xml.escape(s.sessionToken())
            + "</SessionToken>\n      <Expiration>"
            + DateTimeFormatter.ISO_INSTANT.format(s.expiration().truncatedTo(ChronoUnit.SECONDS))
            + "</Expiration>\n    </Credentials>\n  </AssumeRoleResult>\n  <ResponseMetadata>\n"
            + "    <RequestId>"
            + requestId
            + "</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n";
    return ApiResponse.xml(200, xml);
  }

  /** An STS error in the Query protocol's shape. */
  static ApiResponse error(int status, String code, String message, String requestId) {
    return Xml.errorResponse(NS, status, "Sender", code, message, requestId);
  }
}
