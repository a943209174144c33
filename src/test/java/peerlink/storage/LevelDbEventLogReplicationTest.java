package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store operations replication is built on: writes planned as raw mutations, applied together with
 * the replication position in one synced batch, and the full export and atomic replacement that a
 * catching-up replica uses. Real LevelDB in temporary directories.
 */
class LevelDbEventLogReplicationTest {

  @TempDir
  Path dir;

  private final List<LevelDbEventLog> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(LevelDbEventLog::close);
  }

  private LevelDbEventLog store(String name) {
    LevelDbEventLog log = LevelDbEventLog.open(dir.resolve(name));
    open.add(log);
    return log;
  }

  private static LogEntry entry(String id, long seqNr) {
    return new LogEntry(id, seqNr, (id + "#" + seqNr).getBytes(StandardCharsets.UTF_8));
  }

  private static StoredSnapshot snapshot(String id, long seqNr) {
    return new StoredSnapshot(id, seqNr, 1000 + seqNr, ("state of " + id + " at " + seqNr).getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> payloads(LevelDbEventLog log, String id) {
    List<String> out = new ArrayList<>();
    log.replay(id, 0, Long.MAX_VALUE, Long.MAX_VALUE, e -> out.add(new String(e.payload(), StandardCharsets.UTF_8)));
    return out;
  }

  private static Optional<byte[]> valueOf(LevelDbEventLog log, byte[] key) {
    return log.exportAll().stream().filter(m -> Arrays.equals(m.key(), key)).map(Mutation::value).findFirst();
  }

  @Test
  void theLastReplicatedWriteIsKeptAsItsKeysAndReadBackWithTheValuesItPut() {
    LevelDbEventLog log = store("a");
    assertEquals(null, log.lastWrite(), "a new store has applied none");
    log.apply(log.planAppend(List.of(entry("r", 1), entry("r", 2))), new StorePosition(1, 1));
    byte[] k = bytes("k");
    byte[] gone = bytes("gone");
    log.apply(List.of(Mutation.put(gone, bytes("x"))), new StorePosition(1, 2));
    // the same key put twice (the second wins), a key put then deleted, and a journal entry
    List<Mutation> write = new ArrayList<>(List.of(Mutation.put(k, bytes("first")), Mutation.put(k, bytes("second")),
        Mutation.put(gone, bytes("y")), Mutation.delete(gone)));
    write.addAll(log.planAppend(List.of(entry("r", 3))));
    log.apply(write, new StorePosition(1, 3));

    LastWrite last = log.lastWrite();
    assertEquals(new StorePosition(1, 3), last.position());
    LevelDbEventLog other = store("b");
    other.apply(List.of(Mutation.put(gone, bytes("x"))));
    other.apply(last.mutations());
    assertArrayEquals(bytes("second"), valueOf(other, k).orElseThrow());
    assertTrue(valueOf(other, gone).isEmpty(), "deleted, as the write left it");
    assertEquals(List.of("r#3"), payloads(other, "r"), "the journal entry, with its payload");
    assertFalse(log.exportAll().stream().anyMatch(m -> Arrays.equals(m.key(), Keys.LAST_WRITE_KEY)), "local: never copied");

    log.apply(List.of(Mutation.put(k, bytes("outside"))));
    assertEquals(null, log.lastWrite(), "a write outside the replicated history leaves no last write to hand on");
  }

  @Test
  void aSnapshotWrittenInPartsIsReadWholeOnlyOnceItsLastWriteLanded() {
    LevelDbEventLog log = store("a");
    log.apply(log.planSaveSnapshot(snapshot("r", 5)));
    log.apply(log.planSaveSnapshotPart("r", 9, 0, bytes("first ")));
    log.apply(log.planSaveSnapshotPart("r", 9, 1, bytes("second ")));
    assertEquals(5, log.latestSnapshot("r", SnapshotCriteria.latest()).orElseThrow().sequenceNr(), "parts alone are not a snapshot");

    log.apply(log.planSaveSnapshot(new StoredSnapshot("r", 9, 1009, bytes("rest")), true));

    StoredSnapshot latest = log.latestSnapshot("r", SnapshotCriteria.latest()).orElseThrow();
    assertEquals(9, latest.sequenceNr());
    assertEquals("first second rest", new String(latest.payload(), StandardCharsets.UTF_8));
    assertEquals(new SnapshotInfo(9, 1009), log.latestSnapshotInfo("r").orElseThrow());
  }

  @Test
  void partsOfASaveThatNeverFinishedAreNotReadAsPartOfALaterSaveOfTheSameSequenceNumber() {
    LevelDbEventLog log = store("a");
    log.apply(log.planSaveSnapshotPart("r", 9, 0, bytes("stale 0 ")));
    log.apply(log.planSaveSnapshotPart("r", 9, 1, bytes("stale 1 "))); // then the primary died

    log.apply(log.planSaveSnapshot(new StoredSnapshot("r", 9, 1009, bytes("whole")), false));
    assertEquals("whole", new String(log.latestSnapshot("r", SnapshotCriteria.latest()).orElseThrow().payload(), StandardCharsets.UTF_8));

    log.apply(log.planSaveSnapshotPart("r", 9, 0, bytes("new 0 ")));
    log.apply(log.planSaveSnapshot(new StoredSnapshot("r", 9, 1010, bytes("rest")), true));
    assertEquals("new 0 rest", new String(log.latestSnapshot("r", SnapshotCriteria.latest()).orElseThrow().payload(), StandardCharsets.UTF_8));
  }

  @Test
  void deletingASnapshotDeletesItsParts() {
    LevelDbEventLog log = store("a");
    log.apply(log.planSaveSnapshotPart("r", 9, 0, bytes("part ")));
    log.apply(log.planSaveSnapshot(new StoredSnapshot("r", 9, 1009, bytes("rest")), true));
    log.apply(log.planSaveSnapshotPart("r", 19, 0, bytes("part ")));
    log.apply(log.planSaveSnapshot(new StoredSnapshot("r", 19, 1019, bytes("rest")), true));

    log.apply(log.planDeleteSnapshots("r", new SnapshotCriteria(9, Long.MAX_VALUE, 0, 0)));
    log.apply(log.planDeleteSnapshot("r", 19));

    assertTrue(log.latestSnapshot("r", SnapshotCriteria.latest()).isEmpty());
    assertEquals(List.of(), log.exportAll().stream().filter(m -> m.key()[0] == Keys.SNAPSHOT_PART).toList(), "no part left behind");
    assertEquals(List.of(), log.exportAll().stream().filter(m -> m.key()[0] == Keys.SNAPSHOT_PART_COUNT).toList(), "no part count left behind");
  }

  @Test
  void deletingASnapshotNamesEachOfItsPartsFromTheCountItsWritesKept() {
    LevelDbEventLog log = store("a");
    for (int index = 0; index < 3; index++) {
      log.apply(log.planSaveSnapshotPart("r", 9, index, bytes("part " + index)));
    }
    log.apply(log.planSaveSnapshot(new StoredSnapshot("r", 9, 1009, bytes("rest")), true));

    List<Mutation> plan = log.planDeleteSnapshot("r", 9);

    List<byte[]> deleted = plan.stream().filter(Mutation::isDelete).map(Mutation::key).toList();
    for (int index = 0; index < 3; index++) {
      byte[] part = Keys.snapshotPart("r", 9, index);
      assertTrue(deleted.stream().anyMatch(key -> java.util.Arrays.equals(key, part)), "part " + index + " is deleted");
    }
    assertTrue(deleted.stream().anyMatch(key -> java.util.Arrays.equals(key, Keys.snapshotPartCount("r", 9))), "and the count");
  }

  @Test
  void partsWrittenBeforePartCountsExistedAreStillDeletedWithTheirSnapshot() {
    LevelDbEventLog log = store("a");
    // An earlier version wrote the parts without a count.
    for (int index = 0; index < 2; index++) {
      log.apply(log.planSaveSnapshotPart("r", 9, index, bytes("part " + index)).stream()
          .filter(m -> m.key()[0] != Keys.SNAPSHOT_PART_COUNT).toList());
    }
    log.apply(log.planSaveSnapshot(new StoredSnapshot("r", 9, 1009, bytes("rest")), true));
    assertEquals("part 0part 1rest", new String(log.latestSnapshot("r", SnapshotCriteria.latest()).orElseThrow().payload(), StandardCharsets.UTF_8));

    log.apply(log.planDeleteSnapshot("r", 9));

    assertEquals(List.of(), log.exportAll().stream().filter(m -> m.key()[0] == Keys.SNAPSHOT_PART).toList(), "no part left behind");
  }

  @Test
  void aNewStoreIsAtTheEmptyPositionAndWasNeverReplicated() {
    LevelDbEventLog log = store("a");

    assertEquals(StorePosition.EMPTY, log.position());
    assertFalse(log.wasReplicated());
  }

  @Test
  void plannedMutationsAndThePositionAreWrittenTogetherAndSurviveAReopen() {
    LevelDbEventLog log = store("a");
    List<Mutation> plan = new ArrayList<>(log.planAppend(List.of(entry("p", 1), entry("p", 2))));
    plan.addAll(log.planSaveSnapshot(snapshot("p", 2)));

    assertEquals(List.of(), payloads(log, "p"), "planning alone writes nothing");
    log.apply(plan, new StorePosition(3, 17));
    log.close();
    open.remove(log);

    LevelDbEventLog reopened = store("a");
    assertEquals(new StorePosition(3, 17), reopened.position());
    assertEquals(List.of("p#1", "p#2"), payloads(reopened, "p"));
    assertEquals(2, reopened.highestSequenceNr("p"));
    assertEquals(2, reopened.latestSnapshot("p", SnapshotCriteria.latest()).orElseThrow().sequenceNr());
  }

  @Test
  void aBatchThatFailsWritesNeitherItsMutationsNorThePosition() {
    LevelDbEventLog log = store("a");
    log.apply(log.planAppend(List.of(entry("p", 1))), new StorePosition(1, 1));
    // The second mutation cannot be written (no key): the whole batch, position included, must be dropped.
    List<Mutation> broken = List.of(log.planAppend(List.of(entry("p", 2))).get(0), Mutation.put(null, new byte[] {1}));

    assertThrows(RuntimeException.class, () -> log.apply(broken, new StorePosition(1, 2)));

    assertEquals(new StorePosition(1, 1), log.position());
    assertEquals(List.of("p#1"), payloads(log, "p"));
  }

  @Test
  void applyingNoMutationsMovesOnlyThePosition() {
    LevelDbEventLog log = store("a");
    log.apply(log.planAppend(List.of(entry("p", 1))), new StorePosition(1, 5));

    log.apply(List.of(), new StorePosition(2, 0)); // what a Fence does

    assertEquals(new StorePosition(2, 0), log.position());
    assertEquals(List.of("p#1"), payloads(log, "p"));
  }

  @Test
  void exportAllHoldsEveryKeyButThePosition() {
    LevelDbEventLog log = store("a");
    log.apply(log.planAppend(List.of(entry("p", 1), entry("p", 2), entry("q", 1))), new StorePosition(4, 9));
    log.apply(log.planSaveSnapshot(snapshot("p", 2)), new StorePosition(4, 10));
    log.apply(log.planDeleteTo("p", 1), new StorePosition(4, 11));

    List<Mutation> all = log.exportAll();

    assertTrue(all.stream().noneMatch(m -> Arrays.equals(m.key(), Keys.POSITION_KEY)), "the position is never copied");
    assertTrue(all.stream().noneMatch(Mutation::isDelete));
    assertEquals(List.of(Keys.JOURNAL, Keys.JOURNAL, Keys.SNAPSHOT, Keys.METADATA, Keys.SNAPSHOT_INFO),
        all.stream().map(m -> m.key()[0]).toList(), "p#2 and q#1, the snapshot, p's deleted-to mark, p's latest snapshot info; in key order");
  }

  @Test
  void replaceAllDropsTheOldContentAndInstallsTheNewAtItsPosition() {
    LevelDbEventLog source = store("source");
    source.apply(source.planAppend(List.of(entry("p", 1), entry("p", 2))), new StorePosition(2, 2));
    source.apply(source.planSaveSnapshot(snapshot("p", 2)), new StorePosition(2, 3));
    LevelDbEventLog target = store("target");
    target.apply(target.planAppend(List.of(entry("old", 1), entry("p", 1), entry("p", 2), entry("p", 3))), new StorePosition(1, 40));
    target.apply(target.planSaveSnapshot(snapshot("old", 1)), new StorePosition(1, 41));

    target.replaceAll(source.exportAll(), new StorePosition(2, 3));

    assertEquals(new StorePosition(2, 3), target.position());
    assertEquals(List.of(), payloads(target, "old"));
    assertEquals(Optional.empty(), target.latestSnapshot("old", SnapshotCriteria.latest()));
    assertEquals(List.of("p#1", "p#2"), payloads(target, "p"), "p#3 existed only in the replaced content");
    assertEquals(2, target.highestSequenceNr("p"));
    assertArrayEquals(snapshot("p", 2).payload(), target.latestSnapshot("p", SnapshotCriteria.latest()).orElseThrow().payload());
  }

  @Test
  void theReplicatedMarkerIsDurableAndTravelsWithACopy() {
    LevelDbEventLog log = store("a");
    log.apply(List.of(LevelDbEventLog.replicatedMarker()), new StorePosition(1, 1));
    log.close();
    open.remove(log);
    LevelDbEventLog reopened = store("a");
    assertTrue(reopened.wasReplicated());

    LevelDbEventLog copy = store("b");
    copy.replaceAll(reopened.exportAll(), reopened.position());
    assertTrue(copy.wasReplicated(), "the marker is part of the exported content");
  }

  @Test
  void aPlanBuiltOnOneStoreYieldsTheSameContentWhenAppliedToAnother() {
    LevelDbEventLog primary = store("primary");
    LevelDbEventLog backup = store("backup");
    List<Function<LevelDbEventLog, List<Mutation>>> writes = List.of(
        s -> s.planAppend(List.of(entry("reg", 1), entry("reg", 2), entry("reg", 3))),
        s -> s.planSaveSnapshot(snapshot("reg", 2)),
        s -> s.planAppend(List.of(entry("reg", 4), entry("other", 1))),
        s -> s.planSaveSnapshot(snapshot("reg", 4)),
        s -> s.planDeleteTo("reg", 2), // reads the store: which entries exist, the old mark
        s -> s.planDeleteSnapshots("reg", new SnapshotCriteria(3, Long.MAX_VALUE, 0, 0)),
        s -> s.planAppend(List.of(entry("reg", 5))),
        s -> s.planDeleteSnapshot("other", 7));

    long writeId = 0;
    for (Function<LevelDbEventLog, List<Mutation>> write : writes) {
      List<Mutation> plan = write.apply(primary); // planned on the primary only, as the leader does
      StorePosition position = new StorePosition(1, ++writeId);
      primary.apply(plan, position);
      backup.apply(plan, position);
    }

    assertEquals(primary.position(), backup.position());
    for (String id : List.of("reg", "other")) {
      assertEquals(payloads(primary, id), payloads(backup, id));
      assertEquals(primary.highestSequenceNr(id), backup.highestSequenceNr(id));
    }
    assertEquals(List.of("reg#3", "reg#4", "reg#5"), payloads(backup, "reg"));
    assertEquals(5, backup.highestSequenceNr("reg"));
    assertEquals(4, backup.latestSnapshot("reg", SnapshotCriteria.latest()).orElseThrow().sequenceNr());
    assertEquals(Optional.empty(), backup.latestSnapshot("reg", new SnapshotCriteria(3, Long.MAX_VALUE, 0, 0)));
    assertEquals(keysAndValues(primary.exportAll()), keysAndValues(backup.exportAll()));
  }

  private static List<String> keysAndValues(List<Mutation> mutations) {
    return mutations.stream().map(m -> Arrays.toString(m.key()) + "=" + Arrays.toString(m.value())).toList();
  }
}
