package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {
  private final PartitionTracker t = new PartitionTracker(new TopicPartition("p.messages", 0));

  @Test
  void commitPosition_isTheLowestUnfinishedOffset_orOnePastTheLastRead() {
    assertThat(t.commitPosition()).isEqualTo(-1); // nothing read
    t.read(10);
    t.read(11);
    t.read(14); // offsets need not be contiguous
    assertThat(t.commitPosition()).isEqualTo(10);
    t.done(11);
    t.done(14);
    assertThat(t.commitPosition()).isEqualTo(10);
    t.done(10);
    assertThat(t.commitPosition()).isEqualTo(15);
    t.readDone(15);
    assertThat(t.commitPosition()).isEqualTo(16);
  }

  @Test
  void committed_hidesPositionsNotPastIt() {
    t.read(3);
    t.done(3);
    assertThat(t.commitPosition()).isEqualTo(4);
    t.committed(4);
    assertThat(t.commitPosition()).isEqualTo(-1);
    t.read(4);
    assertThat(t.commitPosition()).isEqualTo(-1); // 4 is not finished: nothing new to commit
    t.done(4);
    assertThat(t.commitPosition()).isEqualTo(5);
  }

  @Test
  void retired_readsAndHandsOutNothing_butNotesWhatFinishesForWhenThePartitionComesBack()
      throws InterruptedException {
    t.read(1);
    t.read(2);
    t.read(3);
    t.taken(1);
    t.taken(2);
    t.done(3);
    t.retire();
    assertThat(t.awaitTaken(System.nanoTime())).isTrue();
    t.done(1); // an outcome after the revoke grace
    t.read(4);
    assertThat(t.retired()).isTrue();
    assertThat(t.finished(1)).isFalse(); // for the group: no longer this node's
    assertThat(t.finishedHere(1)).isTrue();
    assertThat(t.finishedHere(2)).isFalse(); // still in flight
    assertThat(t.finishedHere(3)).isTrue();
    assertThat(t.finishedHere(4)).isFalse(); // never read
  }

  @Test
  void awaitTaken_returnsWhenEveryTakenRecordIsFinished() throws InterruptedException {
    t.read(1);
    t.read(2);
    t.taken(1);
    assertThat(t.awaitTaken(System.nanoTime())).isFalse();
    Thread finisher = Thread.ofVirtual().start(() -> t.done(1));
    assertThat(t.awaitTaken(System.nanoTime() + 60_000_000_000L)).isTrue();
    finisher.join();
    assertThat(t.commitPosition()).isEqualTo(2); // 2 was read but never taken: still open
  }
}
