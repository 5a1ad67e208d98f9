package dev.sluice.feedback.store;

import dev.sluice.core.address.AddressCheck;
import dev.sluice.core.address.SesAddressGrammar;
import dev.sluice.core.suppress.Suppression;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suppression list as CSV, for export and import.
 *
 * <p><b>Format</b> (RFC 4180): a header line {@code address,reason,time,cause}, then one line per
 * address: the address; the reason ({@code BOUNCE}, {@code COMPLAINT}, {@code MANUAL} or {@code
 * SES}, any case); the time in ISO-8601 UTC ({@code 2026-12-06T04:30:00Z}); the cause, free text. A
 * field holding a comma, a quote or a line break is quoted with {@code "}, a quote inside doubled.
 * On import, {@code reason} defaults to {@code MANUAL}, {@code time} to the time of the import and
 * {@code cause} to empty when the line stops early; blank lines are skipped; the header is
 * optional. Each address is checked with {@link SesAddressGrammar}; a bad line is reported with its
 * number and skipped, the others imported. An address already on the list keeps its entry.
 *
 * <p>Stateless; thread-safe.
 */
public final class SuppressionCsv {
  /** The header line. */
  public static final String HEADER = "address,reason,time,cause";

  private static final int PAGE = 1000;

  private SuppressionCsv() {}

  /**
   * What an import did.
   *
   * @param added addresses put on the list
   * @param alreadyListed good lines whose address was on the list already (or earlier in the file)
   * @param badLines each line not imported, as {@code line N: why}
   */
  public record ImportResult(int added, int alreadyListed, List<String> badLines) {
    /** Copies the list. */
    public ImportResult {
      badLines = List.copyOf(badLines);
    }
  }

  /** Writes the whole list, header first, in address order. */
  public static long export(FeedbackStore store, Writer out) throws IOException {
    out.write(HEADER + "\r\n");
    long n = 0;
    String after = "";
    do {
      Page<Suppression> page = store.suppressions("", null, after, PAGE);
      for (Suppression s : page.items()) {
        out.write(line(s));
        n++;
      }
      after = page.next();
    } while (!after.isEmpty());
    out.flush();
    return n;
  }

  /** One CSV line for {@code s}, ending in CRLF. */
  public static String line(Suppression s) {
    return field(s.address()) + "," + s.reason() + "," + s.time() + "," + field(s.cause()) + "\r\n";
  }

  /** Reads CSV and puts each good line's address on the list, with {@code source} as its source. */
  public static ImportResult importFrom(FeedbackStore store, Reader in, Instant now, String source)
      throws IOException {
    BufferedReader r = new BufferedReader(in);
    int added = 0;
    int read = 0;
    List<Suppression> pending = new ArrayList<>(PAGE);
    List<String> bad = new ArrayList<>();
    int lineNo = 0;
    String line;
    while ((line = r.readLine()) != null) {
      lineNo++;
      int first = lineNo;
      // A quoted field may span lines.
      while (quotes(line) % 2 == 1) {
        String more = r.readLine();
        if (more == null) {
          break;
        }
        lineNo++;
        line = line + "\n" + more;
      }
      if (line.isBlank()) {
        continue;
      }
      List<String> fields;
      try {
        fields = parse(line);
      } catch (IllegalArgumentException e) {
        bad.add("line " + first + ": " + e.getMessage());
        continue;
      }
      if (first == 1 && fields.getFirst().strip().equalsIgnoreCase("address")) {
        continue;
      }
      try {
        pending.add(suppression(fields, now, source));
        read++;
      } catch (IllegalArgumentException e) {
        bad.add("line " + first + ": " + e.getMessage());
      }
      if (pending.size() == PAGE) {
        added += store.suppressAll(pending);
        pending.clear();
      }
    }
    added += store.suppressAll(pending);
    return new ImportResult(added, read - added, bad);
  }

  private static Suppression suppression(List<String> f, Instant now, String source) {
    if (f.size() > 4) {
      throw new IllegalArgumentException(
          "has " + f.size() + " fields; expected at most 4 (" + HEADER + ")");
    }
    String address = f.get(0).strip();
    if (!(SesAddressGrammar.check(address) instanceof AddressCheck.Valid)) {
      AddressCheck.Invalid invalid = (AddressCheck.Invalid) SesAddressGrammar.check(address);
      throw new IllegalArgumentException(invalid.message());
    }
    Suppression.Reason reason = Suppression.Reason.MANUAL;
    if (f.size() > 1 && !f.get(1).isBlank()) {
      try {
        reason = Suppression.Reason.valueOf(f.get(1).strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "reason '" + f.get(1).strip() + "' is not one of BOUNCE, COMPLAINT, MANUAL, SES");
      }
    }
    Instant time = now;
    if (f.size() > 2 && !f.get(2).isBlank()) {
      try {
        time = Instant.parse(f.get(2).strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "time '" + f.get(2).strip() + "' is not ISO-8601 UTC like 2026-12-06T04:30:00Z");
      }
    }
    String cause = f.size() > 3 ? f.get(3) : "";
    return new Suppression(address, reason, time, cause, source);
  }

  private static int quotes(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '"') {
        n++;
      }
    }
    return n;
  }

  /** The fields of one record. */
  static List<String> parse(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (true) {
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new IllegalArgumentException("a quoted field is not closed");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              b.append('"');
              i++;
            } else {
              break;
            }
          } else {
            b.append(c);
          }
        }
        if (i < line.length() && line.charAt(i) != ',') {
          throw new IllegalArgumentException("text after a quoted field");
        }
      } else {
        while (i < line.length() && line.charAt(i) != ',') {
          b.append(line.charAt(i++));
        }
      }
      fields.add(b.toString());
      b.setLength(0);
      if (i >= line.length()) {
        return fields;
      }
      i++; // the comma
    }
  }

  private static String field(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
