package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.simulator.mailbox.MessageIds;
import dev.sluice.simulator.sns.SnsException;
import dev.sluice.simulator.sns.SnsService;
import dev.sluice.simulator.sns.SnsSubscriptionInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The HTTP side of the simulator's SNS: the URLs written into its messages, shaped as SNS's, and
 * its inspection endpoints. None is subject to injected latency or faults.
 *
 * <pre>
 * GET  /SimpleNotificationService-{id}.pem                  the signing certificate (SigningCertURL)
 * GET  /?Action=ConfirmSubscription&amp;TopicArn=…&amp;Token=…       confirm (SubscribeURL)
 * GET  /?Action=Unsubscribe&amp;SubscriptionArn=…                 unsubscribe (UnsubscribeURL)
 * POST / (SigV4 scope …/sns/aws4_request)                   the same two as SNS Query API calls
 * GET  /_sluice/sns/subscriptions                           every subscription, state and counts
 * POST /_sluice/sns/subscriptions?topic-arn=ARN&amp;endpoint=URL subscribe while running
 * PUT  /_sluice/sns/topics?topic-arn=ARN&amp;signature-version=2  a topic's SignatureVersion
 * GET  /_sluice/sns/certificate                             the signing certificate
 * </pre>
 *
 * <p>The SNS actions answer with SNS's Query API documents ({@code ConfirmSubscriptionResponse},
 * {@code UnsubscribeResponse}, {@code ErrorResponse}). A POST to {@code /} is SNS's only when its
 * signature's credential scope names the {@code sns} service, so SES v1 calls are never read as
 * SNS's and their bodies are not inspected here.
 *
 * <p>Thread-safe; stateless apart from the service it calls.
 */
final class SnsEndpoints {
  static final String PREFIX = "/_sluice/sns/";
  private static final String NS = "http://sns.amazonaws.com/doc/2010-03-31/";
  private static final String PEM = "application/x-pem-file";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SnsService sns;

  SnsEndpoints(SnsService sns) {
    this.sns = sns;
  }

