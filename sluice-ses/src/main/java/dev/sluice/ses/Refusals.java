package dev.sluice.ses;

import dev.sluice.core.Envelope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recipients of one message that the upstream refused for good, and how a refused call is
 * narrowed down to them so that the other recipients are still delivered.
 *
 * <p>Design: SES refuses a whole call when one address in it is bad (one malformed address rejects
 * the whole message), and in the sandbox when one recipient is not verified; but most permanent
 * refusals are about the message (an unverified sender, its content, a missing configuration set)
 * and hold for every recipient. Sending each recipient alone to find out would multiply the calls
 * of every such refusal, so the refusal's text decides:
 *
 * <ol>
 *   <li>When it names some of the call's recipients ("Invalid email address x@y.", "identities
 *       failed the check …: x@y"), those fail with it and the others are sent again.
 *   <li>When it names none but is about an address ({@link SesErrors#isAddressProblem}), the call
 *       is split in halves and each half sent again, until the refused recipients stand alone:
 *       about {@code 2k log(n/k)} calls for {@code k} bad recipients among {@code n}.
 *   <li>Otherwise the refusal is the message's: every recipient of the call fails with it.
 * </ol>
 *
 * <p>Confined to the thread delivering the message.
 */
final class Refusals {
  // The longest reason built from several refusals; SES's texts are short, a list may not be.
  private static final int MAX_REASON = 2_000;

  private final Map<String, String> reasons = new LinkedHashMap<>();

  /**
   * Takes the refusal of a call to {@code chunk} and returns the narrower calls to make instead; an
   * empty list when every recipient of the call was refused.
   */
  List<Envelope> isolate(Envelope chunk, String reason) {
    List<String> all = chunk.recipients();
    if (all.size() > 1) {
      List<String> named = named(all, reason);
      if (!named.isEmpty() && named.size() < all.size()) {
        List<String> rest = new ArrayList<>(all);
        for (String r : named) {
          reasons.put(r, reason);
          rest.remove(r);
        }
        return List.of(new Envelope(chunk.from(), rest));
      }
      if (named.isEmpty() && SesErrors.isAddressProblem(reason)) {
        int half = all.size() / 2;
        return List.of(
            new Envelope(chunk.from(), all.subList(0, half)),
            new Envelope(chunk.from(), all.subList(half, all.size())));
      }
    }
    for (String r : all) {
      reasons.put(r, reason);
    }
    return List.of();
  }

  /** Whether nobody was refused. */
  boolean none() {
    return reasons.isEmpty();
  }

  /**
   * What to record as the failure: the upstream's words when every refused recipient got the same
   * ones, else each recipient with its own.
   */
  String reason() {
    if (reasons.values().stream().distinct().count() == 1) {
      return reasons.values().iterator().next();
    }
    StringBuilder b = new StringBuilder();
    int listed = 0;
    for (Map.Entry<String, String> e : reasons.entrySet()) {
      String part = e.getKey() + ": " + e.getValue();
      if (b.length() + part.length() > MAX_REASON) {
        b.append("; and ").append(reasons.size() - listed).append(" more");
        break;
      }
      b.append(listed == 0 ? "" : "; ").append(part);
      listed++;
    }
    return b.toString();
  }

  /** The recipients whose address appears in {@code text} as a whole address, in order. */
  static List<String> named(List<String> recipients, String text) {
    String t = text.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (String r : recipients) {
      if (!out.contains(r) && mentions(t, r.toLowerCase(Locale.ROOT))) {
        out.add(r);
      }
    }
    return out;
  }

  private static boolean mentions(String text, String address) {
    for (int i = text.indexOf(address); i >= 0; i = text.indexOf(address, i + 1)) {
      int end = i + address.length();
      boolean startsClean = i == 0 || !addressChar(text.charAt(i - 1));
      // A sentence may end right after the address: "Invalid email address a@b.example."
      boolean endsClean =
          end == text.length()
              || !addressChar(text.charAt(end))
              || (text.charAt(end) == '.'
                  && (end + 1 == text.length() || !addressChar(text.charAt(end + 1))));
      if (startsClean && endsClean) {
        return true;
      }
    }
    return false;
  }

  private static boolean addressChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == '_'
        || c == '+'
        || c == '@'
        || c == '%'
        || c == '\''
        || (c >= 'A' && c <= 'Z');
  }
}
