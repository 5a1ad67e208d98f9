package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  private static Envelope of(int n) {
    List<String> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add("r" + i + "@example.net");
    }
    return new Envelope("s@example.com", r);
  }

  @Test
  void split_moreThanMax_givesChunksInOrderCoveringEveryRecipientOnce() {
    for (int n : new int[] {1, 49, 50, 51, 100, 101, 237}) {
      List<Envelope> parts = of(n).split(50);
      assertThat(parts).hasSize((n + 49) / 50);
      assertThat(parts)
          .allMatch(p -> p.recipients().size() <= 50 && p.from().equals("s@example.com"));
      assertThat(parts.stream().flatMap(p -> p.recipients().stream()).toList())
          .isEqualTo(of(n).recipients());
    }
  }

  @Test
  void constructor_noRecipients_isRefused() {
    assertThatThrownBy(() -> new Envelope("s@example.com", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> of(3).split(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