  /**
   * Answers a request that is SNS's, or returns null for one that is not.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param body reads the request body; called only for an SNS API call
   */
  ApiResponse handle(
      String method, String path, String query, String authorization, Supplier<byte[]> body) {
    if (path.startsWith(PREFIX)) {
      return inspection(method, path.substring(PREFIX.length()), query);
    }
    if (method.equals("GET")
        && path.startsWith("/SimpleNotificationService-")
        && path.equals("/" + sns.signer().fileName())) {
      return ApiResponse.text(200, PEM, sns.signer().pem());
    }
    if (!path.equals("/")) {
      return null;
    }
    if (method.equals("GET") && query != null) {
      QueryForm form;
      try {
        form = QueryForm.parse(query);
      } catch (IllegalArgumentException e) {
        return null;
      }
      String action = form.get("Action");
      return "ConfirmSubscription".equals(action) || "Unsubscribe".equals(action)
          ? action(form)
          : null;
    }
    if (method.equals("POST")
        && authorization != null
        && authorization.contains("/sns/aws4_request")) {
      try {
        return action(QueryForm.parse(new String(body.get(), StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        return error(404, "MalformedQueryString", "The query string is malformed.");
      }
    }
    return null;
  }

  private ApiResponse action(QueryForm form) {
    String action = form.get("Action");
    String requestId = MessageIds.requestId();
    try {
      if ("ConfirmSubscription".equals(action)) {
        String arn = sns.confirm(form.get("TopicArn"), form.get("Token"));
        return ApiResponse.xml(
            200,
            "<ConfirmSubscriptionResponse xmlns=\""
                + NS
                + "\">\n  <ConfirmSubscriptionResult>\n    <SubscriptionArn>"
                + Xml.escape(arn)
                + "</SubscriptionArn>\n  </ConfirmSubscriptionResult>\n"
                + metadata(requestId)
                + "</ConfirmSubscriptionResponse>\n");
      }
      if ("Unsubscribe".equals(action)) {
        sns.unsubscribe(form.get("SubscriptionArn"));
        return ApiResponse.xml(
            200,
            "<UnsubscribeResponse xmlns=\""
                + NS
                + "\">\n"
                + metadata(requestId)
                + "</UnsubscribeResponse>\n");
      }
      return error(
          400,
          "InvalidAction",
          "The action " + action + " is not valid for this endpoint.",
          requestId);
    } catch (SnsException e) {
      return error(e.status(), e.code(), e.getMessage(), requestId);
    }
  }

  private static String metadata(String requestId) {
    return "  <ResponseMetadata>\n    <RequestId>"
        + requestId
        + "</RequestId>\n  </ResponseMetadata>\n";
  }

  private static ApiResponse error(int status, String code, String message) {
    return error(status, code, message, MessageIds.requestId());
  }

  private static ApiResponse error(int status, String code, String message, String requestId) {
    return ApiResponse.xml(
            status,
            "<ErrorResponse xmlns=\""
                + NS
                + "\">\n  <Error>\n    <Type>"
                + (status >= 500 ? "Receiver" : "Sender")
                + "</Type>\n    <Code>"
                + code
                + "</Code>\n    <Message>"
                + Xml.escape(message)
                + "</Message>\n  </Error>\n  <RequestId>"
                + requestId
                + "</RequestId>\n</ErrorResponse>\n")
        .header("x-amzn-RequestId", requestId);
  }

  private ApiResponse inspection(String method, String rest, String query) {
    QueryForm q;
    try {
      q = QueryForm.parse(query);
    } catch (IllegalArgumentException e) {
      return json(400, JSON.createObjectNode().put("error", "malformed query string"));
    }
    try {
      switch (method + " " + rest) {
        case "GET subscriptions":
          return json(200, subscriptions());
        case "POST subscriptions":
          {
            String endpoint = required(q, "endpoint");
            URI url;
            try {
              url = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
              throw new SnsException(400, "InvalidParameter", "endpoint is not a URL");
            }
            String arn = sns.subscribe(required(q, "topic-arn"), url);
            return json(200, JSON.createObjectNode().put("subscriptionArn", arn));
          }
        case "PUT topics":
          {
            String topic = required(q, "topic-arn");
            int version;
            try {
              version = Integer.parseInt(required(q, "signature-version"));
              sns.signatureVersion(topic, version);
            } catch (IllegalArgumentException e) {
              throw new SnsException(400, "InvalidParameter", "signature-version is 1 or 2");
            }
            return json(
                200,
                JSON.createObjectNode().put("topicArn", topic).put("signatureVersion", version));
          }
        case "GET certificate":
          return ApiResponse.text(200, PEM, sns.signer().pem());
        default:
          return json(
              404,
              JSON.createObjectNode()
                  .put("error", "unknown SNS endpoint " + method + " " + PREFIX + rest));
      }
    } catch (SnsException e) {
      return json(e.status(), JSON.createObjectNode().put("error", e.getMessage()));
    }
  }

  private static String required(QueryForm q, String name) {
    String v = q.get(name);
    if (v == null || v.isBlank()) {
      throw new SnsException(400, "InvalidParameter", "missing " + name);
    }
    return v;
  }

  private ObjectNode subscriptions() {
    ObjectNode o = JSON.createObjectNode();
    o.put("signingCertURL", sns.signingCertUrl());
    o.put("signatureVersion", sns.settings().signatureVersion());
    o.put("autoConfirm", sns.settings().autoConfirm());
    ArrayNode arr = o.putArray("subscriptions");
    for (SnsSubscriptionInfo s : sns.subscriptions()) {
      arr.add(JSON.valueToTree(s));
    }
    return o;
  }

  private static ApiResponse json(int status, ObjectNode node) {
    return ApiResponse.json(status, node.toString());
  }
}
