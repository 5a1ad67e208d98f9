package dev.sluice.ingress;

import dev.sluice.core.ses.ConfigurationSetCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Messages whose SES headers both doors refuse, with the words each must answer: written once so
 * the SMTP and the HTTP test check the same text.
 */
public final class SesHeaderCases {
  /** An account with the sets {@code marketing} and {@code alerts}. */
  public static final ConfigurationSetCatalog ACCOUNT =
      name -> !Set.of("marketing", "alerts").contains(name);

  /** The rules the doors are started with in these tests. */
  public static final SesHeaderRules RULES = new SesHeaderRules(false, ACCOUNT);

  /** The identity refusal for a header. */
  public static String identity(String header) {
    return "The message has an "
        + header
        + " header field, which would choose the sending identity; the relay takes it only when"
        + " started with --allow-identity-headers";
  }

  /** A message with these header lines (each ending in CRLF) between From and Subject. */
  public static String message(String headers) {
    return "From: app@example.com\r\nTo: to@example.net\r\n"
        + headers
        + "Subject: tagged\r\n\r\nHello.\r\n";
  }

  /** Header lines, then the words of the refusal. */
  public static List<String[]> refused() {
    StringBuilder many = new StringBuilder("X-SES-MESSAGE-TAGS: t0=v");
    for (int i = 1; i < 51; i++) {
      many.append(",\r\n t").append(i).append("=v");
    }
    String longValue = "v".repeat(257);
    List<String[]> out = new ArrayList<>();
    out.add(
        new String[] {
          "X-SES-MESSAGE-TAGS: campaign\r\n",
          "Invalid X-SES-MESSAGE-TAGS header: expected name=value, got <campaign>."
        });
    out.add(
        new String[] {
          "X-SES-MESSAGE-TAGS: a=b, bad name=v\r\n",
          "Invalid tag name <bad name>: only alphanumeric ASCII characters, '_', '-' are allowed."
        });
    out.add(
        new String[] {
          "X-SES-MESSAGE-TAGS: n=" + longValue + "\r\n",
          "Invalid tag value <"
              + longValue
              + ">: only alphanumeric ASCII characters, '_', '-' are allowed."
        });
    out.add(new String[] {many + "\r\n", "Too many message tags: 51, at most 50 are allowed."});
    out.add(
        new String[] {
          "X-SES-CONFIGURATION-SET: my set\r\n",
          "Configuration set name my set is not valid: use up to 64 letters, digits, '_' and '-'."
        });
    out.add(
        new String[] {
          "X-SES-CONFIGURATION-SET: nope\r\n", "Configuration set nope does not exist."
        });
    out.add(
        new String[] {
          "X-SES-CONFIGURATION-SET: marketing\r\nX-SES-CONFIGURATION-SET: alerts\r\n",
          "The message has more than one X-SES-CONFIGURATION-SET header field"
        });
    for (String h : SesHeaderRules.IDENTITY_HEADERS) {
      out.add(
          new String[] {
            h + ": arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n", identity(h)
          });
    }
    return out;
  }

  private SesHeaderCases() {}
}
