package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.checkpoint.KeptAside;
import peerlink.checkpoint.KeptRecord;
import peerlink.checkpoint.SentId;

/**
 * The properties every {@link EventLog} keeps, whichever way its writes reach the disk: run against the
 * local LevelDB log ({@code LevelDbEventLogTest}) and the replicated one ({@code ReplicatedEventLogTest}).
 * Why one class: the journal and snapshot-store plugins see only this interface, so a difference between
 * the two implementations is a bug in one of them, and issue 23's reshape of the write path must keep
 * every one of these.
 */
public abstract class EventLogContract {
  @TempDir
  protected Path dir;

  protected EventLog log;

  /** A log over a new store in {@code directory} (the test's temporary directory), ready to read and write. */
  protected abstract EventLog open(Path directory) throws Exception;

  /** Closes the log and whatever {@link #open} started for it. */
  protected void close(EventLog opened) {
    opened.close();
  }

  @BeforeEach
  public void openLog() throws Exception {
    log = open(dir);
  }

  @AfterEach
  public void closeLog() {
    close(log);
  }

  @Test
  public void replayReturnsOneIdsEntriesInSequenceOrder() {
    // "a" is a byte prefix of "ab": the ids must still not see each other's entries.
    log.append(List.of(entry("ab", 1), entry("a", 2), entry("a", 1)));
    log.append(List.of(entry("a", 3), entry("b", 1)));

    assertEquals(List.of(1L, 2L, 3L), seqNrs("a", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(List.of(1L), seqNrs("ab", 0, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(List.of(), seqNrs("unknown", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    List<LogEntry> replayed = replay("a", 2, 2, 10);
    assertEquals(1, replayed.size());
    assertArrayEquals(entry("a", 2).payload(), replayed.get(0).payload());
  }

  @Test
  public void bodiesStoredWithAnEntryAreReadBackUntilAnEntryDropsThem() {
    byte[] one = "body one".getBytes(StandardCharsets.UTF_8);
    byte[] two = "body two".getBytes(StandardCharsets.UTF_8);
    log.append(List.of(new LogEntry("p", 1, new byte[] {1}, aside(Map.of(1L, one, 2L, two), new long[0], null, null, List.of(), List.of()))));
    assertArrayEquals(one, log.body("p", 1));
    assertArrayEquals(two, log.body("p", 2));
    assertEquals(null, log.body("other", 1), "bodies belong to one id");

    log.append(List.of(new LogEntry("p", 2, new byte[] {2}, aside(Map.of(), new long[] {1, 7}, null, null, List.of(), List.of()))));
    assertEquals(null, log.body("p", 1), "dropped with the entry after");
    assertArrayEquals(two, log.body("p", 2), "another body stays");
    assertEquals(List.of(1L, 2L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE), "the entries themselves are journaled as any other");
  }

  @Test
  public void aClientIdKeptWithAnEntryIsFoundBySenderUntilAnEntryForgetsIt() {
    SentId first = new SentId("a", "same-id", 1, 0);
    log.append(List.of(new LogEntry("p", 1, new byte[] {1}, sentIds(first, null))));
    log.append(List.of(new LogEntry("p", 2, new byte[] {2}, sentIds(new SentId("ab", "same-id", 2, 0), null))));
    assertEquals(first, log.sentId("p", "a", "same-id"));
    assertEquals(new SentId("ab", "same-id", 2, 0), log.sentId("p", "ab", "same-id"), "each sender has its own ids, even when one's name starts the other's");
    assertEquals(null, log.sentId("other", "a", "same-id"), "ids belong to one persistence id");

    log.append(List.of(new LogEntry("p", 3, new byte[] {3}, sentIds(new SentId("a", "next", 3, 1), new SentId("a", "same-id", -1, 0)))));
    assertEquals(null, log.sentId("p", "a", "same-id"), "forgotten with the entry that moved past it");
    assertEquals(new SentId("ab", "same-id", 2, 0), log.sentId("p", "ab", "same-id"), "another sender's stays");
  }

  @Test
  public void theClientIdsOfASenderThatStartWithAPrefixAreListedUpToALimit() {
    String[] ids = {"k-1", "k-10", "k-2", "k-", "kx-1", "j-5", "k-2-1"};
    for (int i = 0; i < ids.length; i++) {
      log.append(List.of(new LogEntry("p", i + 1, new byte[] {1}, sentIds(new SentId("a", ids[i], i + 1, i), null))));
    }
    log.append(List.of(new LogEntry("p", 20, new byte[] {1}, sentIds(new SentId("ab", "k-3", 20, 0), null))));
    assertEquals(List.of("k-", "k-1", "k-10", "k-2", "k-2-1"), log.sentIdsStartingWith("p", "a", "k-", 10), "in bytewise order, this sender's only");
    assertEquals(List.of("k-", "k-1", "k-10"), log.sentIdsStartingWith("p", "a", "k-", 2), "the limit, and one more to say there are more");
    assertEquals(List.of("k-3"), log.sentIdsStartingWith("p", "ab", "k-", 10));
    assertEquals(List.of(), log.sentIdsStartingWith("p", "a", "m-", 10));
    assertEquals(List.of(), log.sentIdsStartingWith("other", "a", "k-", 10));

    log.append(List.of(new LogEntry("p", 21, new byte[] {1}, sentIds(new SentId("a", "z-1", 21, 7), new SentId("a", "k-1", -1, 0)))));
    assertEquals(List.of("k-", "k-10", "k-2", "k-2-1"), log.sentIdsStartingWith("p", "a", "k-", 10), "a forgotten id is not listed");
  }

  @Test
  public void aDeliveredRecordKeptWithAnEntryIsFoundBySenderUntilAnEntryForgetsIt() {
    byte[] one = {1, 2, 3};
    byte[] two = {4, 5};
    log.append(List.of(new LogEntry("p", 1, new byte[] {1},
        aside(Map.of(), new long[0], null, null, List.of(new KeptRecord("a", 7, 0, one), new KeptRecord("ab", 7, 0, two)), List.of()))));
    assertArrayEquals(one, log.keptRecord("p", "a", 7));
    assertArrayEquals(two, log.keptRecord("p", "ab", 7), "each sender has its own records");
    assertEquals(null, log.keptRecord("other", "a", 7), "records belong to one persistence id");

    log.append(List.of(new LogEntry("p", 2, new byte[] {2},
        aside(Map.of(), new long[0], null, null, List.of(new KeptRecord("a", 9, 1, two)), List.of(new KeptRecord("a", 7, 0, null))))));
    assertEquals(null, log.keptRecord("p", "a", 7), "forgotten with the entry that moved past it");
    assertArrayEquals(two, log.keptRecord("p", "ab", 7), "another sender's stays");
  }

  @Test
  public void anEntryThatBeginsAWindowForgetsTheSendersIdsAndRecordsBelowAPosition() {
    for (int i = 0; i < 6; i++) {
      log.append(List.of(new LogEntry("p", i + 1, new byte[] {1}, sentIds(new SentId("a", "c" + i, i + 1, i), null))));
    }
    log.append(List.of(new LogEntry("p", 7, new byte[] {1}, sentIds(new SentId("ab", "c0", 7, 0), null))));
    log.append(List.of(new LogEntry("p", 8, new byte[] {1},
        aside(Map.of(), new long[0], null, null, List.of(new KeptRecord("a", 70, 0, new byte[] {1, 7}), new KeptRecord("a", 71, 1, new byte[] {1, 8}),
            new KeptRecord("a", 72, 2, new byte[] {1, 9}), new KeptRecord("ab", 70, 0, new byte[] {2})), List.of()))));

    // One write: c3 sent again (a new message, its old position out of the window), then a send that forgets
    // what is below position 5, c1 too sent again by that send itself.
    log.append(List.of(
        new LogEntry("p", 9, new byte[] {1}, sentIds(new SentId("a", "c3", 9, 6), null)),
        new LogEntry("p", 10, new byte[] {1}, windows(new SentId("a", "c1", 10, 7), Map.of("a", 5L), List.of(), Map.of("a", 2L)))));
    assertEquals(null, log.sentId("p", "a", "c0"), "below the position: forgotten");
    assertEquals(null, log.sentId("p", "a", "c2"));
    assertEquals(null, log.sentId("p", "a", "c4"));
    assertEquals(new SentId("a", "c5", 6, 5), log.sentId("p", "a", "c5"), "at the position: kept");
    assertEquals(new SentId("a", "c3", 9, 6), log.sentId("p", "a", "c3"), "sent again by an earlier entry of the same write: kept");
    assertEquals(new SentId("a", "c1", 10, 7), log.sentId("p", "a", "c1"), "sent again by the forgetting entry itself: kept");
    assertEquals(new SentId("ab", "c0", 7, 0), log.sentId("p", "ab", "c0"), "another sender's stay");
    assertEquals(null, log.keptRecord("p", "a", 70));
    assertEquals(null, log.keptRecord("p", "a", 71));
    assertArrayEquals(new byte[] {1, 9}, log.keptRecord("p", "a", 72));
    assertArrayEquals(new byte[] {2}, log.keptRecord("p", "ab", 70));
  }

  private static KeptAside windows(SentId kept, Map<String, Long> idsBefore, List<KeptRecord> records, Map<String, Long> recordsBefore) {
    KeptAside plain = aside(Map.of(), new long[0], kept, null, records, List.of());
    return new KeptAside() {
      @Override
      public SentId sentIdToStore() {
        return plain.sentIdToStore();
      }

      @Override
      public Map<String, Long> sentIdsForgottenBefore() {
        return idsBefore;
      }

      @Override
      public List<KeptRecord> recordsToStore() {
        return plain.recordsToStore();
      }

      @Override
      public Map<String, Long> recordsForgottenBefore() {
        return recordsBefore;
      }

      @Override
      public Object journaled() {
        return this;
      }
    };
  }

  private static KeptAside sentIds(SentId kept, SentId forgotten) {
    return aside(Map.of(), new long[0], kept, forgotten, List.of(), List.of());
  }

  /** What an event keeps aside, as the journal plugin hands it to the log. */
  private static KeptAside aside(
      Map<Long, byte[]> bodies, long[] dropped, SentId sentId, SentId forgottenSentId, List<KeptRecord> records, List<KeptRecord> forgottenRecords) {
    return new KeptAside() {
      @Override
      public Map<Long, byte[]> bodiesToStore() {
        return bodies;
      }

      @Override
      public long[] bodiesToDelete() {
        return dropped;
      }

      @Override
      public SentId sentIdToStore() {
        return sentId;
      }

      @Override
      public SentId sentIdToForget() {
        return forgottenSentId;
      }

      @Override
      public List<KeptRecord> recordsToStore() {
        return records;
      }

      @Override
      public List<KeptRecord> recordsToForget() {
        return forgottenRecords;
      }

      @Override
      public Object journaled() {
        return this;
      }
    };
  }

  @Test
  public void replayHonoursRangeAndMax() {
    log.append(LongStream.rangeClosed(1, 10).mapToObj(n -> entry("p", n)).toList());

    assertEquals(List.of(3L, 4L, 5L), seqNrs("p", 3, 5, Long.MAX_VALUE));
    assertEquals(List.of(3L, 4L), seqNrs("p", 3, 10, 2));
    assertEquals(List.of(), seqNrs("p", 3, 10, 0));
    assertEquals(List.of(), seqNrs("p", 6, 5, 10));
    assertEquals(List.of(9L, 10L), seqNrs("p", 9, Long.MAX_VALUE, Long.MAX_VALUE));
  }

  @Test
  public void anAsynchronousAppendIsReadableOnceItCompletes() throws Exception {
    log.appendAsync(List.of(entry("p", 1), entry("p", 2)), ForkJoinPool.commonPool()).get(30, TimeUnit.SECONDS);

    assertEquals(List.of(1L, 2L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(2, log.highestSequenceNr("p"));
  }

  @Test
  public void highestSequenceNrFindsTheLastEntryWhateverFollowsIt() {
    assertEquals(0, log.highestSequenceNr("a"));
    log.append(List.of(entry("a", 1), entry("a", 2)));
    assertEquals(2, log.highestSequenceNr("a"), "last key of the whole database");

    log.append(List.of(entry("b", 7)));
    assertEquals(2, log.highestSequenceNr("a"), "another id's entries follow");
    assertEquals(7, log.highestSequenceNr("b"), "last journal key, snapshots absent");

    log.saveSnapshot(new StoredSnapshot("a", 2, 1, new byte[] {1}));
    assertEquals(7, log.highestSequenceNr("b"), "snapshot keys follow");
    assertEquals(0, log.highestSequenceNr("c"));
  }

  @Test
  public void deletedEntriesAreNotReplayedButTheHighestSequenceNrIsKept() {
    log.append(LongStream.rangeClosed(1, 5).mapToObj(n -> entry("p", n)).toList());

    log.deleteTo("p", 3);
    assertEquals(List.of(4L, 5L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(5, log.highestSequenceNr("p"));

    log.deleteTo("p", Long.MAX_VALUE);
    assertEquals(List.of(), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(5, log.highestSequenceNr("p"));

    // Deleting "to infinity" covered only what existed: later entries are visible.
    log.append(List.of(entry("p", 6), entry("p", 7)));
    assertEquals(List.of(6L, 7L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(7, log.highestSequenceNr("p"));

    log.deleteTo("p", 2);
    assertEquals(List.of(6L, 7L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE), "an older mark is a no-op");
  }

  @Test
  public void aDeletionOverAVeryWideRangeFindsTheEntriesInsteadOfNamingEveryNumber() {
    log.append(List.of(entry("p", 1), entry("p", 2), entry("p", 250_000), entry("p", 250_001)));

    log.deleteTo("p", 250_000);

    assertEquals(List.of(250_001L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(250_001, log.highestSequenceNr("p"));
  }

  @Test
  public void aDeletionLongerThanOneChunkDeletesEverything() {
    int events = LevelDbEventLog.DELETE_CHUNK * 2 + 500;
    log.append(LongStream.rangeClosed(1, events).mapToObj(n -> entry("p", n)).toList());

    log.deleteTo("p", events);

    assertEquals(List.of(), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(events, log.highestSequenceNr("p"));
  }

  @Test
  public void latestSnapshotIsTheNewestThatMatchesTheCriteria() {
    log.saveSnapshot(new StoredSnapshot("p", 3, 100, new byte[] {3}));
    log.saveSnapshot(new StoredSnapshot("p", 6, 200, new byte[] {6}));
    log.saveSnapshot(new StoredSnapshot("p", 9, 300, new byte[] {9}));
    log.saveSnapshot(new StoredSnapshot("q", 12, 400, new byte[] {12}));

    StoredSnapshot latest = log.latestSnapshot("p", SnapshotCriteria.latest()).orElseThrow();
    assertEquals(9, latest.sequenceNr());
    assertEquals(300, latest.timestamp());
    assertArrayEquals(new byte[] {9}, latest.payload());
    assertEquals(Optional.of(6L), latestSeqNr("p", new SnapshotCriteria(8, Long.MAX_VALUE, 0, 0)));
    assertEquals(Optional.of(3L), latestSeqNr("p", new SnapshotCriteria(Long.MAX_VALUE, 150, 0, 0)));
    assertEquals(Optional.of(9L), latestSeqNr("p", new SnapshotCriteria(Long.MAX_VALUE, Long.MAX_VALUE, 4, 250)));
    assertEquals(Optional.empty(), latestSeqNr("p", new SnapshotCriteria(Long.MAX_VALUE, Long.MAX_VALUE, 10, 0)));
    assertEquals(Optional.empty(), latestSeqNr("r", SnapshotCriteria.latest()));

    log.deleteSnapshot("p", 9);
    assertEquals(Optional.of(6L), latestSeqNr("p", SnapshotCriteria.latest()));
    log.deleteSnapshots("p", new SnapshotCriteria(6, Long.MAX_VALUE, 0, 0));
    assertEquals(Optional.empty(), latestSeqNr("p", SnapshotCriteria.latest()));
    assertEquals(Optional.of(12L), latestSeqNr("q", SnapshotCriteria.latest()), "other ids keep theirs");
  }

  @Test
  public void aSnapshotBiggerThanSeveralPartsIsReadBackWhole() throws IOException {
    // A checkpoint of a big registry: the replicated log writes it in parts of 256 KiB, the local one at once.
    byte[] payload = new byte[5 * 256 * 1024 / 2 + 17];
    new Random(7).nextBytes(payload);

    long size = log.saveSnapshot("p", 9, 1234, out -> out.write(payload), PieceRefs.NONE);

    assertEquals(payload.length, size);
    StoredSnapshot saved = log.latestSnapshot("p", SnapshotCriteria.latest()).orElseThrow();
    assertArrayEquals(payload, saved.payload());
    assertEquals(1234, saved.timestamp());
  }

  @Test
  public void aSnapshotSavedAgainAtTheSameNumberReplacesTheEarlierOne() throws IOException {
    byte[] big = new byte[3 * 256 * 1024];
    new Random(8).nextBytes(big);
    log.saveSnapshot("p", 9, 100, out -> out.write(big), PieceRefs.NONE);

    log.saveSnapshot(new StoredSnapshot("p", 9, 200, bytes("small")));

    StoredSnapshot saved = log.latestSnapshot("p", SnapshotCriteria.latest()).orElseThrow();
    assertEquals("small", new String(saved.payload(), StandardCharsets.UTF_8), "none of the earlier one's parts is read with it");
    assertEquals(200, saved.timestamp());
  }

  @Test
  public void aSnapshotsPiecesStayWhileASnapshotReferringToThemDoesAndGoWithTheLastOne() throws IOException {
    log.savePieces("p", Map.of(1L, bytes("one"), 2L, bytes("two"), 3L, bytes("three")));
    log.saveSnapshot("p", 10, 100, out -> out.write(bytes("s10")), PieceRefs.of(3, 1, 2));
    log.savePieces("p", Map.of(4L, bytes("four")));
    log.saveSnapshot("p", 20, 200, out -> out.write(bytes("s20")), PieceRefs.of(2, 3, 4));
    log.savePieces("q", Map.of(1L, bytes("q's one")));
    log.saveSnapshot("q", 5, 50, out -> out.write(bytes("q5")), PieceRefs.of(1));

    assertEquals(PieceRefs.of(2, 3, 4), log.latestSnapshotPieces("p"));
    assertEquals(Map.of(1L, "one", 2L, "two", 4L, "four"), pieces("p", PieceRefs.of(1, 2, 4, 7)), "7 was never stored");

    log.deleteSnapshot("p", 10);
    assertEquals(Map.of(2L, "two", 3L, "three", 4L, "four"), pieces("p", PieceRefs.of(1, 2, 3, 4)), "1 was only in the deleted one");
    log.deleteSnapshots("p", SnapshotCriteria.latest());
    assertEquals(Map.of(), pieces("p", PieceRefs.of(1, 2, 3, 4)));
    assertEquals(PieceRefs.NONE, log.latestSnapshotPieces("p"));
    assertEquals(Map.of(1L, "q's one"), pieces("q", PieceRefs.of(1)), "other ids keep theirs");
    assertEquals(PieceRefs.of(1), log.latestSnapshotPieces("q"));
  }

  @Test
  public void aSnapshotSavedAgainWithoutPiecesRefersToNone() throws IOException {
    log.savePieces("p", Map.of(1L, bytes("one")));
    log.saveSnapshot("p", 10, 100, out -> out.write(bytes("in pieces")), PieceRefs.of(1));
    log.saveSnapshot("p", 10, 100, out -> out.write(bytes("whole")), PieceRefs.NONE);

    assertEquals(PieceRefs.NONE, log.latestSnapshotPieces("p"));
    log.deleteSnapshot("p", 10);
    assertEquals(Map.of(1L, "one"), pieces("p", PieceRefs.of(1)), "no snapshot said it referred to it: left alone");
  }

  protected Map<Long, String> pieces(String persistenceId, PieceRefs ids) {
    Map<Long, String> read = new HashMap<>();
    log.readPieces(persistenceId, ids, (id, content) -> read.put(id, new String(content, StandardCharsets.UTF_8)));
    return read;
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  protected static LogEntry entry(String persistenceId, long sequenceNr) {
    return new LogEntry(persistenceId, sequenceNr, (persistenceId + "#" + sequenceNr).getBytes(StandardCharsets.UTF_8));
  }

  protected List<LogEntry> replay(String persistenceId, long from, long to, long max) {
    List<LogEntry> entries = new ArrayList<>();
    log.replay(persistenceId, from, to, max, entries::add);
    entries.forEach(e -> assertEquals(persistenceId, e.persistenceId()));
    return entries;
  }

  protected List<Long> seqNrs(String persistenceId, long from, long to, long max) {
    return replay(persistenceId, from, to, max).stream().map(LogEntry::sequenceNr).toList();
  }

  protected Optional<Long> latestSeqNr(String persistenceId, SnapshotCriteria criteria) {
    return log.latestSnapshot(persistenceId, criteria).map(StoredSnapshot::sequenceNr);
  }
}
