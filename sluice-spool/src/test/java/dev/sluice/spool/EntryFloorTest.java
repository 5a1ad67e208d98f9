package dev.sluice.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EntryFloorTest {
  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void raise_movesUpOnlyFromTheFloorTheReaderSaw() {
    EntryFloor f = new EntryFloor();
    byte[] start = f.get();
    f.raise(start, key("B"));
    assertThat(f.get()).isEqualTo(key("B"));

    byte[] seen = f.get();
    f.lower(key("A")); // a write below the floor lands while a reader looks
    f.raise(seen, key("C"));
    assertThat(f.get()).isEqualTo(key("A"));
  }

  @Test
  void raiseAndLower_neverMoveTheWrongWay() {
    EntryFloor f = new EntryFloor();
    f.raise(f.get(), key("M"));
    f.raise(f.get(), key("D")); // lower than the floor: ignored
    f.lower(key("X")); // above the floor: ignored
    assertThat(f.get()).isEqualTo(key("M"));
  }
}
