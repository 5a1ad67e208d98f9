package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.address.AddressCheck;
import dev.sluice.core.address.SesAddressGrammar;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathArgumentTest {
  @Test
  void parse_addressWithParameters_splitsThem() {
    PathArgument p = PathArgument.parse("FROM:<a@b.example> SIZE=100 body=8BITMIME", "FROM");
    assertThat(p.problem()).isEqualTo(PathArgument.Problem.NONE);
    assertThat(p.address()).isEqualTo("a@b.example");
    assertThat(p.parameters()).isEqualTo(Map.of("SIZE", "100", "BODY", "8BITMIME"));
  }

  @Test
  void parse_nullPath_isEmptyAddressForASenderOnly() {
    PathArgument p = PathArgument.parse("FROM:<>", "FROM");
    assertThat(p.problem()).isEqualTo(PathArgument.Problem.NONE);
    assertThat(p.address()).isEmpty();
    PathArgument to = PathArgument.parse("TO:<>", "TO");
    assertThat(to.problem()).isEqualTo(PathArgument.Problem.INVALID_ADDRESS);
    assertThat(to.reason()).isEqualTo("<>: the address is empty");
  }

  @Test
  void parse_spaceAfterColonAndLowerCaseKeyword_isTolerated() {
    assertThat(PathArgument.parse("from: <a@b.example>", "FROM").address())
        .isEqualTo("a@b.example");
  }

  @Test
  void parse_sourceRoute_isRefusedAsSesDoesNotTakeIt() {
    PathArgument p = PathArgument.parse("TO:<@relay.example,@r2.example:u@d.example>", "TO");
    assertThat(p.problem()).isEqualTo(PathArgument.Problem.INVALID_ADDRESS);
    assertThat(p.reason())
        .startsWith("<@relay.example,@r2.example:u@d.example>: source routes (@host,@host:)");
  }

  @Test
  void parse_postmasterWithoutDomain_isRefused() {
    assertThat(PathArgument.parse("TO:<Postmaster>", "TO").reason())
        .isEqualTo("<Postmaster>: no @domain; SES needs an address like user@example.com");
    assertThat(PathArgument.parse("FROM:<Postmaster>", "FROM").problem())
        .isEqualTo(PathArgument.Problem.INVALID_ADDRESS);
  }

  @Test
  void parse_quotedLocalPartWithBracket_findsRealClosingBracketAndRefusesTheQuotes() {
    PathArgument p = PathArgument.parse("TO:<\"a>b c\"@d.example> NOTIFY=NEVER", "TO");
    assertThat(p.problem()).isEqualTo(PathArgument.Problem.INVALID_ADDRESS);
    assertThat(p.address()).isEqualTo("\"a>b c\"@d.example");
    assertThat(p.reason()).contains("quoted local parts cannot be sent through SES");
  }

  @Test
  void parse_unbracketedPath_saysSo() {
    PathArgument p = PathArgument.parse("FROM:a@b.example SIZE=1", "FROM");
    assertThat(p.problem()).isEqualTo(PathArgument.Problem.INVALID_ADDRESS);
    assertThat(p.reason())
        .isEqualTo(
            "<a@b.example>: the address must be enclosed in angle brackets,"
                + " as in <user@example.com>");
  }

  @Test
  void parse_nonAsciiAddress_isNonAscii() {
    assertThat(PathArgument.parse("TO:<j\u00f6rg@d.example>", "TO").problem())
        .isEqualTo(PathArgument.Problem.NON_ASCII);
  }

  @Test
  void parse_internationalizedDomain_isConvertedWhenAsked() {
    PathArgument p = PathArgument.parse("TO:<joerg@B\u00fccher.example>", "TO", true);
    assertThat(p.problem()).isEqualTo(PathArgument.Problem.NONE);
    assertThat(p.address()).isEqualTo("joerg@xn--bcher-kva.example");
    assertThat(PathArgument.parse("TO:<joerg@b\u00fccher.example>", "TO", false).problem())
        .isEqualTo(PathArgument.Problem.NON_ASCII);
  }

  @Test
  void parse_nonAsciiLocalPartOrBadIdn_isRefusedEvenWhenConverting() {
    assertThat(PathArgument.parse("TO:<j\u00f6rg@b\u00fccher.example>", "TO", true).problem())
        .isEqualTo(PathArgument.Problem.NON_ASCII);
    assertThat(PathArgument.parse("TO:<a@b\u00fc_cher.example>", "TO", true).problem())
        .isEqualTo(PathArgument.Problem.NON_ASCII);
    assertThat(PathArgument.parse("TO:<a@b\u00fccher..example>", "TO", true).problem())
        .isEqualTo(PathArgument.Problem.NON_ASCII);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "TO:a@b.example",
        "TO:<a@b.example",
        "TO:<a@>",
        "TO:<@b.example>",
        "TO:<a..b@c.example>",
        "TO:<a@-b.example>",
        "TO:<a b@c.example>",
        "TO:<a@b..example>",
        "TO:<a@b.example.>",
        "TO:<c@d>",
        "TO:<x@localhost>",
        "TO:<x@[192.0.2.1]>",
        "TO:<\"a b\"@example.com>"
      })
  void parse_badPath_isInvalidAddress(String args) {
    assertThat(PathArgument.parse(args, "TO").problem())
        .isEqualTo(PathArgument.Problem.INVALID_ADDRESS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "TO",
        "FROM:<a@b.example>",
        "TO:",
        "TO:<a@b.example>x",
        "TO:<a@b.example> A=1 A=2",
        "TO:<a@b.example> =1"
      })
  void parse_badSyntax_isSyntax(String args) {
    assertThat(PathArgument.parse(args, "TO").problem()).isEqualTo(PathArgument.Problem.SYNTAX);
  }

  @Test
  void parse_randomInput_neverThrows() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String alphabet = "<>@\":., =\\abcAB09-[]\u00e9\0\t";
    try {
      for (int i = 0; i < 20_000; i++) {
        StringBuilder sb = new StringBuilder(random.nextBoolean() ? "TO:" : "");
        int n = random.nextInt(40);
        for (int j = 0; j < n; j++) {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        PathArgument p = PathArgument.parse(sb.toString(), "TO");
        if (p.problem() == PathArgument.Problem.NONE && !p.address().isEmpty()) {
          assertThat(SesAddressGrammar.check(p.address()))
              .isEqualTo(new AddressCheck.Valid(p.address()));
        } else if (p.problem() != PathArgument.Problem.NONE
            && p.problem() != PathArgument.Problem.SYNTAX) {
          assertThat(p.reason()).matches("<[\\x20-\\x7e]*>: [\\x20-\\x7e]+");
        }
      }
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError("failed with seed " + seed, e);
    }
  }
}
