package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {
  private static final TopicPartition TP = new TopicPartition("p.messages", 0);
  private final PartitionTracker t = new PartitionTracker(TP);

  private long position() {
    PartitionTracker.CommitPoint c = t.commitPoint(FinishedOffsets.MAX_CHARS);
    return c == null ? -1 : c.position();
  }

  private static NavigableSet<Long> finishedAbove(PartitionTracker.CommitPoint c) {
    return FinishedOffsets.decode(c.position(), c.metadata());
  }

  @Test
  void commitPosition_isTheLowestUnfinishedOffset_orOnePastTheLastRead() {
    assertThat(position()).isEqualTo(-1); // nothing read
    t.read(10);
    t.read(11);
    t.read(14); // offsets need not be contiguous
    assertThat(position()).isEqualTo(10);
    t.done(11);
    t.done(14);
    assertThat(position()).isEqualTo(10);
    t.done(10);
    assertThat(position()).isEqualTo(15);
    t.readDone(15);
    assertThat(position()).isEqualTo(16);
  }

  @Test
  void committed_hidesPositionsNotPastIt() {
    t.read(3);
    t.done(3);
    assertThat(position()).isEqualTo(4);
    t.committed(t.commitPoint(FinishedOffsets.MAX_CHARS));
    assertThat(position()).isEqualTo(-1);
    t.read(4);
    assertThat(position()).isEqualTo(-1); // 4 is not finished: nothing new to commit
    t.done(4);
    assertThat(position()).isEqualTo(5);
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
    assertThat(position()).isEqualTo(2); // 2 was read but never taken: still open
  }

  @Test
  void commitPoint_namesTheRecordsFinishedAboveThePosition_inItsMetadata() {
    for (long o = 10; o < 15; o++) {
      t.read(o);
    }
    PartitionTracker.CommitPoint c = t.commitPoint(FinishedOffsets.MAX_CHARS);
    assertThat(c.position()).isEqualTo(10);
    assertThat(c.metadata()).isEmpty(); // nothing finished above 10
    t.committed(c);
    assertThat(t.commitPoint(FinishedOffsets.MAX_CHARS)).isNull();

    t.done(11);
    t.done(13);
    c = t.commitPoint(FinishedOffsets.MAX_CHARS);
    // the position did not move, but what is finished above it did: worth a commit
    assertThat(c.position()).isEqualTo(10);
    assertThat(finishedAbove(c)).containsExactly(11L, 13L);
    assertThat(t.commitPoint(0).metadata()).isEmpty(); // no room: offsets alone
  }

  @Test
  void aTrackerTakingOver_skipsWhatTheEarlierOwnerFinished_andPassesItOn() {
    t.read(20);
    t.read(21);
    t.read(22);
    t.read(23);
    t.done(21);
    t.done(23);
    PartitionTracker.CommitPoint c = t.commitPoint(FinishedOffsets.MAX_CHARS);

    PartitionTracker next = new PartitionTracker(TP);
    next.inherit(c.position(), c.metadata());
    assertThat(next.finishedEarlier(20)).isFalse();
    assertThat(next.finishedEarlier(21)).isTrue();
    assertThat(next.finishedEarlier(22)).isFalse();
    assertThat(next.finishedEarlier(23)).isTrue();
    assertThat(next.commitPoint(FinishedOffsets.MAX_CHARS)).isNull(); // nothing read yet

    next.read(20);
    next.readDone(21); // skipped
    // 23 is not read yet, but still finished: a third owner must skip it too
    PartitionTracker.CommitPoint c2 = next.commitPoint(FinishedOffsets.MAX_CHARS);
    assertThat(c2.position()).isEqualTo(20);
    assertThat(finishedAbove(c2)).containsExactly(21L, 23L);
    next.done(20);
    c2 = next.commitPoint(FinishedOffsets.MAX_CHARS);
    assertThat(c2.position()).isEqualTo(22);
    assertThat(finishedAbove(c2)).containsExactly(23L);
  }

  @Test
  void metadataTooSmallForEveryFinishedRecord_namesTheFirstOnes_only() {
    for (long o = 0; o < 100; o++) {
      t.read(o);
      if (o > 0) {
        t.done(o);
      }
    }
    int chars = FinishedOffsets.PREFIX.length() + 4; // 3 bytes: offsets 0..23 above the position
    PartitionTracker.CommitPoint c = t.commitPoint(chars);
    assertThat(c.metadata().length()).isLessThanOrEqualTo(chars);
    assertThat(finishedAbove(c)).hasSize(23).first().isEqualTo(1L);
    assertThat(finishedAbove(c).last()).isEqualTo(23L);
  }

  @Test
  void decode_ofMetadataNotWrittenHere_skipsNothing() {
    assertThat(FinishedOffsets.decode(5, null)).isEmpty();
    assertThat(FinishedOffsets.decode(5, "")).isEmpty();
    assertThat(FinishedOffsets.decode(5, "some other tool's note")).isEmpty();
    assertThat(FinishedOffsets.decode(5, FinishedOffsets.PREFIX + "not*base64!")).isEmpty();
    assertThat(FinishedOffsets.decode(-1, FinishedOffsets.PREFIX + "Bw")).isEmpty();
    assertThat(FinishedOffsets.decode(5, FinishedOffsets.PREFIX + "Bw"))
        .containsExactly(5L, 6L, 7L);
  }

  @Test
  void randomHistories_theMetadataNamesExactlyTheFinishedRecordsAboveThePosition() {
    Random random = new Random(20261128);
    for (int round = 0; round < 200; round++) {
      PartitionTracker tracker = new PartitionTracker(TP);
      NavigableSet<Long> open = new TreeSet<>();
      NavigableSet<Long> finished = new TreeSet<>();
      long offset = random.nextInt(1000);
      int records = 1 + random.nextInt(3000);
      for (int i = 0; i < records; i++) {
        offset += 1 + (random.nextInt(10) == 0 ? random.nextInt(3) : 0);
        if (random.nextInt(20) == 0) {
          tracker.readDone(offset);
          finished.add(offset);
        } else {
          tracker.read(offset);
          open.add(offset);
        }
        if (!open.isEmpty() && random.nextInt(3) > 0) {
          Long done = open.ceiling(open.first() + random.nextInt(200));
          if (done == null) {
            done = open.first();
          }
          tracker.done(done);
          open.remove(done);
          finished.add(done);
        }
      }
      PartitionTracker.CommitPoint c = tracker.commitPoint(FinishedOffsets.MAX_CHARS);
      long position = open.isEmpty() ? offset + 1 : open.first();
      assertThat(c.position()).isEqualTo(position);
      assertThat(c.metadata().length()).isLessThanOrEqualTo(FinishedOffsets.MAX_CHARS);
      NavigableSet<Long> expected =
          finished.subSet(
              position,
              true,
              position + FinishedOffsets.capacity(FinishedOffsets.MAX_CHARS),
              false);
      NavigableSet<Long> named = finishedAbove(c);
      // offsets that were never records (gaps) may be named too: nobody reads them
      assertThat(named).containsAll(expected);
      assertThat(named).doesNotContainAnyElementsOf(open);
    }
  }
}
