package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contract of {@link EventLog}, checked against a real LevelDB in a temporary directory. */
class LevelDbEventLogTest {

  @TempDir
  Path dir;

  private EventLog log;

  @BeforeEach
  void open() {
    log = LevelDbEventLog.open(dir);
  }

  @AfterEach
  void close() {
    log.close();
  }

  @Test
  void replayReturnsOneIdsEntriesInSequenceOrder() {
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
  void replayHonoursRangeAndMax() {
    log.append(LongStream.rangeClosed(1, 10).mapToObj(n -> entry("p", n)).toList());

    assertEquals(List.of(3L, 4L, 5L), seqNrs("p", 3, 5, Long.MAX_VALUE));
    assertEquals(List.of(3L, 4L), seqNrs("p", 3, 10, 2));
    assertEquals(List.of(), seqNrs("p", 3, 10, 0));
    assertEquals(List.of(), seqNrs("p", 6, 5, 10));
    assertEquals(List.of(9L, 10L), seqNrs("p", 9, Long.MAX_VALUE, Long.MAX_VALUE));
  }

  @Test
  void highestSequenceNrFindsTheLastEntryWhateverFollowsIt() {
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
  void deletedEntriesAreNotReplayedButTheHighestSequenceNrIsKept() {
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
  void aDeletionOverAVeryWideRangeFindsTheEntriesInsteadOfNamingEveryNumber() {
    log.append(List.of(entry("p", 1), entry("p", 2), entry("p", 250_000), entry("p", 250_001)));

    log.deleteTo("p", 250_000);

    assertEquals(List.of(250_001L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(250_001, log.highestSequenceNr("p"));
  }

  @Test
  void aLongDeletionIsWrittenInChunksSoOtherWritesGoBetweenThem() {
    int events = LevelDbEventLog.DELETE_CHUNK * 2 + 500;
    log.append(LongStream.rangeClosed(1, events).mapToObj(n -> entry("p", n)).toList());

    LevelDbEventLog store = (LevelDbEventLog) log;
    List<Mutation> first = store.planDeleteTo("p", events, LevelDbEventLog.DELETE_CHUNK);
    assertEquals(LevelDbEventLog.DELETE_CHUNK, first.stream().filter(Mutation::isDelete).count(), "one chunk of events, then the mark");

    log.deleteTo("p", events);
    assertEquals(List.of(), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(events, log.highestSequenceNr("p"));
    assertEquals(List.of(), store.planDeleteTo("p", events, LevelDbEventLog.DELETE_CHUNK), "nothing left to plan");
  }

  @Test
  void aWideSparseDeletionInChunksMovesItsMarkOnlyUpToTheFirstEntryItKeeps() {
    log.append(List.of(entry("p", 1), entry("p", 2), entry("p", 250_000), entry("p", 250_001)));
    LevelDbEventLog store = (LevelDbEventLog) log;

    store.apply(store.planDeleteTo("p", 250_000, 2));
    assertEquals(List.of(250_000L, 250_001L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));

    store.apply(store.planDeleteTo("p", 250_000, 2));
    assertEquals(List.of(250_001L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
  }

  @Test
  void latestSnapshotIsTheNewestThatMatchesTheCriteria() {
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
  void theLatestSnapshotsNumberAndTimeAreReadWithoutItsContentAndFollowDeletions() {
    LevelDbEventLog store = (LevelDbEventLog) log;
    assertEquals(Optional.empty(), store.latestSnapshotInfo("p"));
    store.saveSnapshot(new StoredSnapshot("p", 3, 100, new byte[] {3}));
    store.saveSnapshot(new StoredSnapshot("p", 6, 200, new byte[] {6}));
    store.saveSnapshot(new StoredSnapshot("q", 12, 400, new byte[] {12}));
    assertEquals(Optional.of(new SnapshotInfo(6, 200)), store.latestSnapshotInfo("p"));
    assertEquals(Optional.of(new SnapshotInfo(12, 400)), store.latestSnapshotInfo("q"));

    store.saveSnapshot(new StoredSnapshot("p", 4, 500, new byte[] {4})); // an older one saved late
    assertEquals(Optional.of(new SnapshotInfo(6, 200)), store.latestSnapshotInfo("p"));

    store.deleteSnapshot("p", 6);
    assertEquals(Optional.of(new SnapshotInfo(4, 500)), store.latestSnapshotInfo("p"), "the newest one left");
    store.saveSnapshot(new StoredSnapshot("p", 9, 600, new byte[] {9}));
    store.deleteSnapshots("p", new SnapshotCriteria(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0));
    assertEquals(Optional.empty(), store.latestSnapshotInfo("p"));
    assertEquals(Optional.of(new SnapshotInfo(12, 400)), store.latestSnapshotInfo("q"), "other ids keep theirs");
  }

  @Test
  void everythingSurvivesCloseAndReopen() {
    log.append(LongStream.rangeClosed(1, 4).mapToObj(n -> entry("p", n)).toList());
    log.deleteTo("p", 4);
    log.append(List.of(entry("p", 5)));
    log.saveSnapshot(new StoredSnapshot("p", 4, 42, new byte[] {4}));
    log.close();

    log = LevelDbEventLog.open(dir);
    assertEquals(List.of(5L), seqNrs("p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(5, log.highestSequenceNr("p"));
    log.deleteTo("p", 5);
    log.close();

    log = LevelDbEventLog.open(dir);
    assertEquals(5, log.highestSequenceNr("p"), "kept by the deleted-to mark alone");
    assertEquals(Optional.of(4L), latestSeqNr("p", SnapshotCriteria.latest()));
  }

  @Test
  void secondOpenOfTheSameDirectoryFailsWithAClearError() {
    DataDirectoryInUseException e = assertThrows(DataDirectoryInUseException.class, () -> LevelDbEventLog.open(dir));
    assertTrue(e.getMessage().contains("in use by another PeerLink process"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
    assertEquals(dir.toAbsolutePath().normalize(), e.directory());
  }

  @Test
  void openFailsWithAClearErrorWhileAnotherProcessHoldsTheDirectory(@TempDir Path other) throws Exception {
    Process holder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), other.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("open", out.readLine(), "the other process opened the log");

      DataDirectoryInUseException e = assertThrows(DataDirectoryInUseException.class, () -> LevelDbEventLog.open(other));
      assertTrue(e.getMessage().contains("in use by another PeerLink process"), e.getMessage());
      assertTrue(e.getMessage().contains(other.toAbsolutePath().toString()), e.getMessage());
    } finally {
      holder.getOutputStream().close(); // the holder exits when its stdin ends
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "lock holder exited");
    }
    LevelDbEventLog.open(other).close(); // and the lock is free again
  }

  @Test
  void closedLogRefusesFurtherCalls() {
    log.close();
    log.close();
    assertThrows(IllegalStateException.class, () -> log.highestSequenceNr("p"));
  }

  /** Another process: opens the log in the directory given as argument and holds it until stdin ends. */
  public static final class LockHolder {
    public static void main(String[] args) throws IOException {
      try (EventLog held = LevelDbEventLog.open(Path.of(args[0]))) {
        System.out.println("open");
        System.out.flush();
        while (System.in.read() >= 0) {
          // hold the lock
        }
      }
    }
  }

  @Test
  void aSnapshotsPiecesStayWhileASnapshotReferringToThemDoesAndGoWithTheLastOne() throws IOException {
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
  void aSnapshotSavedAgainWithoutPiecesRefersToNone() throws IOException {
    log.savePieces("p", Map.of(1L, bytes("one")));
    log.saveSnapshot("p", 10, 100, out -> out.write(bytes("in pieces")), PieceRefs.of(1));
    log.saveSnapshot("p", 10, 100, out -> out.write(bytes("whole")), PieceRefs.NONE);

    assertEquals(PieceRefs.NONE, log.latestSnapshotPieces("p"));
    log.deleteSnapshot("p", 10);
    assertEquals(Map.of(1L, "one"), pieces("p", PieceRefs.of(1)), "no snapshot said it referred to it: left alone");
  }

  private Map<Long, String> pieces(String persistenceId, PieceRefs ids) {
    Map<Long, String> read = new java.util.HashMap<>();
    log.readPieces(persistenceId, ids, (id, content) -> read.put(id, new String(content, StandardCharsets.UTF_8)));
    return read;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static LogEntry entry(String persistenceId, long sequenceNr) {
    return new LogEntry(persistenceId, sequenceNr, (persistenceId + "#" + sequenceNr).getBytes(StandardCharsets.UTF_8));
  }

  private List<LogEntry> replay(String persistenceId, long from, long to, long max) {
    List<LogEntry> entries = new ArrayList<>();
    log.replay(persistenceId, from, to, max, entries::add);
    entries.forEach(e -> assertEquals(persistenceId, e.persistenceId()));
    return entries;
  }

  private List<Long> seqNrs(String persistenceId, long from, long to, long max) {
    return replay(persistenceId, from, to, max).stream().map(LogEntry::sequenceNr).toList();
  }

  private Optional<Long> latestSeqNr(String persistenceId, SnapshotCriteria criteria) {
    return log.latestSnapshot(persistenceId, criteria).map(StoredSnapshot::sequenceNr);
  }
}
