package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {
  @Test
  void problem_addressesSesTakes_areNull() {
    assertThat(Addresses.problem("a@example.com")).isNull();
    assertThat(Addresses.problem("Name <a@example.com>")).isNull();
    assertThat(Addresses.problem("<a@example.com>")).isNull();
    assertThat(Addresses.problem("a@xn--bcher-kva.example")).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "nobody                  | Missing final '@domain'",
        "a@                      | Missing domain",
        "@example.com            | Missing local name",
        "a b@example.com         | Local address contains control or whitespace",
        "\u00fc@example.com      | Local address contains control or whitespace",
        "a,b@example.com         | Local address contains illegal character",
        "a@b\u00fccher.example   | Domain contains illegal character",
        "a@b_c.example           | Domain contains illegal character",
        "a@.example.com          | Domain starts with dot",
        "a@example.com.          | Domain ends with dot",
        "a@example..com          | Domain contains dot-dot",
        "c@d                     | Invalid email address c@d.",
        "x@localhost             | Invalid email address x@localhost.",
        "\"a b\"@example.com     | Invalid email address \"a b\"@example.com.",
        "@a,@b:c@d.example       | Invalid email address @a,@b:c@d.example.",
        "x@[192.0.2.1]           | Invalid email address x@[192.0.2.1].",
        "Name <a@192.0.2.1>      | Invalid email address a@192.0.2.1.",
      })
  void problem_addressesSesRefuses_getSesWords(String address, String words) {
    assertThat(Addresses.problem(address)).isEqualTo(words);
  }
}
