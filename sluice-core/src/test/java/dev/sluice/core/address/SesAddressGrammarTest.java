package dev.sluice.core.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SesAddressGrammarTest {
  private static final String ATEXT =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~";
  private static final String LDH = "abcdefghijklmnopqrstuvwxyz0123456789-";

  // --- the examples of the field trials and the edges, one by one ---

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"a b\"@example.com            | QUOTED_LOCAL_PART",
        "c@d                            | DOMAIN_ONE_LABEL",
        "x@localhost                    | DOMAIN_ONE_LABEL",
        "@a,@b:c@d.example              | SOURCE_ROUTE",
        "@relay.example:c@d.example     | SOURCE_ROUTE",
        "x@[192.0.2.1]                  | ADDRESS_LITERAL",
        "x@[IPv6:2001:db8::1]           | ADDRESS_LITERAL",
        "postmaster                     | NO_AT",
        "@example.com                   | LOCAL_PART_EMPTY",
        "a@                             | DOMAIN_EMPTY",
        "a@@b.example                   | LOCAL_PART_CHARACTER",
        "a,b@c.example                  | LOCAL_PART_CHARACTER",
        "a\"b@c.example                 | LOCAL_PART_CHARACTER",
        ".a@b.example                   | LOCAL_PART_DOT_START",
        "a.@b.example                   | LOCAL_PART_DOT_END",
        "a..b@c.example                 | LOCAL_PART_DOT_DOT",
        "a@b.example.                   | DOMAIN_DOT_END",
        "a@.b.example                   | DOMAIN_DOT_START",
        "a@b..example                   | DOMAIN_DOT_DOT",
        "a@b_c.example                  | DOMAIN_CHARACTER",
        "a@-b.example                   | LABEL_HYPHEN",
        "a@b-.example                   | LABEL_HYPHEN",
        "a@b.example-                   | LABEL_HYPHEN",
        "a@192.0.2.1                    | NUMERIC_TOP_LABEL",
        "a@example.123                  | NUMERIC_TOP_LABEL",
      })
  void check_issueExamplesAndEdges_areRefusedForTheirReason(String address, AddressDefect defect) {
    assertThat(SesAddressGrammar.checkConvertingIdn(address))
        .isInstanceOfSatisfying(
            AddressCheck.Invalid.class,
            i -> {
              assertThat(i.defect()).isEqualTo(defect);
              assertThat(i.message()).startsWith("<" + address + ">: ");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a@b.example",
        "A.B+c@Example.COM",
        "!#$%&'*+-/=?^_`{|}~@example.com",
        "user@xn--bcher-kva.example",
        "user@b--c.example",
        "user@123.example",
        "user@example.c0m",
        "user@a.b.c.d.e.f.example"
      })
  void check_validAddresses_areTakenAsGiven(String address) {
    assertThat(SesAddressGrammar.check(address)).isEqualTo(new AddressCheck.Valid(address));
    assertThat(SesAddressGrammar.checkConvertingIdn(address))
        .isEqualTo(new AddressCheck.Valid(address));
  }

  @Test
  void check_localPartOf64_isTakenAnd65Refused() {
    assertValid("l".repeat(64) + "@example.com");
    assertDefect("l".repeat(65) + "@example.com", AddressDefect.LOCAL_PART_TOO_LONG);
  }

  @Test
  void check_labelOf63_isTakenAnd64Refused() {
    assertValid("a@" + "d".repeat(63) + ".example");
    assertDefect("a@" + "d".repeat(64) + ".example", AddressDefect.LABEL_TOO_LONG);
  }

  @Test
  void check_domainOf253_failsOnTheTotalAnd254OnTheDomain() {
    String d252 = domainOfLength(252);
    String d253 = domainOfLength(253);
    assertThat(d252).hasSize(252);
    assertThat(d253).hasSize(253);
    assertValid("a@" + d252); // 254 in all: the longest address
    assertDefect("a@" + d253, AddressDefect.TOO_LONG); // a 256-octet path has no room for it
    assertDefect("a@" + domainOfLength(254), AddressDefect.DOMAIN_TOO_LONG);
    assertDefect("l".repeat(64) + "@" + domainOfLength(200), AddressDefect.TOO_LONG);
  }

  @Test
  void check_internationalizedDomain_isConvertedOnlyWhenAsked() {
    assertThat(SesAddressGrammar.checkConvertingIdn("joerg@B\u00fccher.example"))
        .isEqualTo(new AddressCheck.Valid("joerg@xn--bcher-kva.example"));
    assertDefect(
        SesAddressGrammar.check("joerg@b\u00fccher.example"), AddressDefect.DOMAIN_NON_ASCII);
    assertDefect(
        SesAddressGrammar.checkConvertingIdn("a@b\u00fc_cher.example"),
        AddressDefect.DOMAIN_NOT_CONVERTIBLE);
    assertDefect(SesAddressGrammar.checkConvertingIdn("a@\u00fc"), AddressDefect.DOMAIN_ONE_LABEL);
    assertDefect(
        SesAddressGrammar.checkConvertingIdn("a@b\u00fccher.example."),
        AddressDefect.DOMAIN_DOT_END);
  }

  @Test
  void check_nonAsciiLocalPart_isRefusedEvenWhenConverting() {
    AddressCheck c = SesAddressGrammar.checkConvertingIdn("j\u00f6rg@b\u00fccher.example");
    assertDefect(c, AddressDefect.LOCAL_PART_NON_ASCII);
    assertThat(((AddressCheck.Invalid) c).message())
        .isEqualTo(
            "<j\\u00f6rg@b\\u00fccher.example>: the local part has the non-ASCII character U+00F6;"
                + " SES takes ASCII local parts only (no SMTPUTF8)");
  }

  @Test
  void check_controlAndSpace_areNamed() {
    assertDefect("a b@c.example", AddressDefect.LOCAL_PART_CONTROL);
    assertDefect("a\u007fb@c.example", AddressDefect.LOCAL_PART_CONTROL);
    assertDefect("a@b c.example", AddressDefect.DOMAIN_CONTROL);
    assertDefect("a@b\tc.example", AddressDefect.DOMAIN_CONTROL);
    assertDefect("", AddressDefect.EMPTY);
    assertDefect(SesAddressGrammar.check(null), AddressDefect.EMPTY);
  }

  @Test
  void message_ofALongOrOddAddress_isOnePrintableAsciiLineOfBoundedLength() {
    AddressCheck.Invalid i =
        (AddressCheck.Invalid) SesAddressGrammar.check("\r\n" + "x".repeat(500) + "@b");
    assertThat(i.message()).matches("[\\x20-\\x7e]+").hasSizeLessThan(250);
    assertThat(i.message()).startsWith("<\\u000d\\u000axxx").contains("...>: ");
  }

  @Test
  void message_sayWhatIsWrongInWords() {
    assertThat(message("c@d"))
        .isEqualTo(
            "<c@d>: the domain 'd' has no dot; SES needs a domain of at least two labels,"
                + " like example.com");
    assertThat(message("\"a b\"@example.com"))
        .startsWith("<\"a b\"@example.com>: quoted local parts cannot be sent through SES");
    assertThat(message("@a,@b:c@d"))
        .startsWith("<@a,@b:c@d>: source routes (@host,@host:) are obsolete");
  }

  // --- the property: generated valid addresses pass, each kind of damage is named ---

  @RepeatedTest(300)
  void check_generatedAddresses_validPassAndEachDamageIsNamed(RepetitionInfo info) {
    long seed = 0x5E5AD0L * 31 + info.getCurrentRepetition();
    Random r = new Random(seed);
    String local = localPart(r, 1 + r.nextInt(64));
    String domain = domain(r, 254 - local.length() - 1);
    String address = local + "@" + domain;
    String why = "seed " + seed + ", address " + address;
    assertThat(address.length()).as(why).isLessThanOrEqualTo(254);
    assertThat(SesAddressGrammar.check(address)).as(why).isEqualTo(new AddressCheck.Valid(address));

    for (int kind = 0; kind < 16; kind++) {
      Damage d = damage(r, kind, local, domain);
      AddressCheck c = SesAddressGrammar.check(d.address);
      String as = why + ", damage " + kind + " -> " + d.address;
      assertThat(c).as(as).isInstanceOf(AddressCheck.Invalid.class);
      assertThat(((AddressCheck.Invalid) c).defect()).as(as).isEqualTo(d.expected);
      assertThat(((AddressCheck.Invalid) c).message()).as(as).matches("<[\\x20-\\x7e]+>: .+");
    }
  }

  @RepeatedTest(100)
  void checkConvertingIdn_generatedUnicodeLabel_becomesItsXnForm(RepetitionInfo info) {
    long seed = 0x1D4AL * 17 + info.getCurrentRepetition();
    Random r = new Random(seed);
    String unicode = "b\u00fccher" + (char) ('a' + r.nextInt(26)) + "\u00e9";
    String address = localPart(r, 1 + r.nextInt(20)) + "@" + unicode + "." + label(r, 2, true);
    AddressCheck c = SesAddressGrammar.checkConvertingIdn(address);
    assertThat(c).as("seed " + seed + ", " + address).isInstanceOf(AddressCheck.Valid.class);
    String ascii = ((AddressCheck.Valid) c).address();
    assertThat(ascii).as("seed " + seed).contains("@xn--").matches("[\\x21-\\x7e]+");
    assertThat(SesAddressGrammar.check(ascii)).as("seed " + seed).isEqualTo(c);
    assertDefect(SesAddressGrammar.check(address), AddressDefect.DOMAIN_NON_ASCII);
  }

  private record Damage(String address, AddressDefect expected) {}

  /** One kind of damage, each breaking exactly one rule of a valid address. */
  private static Damage damage(Random r, int kind, String local, String domain) {
    int at = r.nextInt(local.length() + 1);
    return switch (kind) {
      case 0 -> new Damage("\"" + local + "\"@" + domain, AddressDefect.QUOTED_LOCAL_PART);
      case 1 -> {
        char bad = "()<>[]:;@\\,\"".charAt(r.nextInt(12));
        if (at == 0 && bad == '"') {
          at = 1;
        }
        yield new Damage(insert(local, at, bad) + "@" + domain, AddressDefect.LOCAL_PART_CHARACTER);
      }
      case 2 -> new Damage("." + local + "@" + domain, AddressDefect.LOCAL_PART_DOT_START);
      case 3 -> {
        String lp = local.endsWith(".") ? local + "a" : local;
        yield new Damage(lp + ".@" + domain, AddressDefect.LOCAL_PART_DOT_END);
      }
      case 4 -> {
        String lp = local + "a..b";
        yield new Damage(lp + "@" + domain, AddressDefect.LOCAL_PART_DOT_DOT);
      }
      case 5 ->
          new Damage(
              insert(local, at, (char) (0xa0 + r.nextInt(0x500))) + "@" + domain,
              AddressDefect.LOCAL_PART_NON_ASCII);
      case 6 ->
          new Damage(
              insert(local, at, r.nextBoolean() ? ' ' : (char) r.nextInt(32)) + "@" + domain,
              AddressDefect.LOCAL_PART_CONTROL);
      case 7 ->
          new Damage(
              local + localPart(r, 65 - local.length() + r.nextInt(10)) + "@" + domain,
              AddressDefect.LOCAL_PART_TOO_LONG);
      case 8 ->
          new Damage(
              local + "@" + label(r, 1 + r.nextInt(20), true), AddressDefect.DOMAIN_ONE_LABEL);
      case 9 ->
          new Damage(
              local + "@" + label(r, 1 + r.nextInt(10), true) + "." + (1 + r.nextInt(999)),
              AddressDefect.NUMERIC_TOP_LABEL);
      case 10 -> {
        String[] labels = domain.split("\\.");
        int i = r.nextInt(labels.length);
        char[] l = labels[i].toCharArray();
        l[r.nextBoolean() ? 0 : l.length - 1] = '-';
        labels[i] = new String(l);
        yield new Damage(local + "@" + String.join(".", labels), AddressDefect.LABEL_HYPHEN);
      }
      case 11 -> new Damage(local + "@" + domain + ".", AddressDefect.DOMAIN_DOT_END);
      case 12 ->
          new Damage(local + "@[192.0.2." + r.nextInt(256) + "]", AddressDefect.ADDRESS_LITERAL);
      case 13 -> new Damage(local + domain, AddressDefect.NO_AT);
      case 14 ->
          new Damage(
              "@" + label(r, 3, true) + ".example:" + local + "@" + domain,
              AddressDefect.SOURCE_ROUTE);
      default -> {
        String longLabel = label(r, 64 + r.nextInt(8), true);
        String d = longLabel + "." + domain;
        yield new Damage(
            local + "@" + d,
            d.length() > 253 ? AddressDefect.DOMAIN_TOO_LONG : AddressDefect.LABEL_TOO_LONG);
      }
    };
  }

  private static String insert(String s, int at, char c) {
    return s.substring(0, at) + c + s.substring(at);
  }

  /** A dot-atom of exactly {@code n} characters. */
  private static String localPart(Random r, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      boolean dot = i > 0 && i < n - 1 && b.charAt(i - 1) != '.' && r.nextInt(6) == 0;
      b.append(dot ? '.' : ATEXT.charAt(r.nextInt(ATEXT.length())));
    }
    return b.toString();
  }

  /** A domain of 2 to 5 labels, at most {@code room} (and 253) characters. */
  private static String domain(Random r, int room) {
    int max = Math.min(room, 253);
    int count = 2 + r.nextInt(4);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      boolean top = i == count - 1;
      if (i > 0) {
        b.append('.');
      }
      int cap = Math.min(63, max - b.length() - (count - i - 1) * 3);
      int min = top ? 2 : 1;
      b.append(label(r, min + r.nextInt(cap - min + 1), top));
    }
    return b.toString();
  }

  /** A label of {@code n} letters, digits and inner hyphens; a top label has a letter. */
  private static String label(Random r, int n, boolean needsLetter) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      boolean edge = i == 0 || i == n - 1;
      String from = edge ? LDH.substring(0, 36) : LDH;
      b.append(from.charAt(r.nextInt(from.length())));
    }
    if (needsLetter) {
      b.setCharAt(r.nextInt(n), (char) ('a' + r.nextInt(26)));
    }
    return b.toString();
  }

  private static String domainOfLength(int n) {
    StringBuilder b = new StringBuilder();
    while (b.length() + 64 < n) {
      b.append("d".repeat(63)).append('.');
    }
    int rest = n - b.length();
    return b.append("e".repeat(rest)).toString();
  }

  private static String message(String address) {
    return ((AddressCheck.Invalid) SesAddressGrammar.checkConvertingIdn(address)).message();
  }

  private static void assertValid(String address) {
    assertThat(SesAddressGrammar.check(address)).isEqualTo(new AddressCheck.Valid(address));
  }

  private static void assertDefect(String address, AddressDefect defect) {
    assertDefect(SesAddressGrammar.check(address), defect);
  }

  private static void assertDefect(AddressCheck c, AddressDefect defect) {
    assertThat(c)
        .isInstanceOfSatisfying(
            AddressCheck.Invalid.class, i -> assertThat(i.defect()).isEqualTo(defect));
  }
}
