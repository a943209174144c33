package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local LevelDB log: the {@link EventLogContract} it shares with the replicated log, and what only a log
 * on a LevelDB directory of its own does (deleting in chunks, the snapshot info, reopening, the directory lock).
 */
class LevelDbEventLogTest extends EventLogContract {

  @Override
  protected EventLog open(Path directory) {
    return LevelDbEventLog.open(directory);
  }

  /**
   * A store written by builds up to 5dd6573 also kept each id's and each record's position under its own key
   * (key spaces 18 and 20), and a record's value without its position. Those are read as before and forgotten
   * by the window that passes them, position keys included.
   */
  @Test
  void idsAndRecordsKeptWithPositionKeysByOlderBuildsAreReadAndForgottenByWindow() {
    LevelDbEventLog store = (LevelDbEventLog) log;
    List<Mutation> older = new java.util.ArrayList<>();
    for (long position = 0; position < 4; position++) {
      older.add(Mutation.put(Keys.sentId("p", "a", "old" + position), java.nio.ByteBuffer.allocate(16).putLong(position + 1).putLong(position).array()));
      older.add(Mutation.put(Keys.sentOrder("p", "a", position), ("old" + position).getBytes(StandardCharsets.UTF_8)));
      older.add(Mutation.put(Keys.keptRecord("p", "a", 100 + position), new byte[] {1, 'b', 'o', 'b'}));
      older.add(Mutation.put(Keys.keptRecordOrder("p", "a", position), java.nio.ByteBuffer.allocate(8).putLong(100 + position).array()));
    }
    store.apply(older);
    assertEquals(new peerlink.checkpoint.SentId("a", "old1", 2, 1), log.sentId("p", "a", "old1"));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1, 'b', 'o', 'b'}, log.keptRecord("p", "a", 101), "an older record's value, as it is");

    log.append(List.of(new LogEntry("p", 1, new byte[] {1}, new peerlink.checkpoint.KeptAside() {
      @Override
      public java.util.Map<String, Long> sentIdsForgottenBefore() {
        return java.util.Map.of("a", 2L);
      }

      @Override
      public java.util.Map<String, Long> recordsForgottenBefore() {
        return java.util.Map.of("a", 3L);
      }

      @Override
      public Object journaled() {
        return this;
      }
    })));
    assertEquals(null, log.sentId("p", "a", "old0"));
    assertEquals(null, log.sentId("p", "a", "old1"));
    assertEquals(new peerlink.checkpoint.SentId("a", "old2", 3, 2), log.sentId("p", "a", "old2"));
    assertEquals(null, log.keptRecord("p", "a", 102));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1, 'b', 'o', 'b'}, log.keptRecord("p", "a", 103));
    assertEquals(List.of(2L, 3L), positionKeys(store, Keys.sentOrders("p", "a")), "the position keys below the window went too");
    assertEquals(List.of(3L), positionKeys(store, Keys.keptRecordOrders("p", "a")));
  }

  private static List<Long> positionKeys(LevelDbEventLog store, byte[] prefix) {
    List<Long> positions = new java.util.ArrayList<>();
    store.forEachWithPrefix(prefix, (key, value) -> positions.add(java.nio.ByteBuffer.wrap(key).getLong(key.length - 8)));
    return positions;
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
}
