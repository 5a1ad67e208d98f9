package dev.sluice.simulator.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigurationSetsTest {
  private static final String A = "arn:aws:sns:us-east-1:123456789012:a";
  private static final String B = "arn:aws:sns:us-east-1:123456789012:b";

  private static EventDestination sns(String name, boolean enabled, String topic, EventType... t) {
    return new EventDestination(name, enabled, Set.of(t), topic, null);
  }

  @Test
  void eventTopics_setChangedAfterARead_answersForTheSetAsItIsNow() {
    ConfigurationSets sets = new ConfigurationSets(false);
    assertThat(sets.eventTopics("s", EventType.SEND)).isEmpty();
    assertThat(sets.allEventTopics("s")).isEmpty();

    sets.create(ConfigurationSet.empty("s", 0));
    assertThat(sets.allEventTopics("s")).isEmpty();

    sets.update("s", s -> s.withDestination(sns("one", true, A, EventType.SEND)));
    assertThat(sets.eventTopics("s", EventType.SEND)).containsExactly(A);
    assertThat(sets.eventTopics("s", EventType.DELIVERY)).isEmpty();

    sets.update(
        "s", s -> s.withDestination(sns("two", true, B, EventType.SEND, EventType.DELIVERY)));
    assertThat(sets.eventTopics("s", EventType.SEND)).containsExactly(A, B);
    assertThat(sets.eventTopics("s", EventType.DELIVERY)).containsExactly(B);
    assertThat(sets.allEventTopics("s")).containsExactly(A, B);

    sets.update("s", s -> s.withDestination(sns("one", false, A, EventType.SEND)));
    assertThat(sets.eventTopics("s", EventType.SEND)).containsExactly(B);
    assertThat(sets.allEventTopics("s")).containsExactly(B);

    sets.delete("s");
    assertThat(sets.allEventTopics("s")).isEmpty();
    sets.create(ConfigurationSet.empty("s", 1));
    assertThat(sets.eventTopics("s", EventType.DELIVERY)).isEmpty();
  }

  @Test
  void eventTopics_twoDestinationsOnOneTopic_listTheTopicOnce() {
    ConfigurationSets sets = new ConfigurationSets(false);
    sets.create(ConfigurationSet.empty("s", 0));
    sets.update("s", s -> s.withDestination(sns("one", true, A, EventType.BOUNCE)));
    sets.update("s", s -> s.withDestination(sns("two", true, A, EventType.BOUNCE)));
    sets.update("s", s -> s.withDestination(new EventDestination("fh", true, Set.of(), null, "x")));
    assertThat(sets.eventTopics("s", EventType.BOUNCE)).containsExactly(A);
    assertThat(sets.allEventTopics("s")).containsExactly(A);
  }

  /** Random changes, each followed by reads: always what the set's destinations say. */
  @Test
  void eventTopics_randomChanges_matchTheDestinationsOfTheCurrentSet() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    ConfigurationSets sets = new ConfigurationSets(false);
    List<String> arns = List.of(A, B, "arn:aws:sns:us-east-1:123456789012:c");
    EventType[] types = EventType.values();
    for (int step = 0; step < 2_000; step++) {
      switch (rnd.nextInt(6)) {
        case 0 -> sets.create(ConfigurationSet.empty("s", step));
        case 1 -> sets.delete("s");
        case 2 -> sets.update("s", s -> s.withoutDestination("d" + rnd.nextInt(3)));
        default -> {
          Set<EventType> t = EnumSet.noneOf(EventType.class);
          for (EventType e : types) {
            if (rnd.nextBoolean()) {
              t.add(e);
            }
          }
          EventDestination d =
              new EventDestination(
                  "d" + rnd.nextInt(3), rnd.nextInt(4) > 0, t, arns.get(rnd.nextInt(3)), null);
          sets.update("s", s -> s.withDestination(d));
        }
      }
      ConfigurationSet now = sets.get("s").orElse(null);
      Set<String> all = new LinkedHashSet<>();
      for (EventType e : types) {
        List<String> want = new ArrayList<>();
        if (now != null) {
          for (EventDestination d : now.destinations().values()) {
            if (d.wants(e) && !want.contains(d.snsTopicArn())) {
              want.add(d.snsTopicArn());
            }
          }
        }
        all.addAll(want);
        assertThat(sets.eventTopics("s", e))
            .as("seed %d step %d %s", seed, step, e)
            .isEqualTo(want);
      }
      assertThat(sets.allEventTopics("s"))
          .as("seed %d step %d", seed, step)
          .containsExactlyInAnyOrderElementsOf(all);
    }
  }
}
