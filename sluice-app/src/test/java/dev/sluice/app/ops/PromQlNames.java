package dev.sluice.app.ops;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, for checking a dashboard or a rules file against what
 * a relay exports.
 *
 * <p><b>Design.</b> A small lexer, not a PromQL parser: the only question is which identifiers name
 * series. An identifier names a series unless it is a function or aggregation (followed by {@code
 * (}), a keyword or set operator ({@code by}, {@code and}, {@code offset}, …), a label name (inside
 * {@code {…}}, or in the parentheses after {@code by}, {@code without}, {@code on}, {@code
 * ignoring}, {@code group_left} or {@code group_right}), an aggregation written with its grouping
 * first ({@code sum by (le) (…)}), or {@code inf}/{@code nan}. Strings, numbers, durations ({@code
 * [5m]}, {@code offset 1h}) and Grafana's variables ({@code $__rate_interval}, {@code ${instance}})
 * are skipped. Histogram series are named as written ({@code x_bucket}), which is also how the
 * exposition format lists them. Grafana's {@code label_values(SELECTOR, label)} is read as its
 * selector. Rejected: a full PromQL grammar, which would cost far more than the names need.
 *
 * <p>Stateless; thread-safe.
 */
final class PromQlNames {
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool",
          "and",
          "or",
          "unless",
          "atan2",
          "inf",
          "nan");

  /** Keywords whose parenthesised list names labels, not series. */
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\s*\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$");

  private PromQlNames() {}

  /** The series names {@code expr} reads, in the order they first appear. */
  static Set<String> in(String expr) {
    Matcher lv = LABEL_VALUES.matcher(expr);
    if (lv.matches()) {
      return in(lv.group(1));
    }
    Set<String> names = new LinkedHashSet<>();
    int n = expr.length();
    int i = 0;
    int braces = 0; // inside {…}: label matchers
    int brackets = 0; // inside […]: ranges and subqueries' durations
    boolean labelList = false; // the next (…) lists labels
    int labelListDepth = -1; // parenthesis depth at which a label list is open
    int parens = 0;
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
        labelList = false;
        continue;
      }
      if (c == '#') { // a comment runs to the end of the line
        while (i < n && expr.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (c == '$') { // a Grafana variable: $name or ${name…}
        i++;
        if (i < n && expr.charAt(i) == '{') {
          while (i < n && expr.charAt(i) != '}') {
            i++;
          }
          i++;
        } else {
          while (i < n && isIdentPart(expr.charAt(i))) {
            i++;
          }
        }
        continue;
      }
      if (Character.isDigit(c)
          || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
        i = skipNumber(expr, i);
        labelList = false;
        continue;
      }
      if (isIdentStart(c)) {
        int start = i;
        while (i < n && isIdentPart(expr.charAt(i))) {
          i++;
        }
        String word = expr.substring(start, i);
        if (braces > 0 || brackets > 0 || labelListDepth >= 0) {
          continue; // a label name, or a unit in a duration
        }
        String lower = word.toLowerCase(Locale.ROOT);
        labelList = LABEL_LISTS.contains(lower); // `group_left` may stand without a list
        if (labelList) {
          continue;
        }
        if (KEYWORDS.contains(lower)) {
          continue;
        }
        int next = skipSpace(expr, i);
        if (next < n && expr.charAt(next) == '(') {
          continue; // a function or an aggregation
        }
        if (startsWithWord(expr, next, "by") || startsWithWord(expr, next, "without")) {
          continue; // an aggregation with its grouping first: sum by (le) (…)
        }
        names.add(word);
        continue;
      }
      switch (c) {
        case '{' -> braces++;
        case '}' -> braces--;
        case '[' -> brackets++;
        case ']' -> brackets--;
        case '(' -> {
          parens++;
          if (labelList) {
            labelListDepth = parens;
            labelList = false;
          }
        }
        case ')' -> {
          if (parens == labelListDepth) {
            labelListDepth = -1;
          }
          parens--;
        }
        default -> {
          if (!Character.isWhitespace(c)) {
            labelList = false; // `by` is followed by its list or by nothing of it
          }
        }
      }
      i++;
    }
    return names;
  }

  private static int skipString(String s, int i) {
    char quote = s.charAt(i);
    i++;
    while (i < s.length() && s.charAt(i) != quote) {
      if (s.charAt(i) == '\\' && quote != '`') {
        i++;
      }
      i++;
    }
    return i + 1;
  }

  /** Numbers (1, 0.05, 1e-3, 0x1f) and durations (5m, 1h30m), which start with a digit. */
  private static int skipNumber(String s, int i) {
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean exponentSign =
          (c == '-' || c == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E');
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign)) {
        break;
      }
      i++;
    }
    return i;
  }

  private static boolean startsWithWord(String s, int i, String word) {
    int end = i + word.length();
    return s.regionMatches(true, i, word, 0, word.length())
        && (end == s.length() || !isIdentPart(s.charAt(end)));
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || (c >= '0' && c <= '9');
  }
}
