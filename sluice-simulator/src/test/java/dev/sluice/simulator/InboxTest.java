package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InboxTest {
  private static ReceivedMessage msg(int i, int size, String... to) {
    return new ReceivedMessage(
        "id" + i,
        i,
        SesInterface.V2,
        "SendEmail",
        "AK",
        "a@b.c",
        List.of(to),
        "s" + i,
        size,
        new byte[size],
        null,
        List.of(),
        new MessageTrail());
  }

  @Test
  void add_overCapacity_keepsNewestOnly() {
    Inbox inbox = new Inbox(3, 1 << 20);
    for (int i = 0; i < 10; i++) {
      inbox.add(msg(i, 10, "x@y.z"));
    }
    assertThat(inbox.size()).isEqualTo(3);
    assertThat(inbox.recent(10, m -> true))
        .extracting(ReceivedMessage::messageId)
        .containsExactly("id9", "id8", "id7");
    assertThat(inbox.total()).isEqualTo(10);
    assertThat(inbox.counters()).containsEntry("x@y.z", 10L);
  }

  @Test
  void add_overByteBudget_dropsOldestAndKeepsHugeWithoutContent() {
    Inbox inbox = new Inbox(100, 1000);
    for (int i = 0; i < 5; i++) {
      inbox.add(msg(i, 300, "x@y.z"));
    }
    assertThat(inbox.bytes()).isLessThanOrEqualTo(1000);
    assertThat(inbox.size()).isEqualTo(3);
    inbox.add(msg(99, 5000, "x@y.z"));
    ReceivedMessage huge = inbox.find("id99");
    assertThat(huge.content()).isNull();
    assertThat(huge.size()).isEqualTo(5000);
  }

  @Test
  void counters_manyDistinctAddresses_areBounded() {
    Inbox inbox = new Inbox(10, 1000);
    for (int i = 0; i < Inbox.MAX_ADDRESSES + 500; i++) {
      inbox.add(msg(i, 0, "user" + i + "@example.com"));
    }
    assertThat(inbox.counters()).hasSizeLessThanOrEqualTo(Inbox.MAX_ADDRESSES + 1);
    assertThat(inbox.counters().get("(other)")).isEqualTo(500L);
  }

  @Test
  void clear_forgetsEverything() {
    Inbox inbox = new Inbox(10, 1000);
    inbox.add(msg(1, 10, "x@y.z"));
    inbox.clear();
    assertThat(inbox.size()).isZero();
    assertThat(inbox.counters()).isEmpty();
    assertThat(inbox.total()).isZero();
  }
}
