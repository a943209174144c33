package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import peerlink.storage.InSyncRecord;
import peerlink.storage.LastWrite;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.LogEntry;
import peerlink.storage.Mutation;
import peerlink.storage.SnapshotCriteria;
import peerlink.storage.SnapshotInfo;
import peerlink.storage.EpochStart;
import peerlink.storage.StoreHistory;
import peerlink.storage.StorePosition;
import peerlink.storage.StoredSnapshot;

/**
 * The replica: the only writer of a node's store. It applies a primary's writes in order, refuses older
 * epochs (the fence that stops a stale primary), and installs or hands out full copies. Each test runs
 * a real replica on a real LevelDB in a temporary directory; a probe stands in for the primary.
 */
@ExtendWith(LogCapturingExtension.class)
class ReplicaTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String NODE = "pekko://peerlink@127.0.0.1:9009";
  private static final String ID = "peerlink-registry";

  @TempDir
  Path dir;

  private final List<LevelDbEventLog> stores = new ArrayList<>();
  private final List<ActorRef<Replica.Command>> replicas = new ArrayList<>();
  private LevelDbEventLog store;
  private ActorRef<Replica.Command> replica;
  private TestProbe<ReplicaReply> primary;

  @BeforeEach
  void start() {
    store = open("replica");
    replica = spawn(store, NODE);
    primary = testKit.createTestProbe(ReplicaReply.class);
  }

  @AfterEach
  void stop() {
    replicas.forEach(testKit::stop); // before the stores close: a replica must never touch a closed store
    stores.forEach(LevelDbEventLog::close);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private LevelDbEventLog open(String name) {
    LevelDbEventLog log = LevelDbEventLog.open(dir.resolve(name));
    stores.add(log);
    return log;
  }

  private ActorRef<Replica.Command> spawn(LevelDbEventLog log, String node) {
    ActorRef<Replica.Command> ref = testKit.spawn(Replica.create(log, node));
    replicas.add(ref);
    return ref;
  }

  private static LogEntry entry(long seqNr) {
    return new LogEntry(ID, seqNr, ("event " + seqNr).getBytes(StandardCharsets.UTF_8));
  }

  private List<String> events(LevelDbEventLog log) {
    List<String> out = new ArrayList<>();
    log.replay(ID, 0, Long.MAX_VALUE, Long.MAX_VALUE, e -> out.add(new String(e.payload(), StandardCharsets.UTF_8)));
    return out;
  }

  private List<Mutation> append(long... seqNrs) {
    return store.planAppend(Arrays.stream(seqNrs).mapToObj(ReplicaTest::entry).toList());
  }

  private StorePosition fence(long epoch) {
    TestProbe<StorePosition> reply = testKit.createTestProbe(StorePosition.class);
    replica.tell(new Replica.Fence(epoch, null, reply.getRef()));
    return reply.receiveMessage();
  }

  /** The lineage of the replica's store (null until its first fence): what its primary's writes carry. */
  private String lineage() {
    return store.history().lineage();
  }

  private ReplicaReply replicate(long epoch, long writeId, List<Mutation> mutations) {
    replica.tell(new Replica.Replicate(epoch, writeId, 0, 1, wire(mutations), lineage(), primary.getRef()));
    return primary.receiveMessage();
  }

  /** The mutations as one part on the wire. */
  private static byte[] wire(List<Mutation> mutations) {
    return WireMutations.split(mutations, Integer.MAX_VALUE).get(0);
  }

  // ---- the write path

  @Test
  void theNextWriteOfTheEpochIsAppliedWithItsPositionAndAcknowledged() {
    fence(1);

    assertEquals(new ReplicaReply.Acked(NODE, 1, 1), replicate(1, 1, append(1, 2)));
    assertEquals(new ReplicaReply.Acked(NODE, 1, 2), replicate(1, 2, append(3)));

    assertEquals(new StorePosition(1, 2), store.position());
    assertEquals(List.of("event 1", "event 2", "event 3"), events(store));
  }

  @Test
  void aResentWriteIsAcknowledgedAgainWithoutBeingAppliedTwice() {
    fence(1);
    replicate(1, 1, append(1));
    replicate(1, 2, append(2));

    // A resend carrying different content shows whether the replica touched its store again.
    ReplicaReply reply = replicate(1, 1, List.of(Mutation.delete(append(1).get(0).key())));

    assertEquals(new ReplicaReply.Acked(NODE, 1, 1), reply);
    assertEquals(new StorePosition(1, 2), store.position(), "the position does not move back");
    assertEquals(List.of("event 1", "event 2"), events(store));
  }

  @Test
  void aWriteInSeveralPartsIsAppliedOnceWhenItsLastPartArrivesInWhateverOrder() {
    fence(1);
    List<byte[]> parts = WireMutations.split(append(1, 2, 3), 20);
    assertTrue(parts.size() >= 3, "the write needs several parts: " + parts.size());

    for (int part = parts.size() - 1; part >= 1; part--) {
      replica.tell(new Replica.Replicate(1, 1, part, parts.size(), parts.get(part), lineage(), primary.getRef()));
    }
    replica.tell(new Replica.Replicate(1, 1, 1, parts.size(), parts.get(1), lineage(), primary.getRef())); // a resent part
    // Nothing is applied or acknowledged while a part is missing: a fence round trip shows the parts were handled.
    assertEquals(new StorePosition(1, 0), fence(1));
    assertEquals(List.of(), events(store));
    primary.expectNoMessage(java.time.Duration.ofMillis(100));

    replica.tell(new Replica.Replicate(1, 1, 0, parts.size(), parts.get(0), lineage(), primary.getRef()));

    assertEquals(new ReplicaReply.Acked(NODE, 1, 1), primary.receiveMessage());
    assertEquals(List.of("event 1", "event 2", "event 3"), events(store));
    assertEquals(new StorePosition(1, 1), store.position());
  }

  @Test
  void partsOfAnAbandonedWriteAreNotMixedIntoTheNextEpochsWrite() {
    fence(1);
    List<byte[]> stale = WireMutations.split(append(1, 2), 20);
    replica.tell(new Replica.Replicate(1, 1, 0, stale.size(), stale.get(0), lineage(), primary.getRef()));
    fence(2); // the old primary died mid-write; the new one starts epoch 2

    List<byte[]> fresh = WireMutations.split(append(7, 8), 20);
    for (int part = 0; part < fresh.size(); part++) {
      replica.tell(new Replica.Replicate(2, 1, part, fresh.size(), fresh.get(part), lineage(), primary.getRef()));
    }

    assertEquals(new ReplicaReply.Acked(NODE, 2, 1), primary.receiveMessage());
    assertEquals(List.of("event 7", "event 8"), events(store));
  }

  @Test
  void mutationsSurviveBeingCutIntoPartsOfAnySize() {
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 3);
    List<Mutation> mutations = List.of(
        Mutation.put(new byte[] {1}, big), Mutation.delete(new byte[] {2}), Mutation.put(new byte[] {3}, new byte[0]));
    for (int partBytes : new int[] {1, 7, 4096, 1 << 20}) {
      List<byte[]> parts = WireMutations.split(mutations, partBytes);
      assertTrue(parts.stream().allMatch(p -> p.length <= partBytes), "parts of at most " + partBytes);
      List<Mutation> back = WireMutations.join(parts);
      assertEquals(keysAndValues(mutations), keysAndValues(back));
      assertNull(back.get(1).value(), "a delete stays a delete");
    }
    assertEquals(List.of(), WireMutations.join(WireMutations.split(List.of(), 16)));
  }

  @Test
  void aGapInTheWritesIsAnsweredWithOutOfSyncAndTheReplicasPosition() {
    fence(1);
    replicate(1, 1, append(1));

    assertEquals(new ReplicaReply.OutOfSync(NODE, new StorePosition(1, 1)), replicate(1, 3, append(3)));

    assertEquals(new StorePosition(1, 1), store.position());
    assertEquals(List.of("event 1"), events(store));
  }

  @Test
  void aWriteFromAnOlderEpochIsRefusedWithTheNewerEpoch() {
    fence(3);

    assertEquals(new ReplicaReply.Refused(NODE, 3), replicate(2, 1, append(1)));

    assertEquals(new StorePosition(3, 0), store.position());
    assertEquals(List.of(), events(store));
  }

  @Test
  void aWriteOfANewerEpochNeedsACopyFirst() {
    fence(1);
    replicate(1, 1, append(1));

    // A new primary's first write: the replica cannot know what the new epoch started from.
    assertEquals(new ReplicaReply.OutOfSync(NODE, new StorePosition(1, 1)), replicate(2, 1, append(2)));

    assertEquals(new StorePosition(1, 1), store.position());
    assertEquals(List.of("event 1"), events(store));
  }

  @Test
  void aFenceRaisesTheEpochAndFromThenOnTheOldPrimarysWritesAreRefused() {
    fence(1);
    replicate(1, 1, append(1));

    assertEquals(new StorePosition(2, 0), fence(2), "a promotion starts epoch 2 here");
    assertEquals(new StorePosition(2, 0), store.position(), "durably, before the new primary replays");

    // The stale primary of epoch 1 carries on: its next write and a resend of an acknowledged one.
    assertEquals(new ReplicaReply.Refused(NODE, 2), replicate(1, 2, append(2)));
    assertEquals(new ReplicaReply.Refused(NODE, 2), replicate(1, 1, append(1)));
    assertEquals(List.of("event 1"), events(store));
    // The new primary's writes go on from the fenced position.
    assertEquals(new ReplicaReply.Acked(NODE, 2, 1), replicate(2, 1, append(2)));
  }

  @Test
  void aFenceWithAnEpochThatIsNotNewerChangesNothing() {
    fence(3);
    replicate(3, 1, append(1));

    assertEquals(new StorePosition(3, 1), fence(2));
    assertEquals(new StorePosition(3, 1), fence(3));
    assertEquals(new StorePosition(3, 1), store.position());
  }

  // ---- catch-up copies

  @Test
  void copyChunksInstallTheWholeContentAtOnceAtTheirPosition() {
    fence(1);
    replicate(1, 1, store.planAppend(List.of(new LogEntry("stale", 1, new byte[] {9}))));
    LevelDbEventLog source = open("source");
    source.apply(source.planAppend(List.of(entry(5), entry(6))), new StorePosition(4, 9));
    source.apply(source.planSaveSnapshot(new StoredSnapshot(ID, 4, 1234, new byte[] {4, 4})), new StorePosition(4, 10));
    List<Mutation> content = source.exportAll();
    assertEquals(4, content.size(), "two events, the snapshot and its info");

    replica.tell(new Replica.CopyChunk(4, 10, 0, false, wire(content.subList(0, 1)), StoreHistory.NONE, "source", primary.getRef()));
    replica.tell(new Replica.CopyChunk(4, 10, 1, false, wire(content.subList(1, 2)), StoreHistory.NONE, "source", primary.getRef()));
    // Nothing is installed before the last chunk: a fence round trip shows the chunks were handled.
    assertEquals(new StorePosition(1, 1), fence(1));
    assertEquals(List.of(), events(store));
    replica.tell(new Replica.CopyChunk(4, 10, 2, true, wire(content.subList(2, 4)), StoreHistory.NONE, "source", primary.getRef()));

    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(4, 10), store.storeId(), "source"), primary.receiveMessage());
    assertEquals(new StorePosition(4, 10), store.position());
    assertEquals(List.of("event 5", "event 6"), events(store));
    assertEquals(6, store.highestSequenceNr(ID));
    StoredSnapshot snapshot = store.latestSnapshot(ID, SnapshotCriteria.latest()).orElseThrow();
    assertEquals(4, snapshot.sequenceNr());
    assertEquals(1234, snapshot.timestamp());
    assertArrayEquals(new byte[] {4, 4}, snapshot.payload());
    assertEquals(Optional.of(new SnapshotInfo(4, 1234)), store.latestSnapshotInfo(ID));
    List<String> stale = new ArrayList<>();
    store.replay("stale", 0, Long.MAX_VALUE, Long.MAX_VALUE, e -> stale.add("x"));
    assertEquals(List.of(), stale, "what the replica had before the copy is gone");
    // Writes of the copy's epoch follow on from the copy's position.
    assertEquals(new ReplicaReply.Acked(NODE, 4, 11), replicate(4, 11, append(7)));
  }

  @Test
  void aCopyFromAnOlderEpochIsRefused() {
    fence(3);
    replicate(3, 1, append(1));

    replica.tell(new Replica.CopyChunk(2, 50, 0, true, wire(List.of()), StoreHistory.NONE, "source", primary.getRef()));

    assertEquals(new ReplicaReply.Refused(NODE, 3), primary.receiveMessage());
    assertEquals(new StorePosition(3, 1), store.position());
    assertEquals(List.of("event 1"), events(store));
  }

  @Test
  void aCopyWithAMissingChunkIsNeverInstalled() {
    fence(1);
    replicate(1, 1, append(1));

    // Chunk 1 of the copy was lost on the way (e.g. dropped as an oversized frame).
    replica.tell(new Replica.CopyChunk(2, 5, 0, false, wire(append(10)), StoreHistory.NONE, "source", primary.getRef()));
    replica.tell(new Replica.CopyChunk(2, 5, 2, true, wire(append(12)), StoreHistory.NONE, "source", primary.getRef()));

    assertEquals(new ReplicaReply.OutOfSync(NODE, new StorePosition(1, 1)), primary.receiveMessage());
    assertEquals(new StorePosition(1, 1), store.position());
    assertEquals(List.of("event 1"), events(store));
  }

  @Test
  void chunksOfTwoInterleavedCopiesAreNotMixed() {
    fence(1);
    TestProbe<ReplicaReply> other = testKit.createTestProbe(ReplicaReply.class);

    replica.tell(new Replica.CopyChunk(2, 5, 0, false, wire(append(10)), StoreHistory.NONE, "source", primary.getRef()));
    replica.tell(new Replica.CopyChunk(3, 7, 0, false, wire(append(20)), StoreHistory.NONE, "source", other.getRef()));
    replica.tell(new Replica.CopyChunk(2, 5, 1, true, wire(append(11)), StoreHistory.NONE, "source", primary.getRef()));
    replica.tell(new Replica.CopyChunk(3, 7, 1, true, wire(append(21)), StoreHistory.NONE, "source", other.getRef()));

    // The copy of epoch 3 started last and is complete; the other one must not leak into it.
    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(3, 7), store.storeId(), "source"), other.receiveMessage());
    assertEquals(List.of("event 20", "event 21"), events(store));
    assertEquals(new StorePosition(3, 7), store.position());
  }

  @Test
  void anInstalledCopyCountsAsReplicatedEvenIfItsSourceHadNoOtherCopyYet() {
    // The source is a primary that never had an in-sync backup (no rm so far): its store has no marker.
    LevelDbEventLog source = open("source");
    source.apply(source.planAppend(List.of(entry(1))), new StorePosition(1, 1));
    assertFalse(source.wasReplicated());

    replica.tell(new Replica.CopyChunk(1, 1, 0, true, wire(source.exportAll()), StoreHistory.NONE, "source", primary.getRef()));
    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(1, 1), store.storeId(), "source"), primary.receiveMessage());

    // A copy is by definition not the only one: it must never start as primary alone, without the rm.
    assertTrue(store.wasReplicated());
  }

  @Test
  void provideCopySendsChunksThatAnotherReplicaInstallsCompletely() {
    String sourceNode = "pekko://peerlink@127.0.0.1:9008";
    LevelDbEventLog sourceStore = open("source");
    ActorRef<Replica.Command> source = spawn(sourceStore, sourceNode);
    byte[] big = new byte[300 * 1024];
    Arrays.fill(big, (byte) 7);
    List<LogEntry> entries = List.of(
        new LogEntry(ID, 1, big), new LogEntry(ID, 2, big), new LogEntry(ID, 3, big), entry(4));
    sourceStore.apply(sourceStore.planAppend(entries), new StorePosition(6, 42));
    sourceStore.apply(List.of(LevelDbEventLog.replicatedMarker()), new StorePosition(6, 43));
    TestProbe<Replica.Command> wire = testKit.createTestProbe(Replica.Command.class);

    source.tell(new Replica.ProvideCopy(wire.getRef(), primary.getRef()));

    // About 900 KiB in chunks of about 512 KiB: numbered from 0, only the last one says so.
    List<Replica.CopyChunk> chunks = new ArrayList<>();
    do {
      chunks.add((Replica.CopyChunk) wire.receiveMessage());
    } while (!chunks.get(chunks.size() - 1).last());
    assertEquals(2, chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      assertEquals(i, chunks.get(i).index());
      assertEquals(6, chunks.get(i).epoch());
      assertEquals(43, chunks.get(i).writeId());
    }
    chunks.forEach(replica::tell);

    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(6, 43), store.storeId(), sourceStore.storeId()), primary.receiveMessage());
    assertEquals(new StorePosition(6, 43), store.position());
    assertEquals(keysAndValues(sourceStore.exportAll()), keysAndValues(store.exportAll()));
    assertEquals(4, store.highestSequenceNr(ID));
    assertTrue(store.wasReplicated());
  }

  // ---- a copy never goes backwards (issue 19)

  /** A store at (epoch, write) with acknowledged writes: fenced at {@code epoch}, then {@code writes} writes applied. */
  private void holdAcknowledgedWrites(long epoch, int writes) {
    fence(epoch);
    for (int w = 1; w <= writes; w++) {
      assertEquals(new ReplicaReply.Acked(NODE, epoch, w), replicate(epoch, w, append(w)));
    }
    assertTrue(store.holdsAcknowledgedWrites(), "write " + (writes - 1) + " was completed before write " + writes + " was sent");
  }

  private ReplicaReply installCopy(LevelDbEventLog source) {
    StorePosition at = source.position();
    replica.tell(new Replica.CopyChunk(at.epoch(), at.writeId(), 0, true, wire(source.exportAll()), source.history(), source.storeId(), primary.getRef()));
    return primary.receiveMessage();
  }

  @Test
  void aStoreWithAcknowledgedWritesRefusesACopyOfAnEmptyStoreStartedAnew() {
    holdAcknowledgedWrites(3, 5);
    // A node whose store was wiped started a new history alone, at a higher epoch than ours.
    LevelDbEventLog wiped = open("wiped");
    wiped.fence(9, "another-lineage");

    ReplicaReply reply = installCopy(wiped);

    assertTrue(reply instanceof ReplicaReply.Diverged, "refused: " + reply);
    assertTrue(((ReplicaReply.Diverged) reply).reason().contains("acknowledged writes"), reply.toString());
    assertEquals(new StorePosition(3, 5), store.position(), "the store stays as it is");
    assertEquals(List.of("event 1", "event 2", "event 3", "event 4", "event 5"), events(store));
  }

  @Test
  void aStoreWithAcknowledgedWritesRefusesACopyOfItsOwnHistoryThatLacksSomeOfThem() {
    holdAcknowledgedWrites(3, 5);
    // An older copy of the same history: it went on to epoch 4 from write 2 of epoch 3 (a restored backup).
    LevelDbEventLog older = open("older");
    older.installCopy(List.of(), new StorePosition(3, 2), store.history());
    older.fence(4, null);

    ReplicaReply reply = installCopy(older);

    assertTrue(reply instanceof ReplicaReply.Diverged d && d.reason().contains("lacks writes"), "refused: " + reply);
    assertEquals(new StorePosition(3, 5), store.position());
  }

  @Test
  void aCopyOfANewEpochThatWentOnFromTheAcknowledgedWritesIsInstalled() {
    holdAcknowledgedWrites(3, 5); // writes 1-4 of epoch 3 acknowledged; write 5 perhaps not
    // The new primary had write 4 of epoch 3 but not write 5 when it was promoted: write 5 was never acknowledged.
    LevelDbEventLog newPrimary = open("new-primary");
    newPrimary.installCopy(store.exportAll(), new StorePosition(3, 4), store.history());
    newPrimary.fence(4, null);
    newPrimary.apply(newPrimary.planAppend(List.of(entry(40))), new StorePosition(4, 1));

    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(4, 1), store.storeId(), newPrimary.storeId()), installCopy(newPrimary));
    assertEquals(new StorePosition(4, 1), store.position());
    assertEquals(newPrimary.history(), store.history(), "the copy's history comes with it");
  }

  // ---- continuing without a copy (after a failover or a whole-cluster restart)

  /**
   * A new primary promoted at {@code epoch}: a copy of this replica's store at {@code at}, which then applied
   * the writes of {@code at}'s epoch that follow it, one event each ({@code laterEvents}), as the old primary's.
   */
  private LevelDbEventLog promotedFrom(StorePosition at, long epoch, long... laterEvents) {
    LevelDbEventLog newPrimary = open("new-primary-" + epoch);
    newPrimary.installCopy(store.exportAll(), at, store.history());
    for (int i = 0; i < laterEvents.length; i++) {
      newPrimary.apply(newPrimary.planAppend(List.of(entry(laterEvents[i]))), new StorePosition(at.epoch(), at.writeId() + 1 + i));
    }
    newPrimary.fence(epoch, null, new InSyncRecord(epoch, List.of(new InSyncRecord.Member(newPrimary.storeId(), "p"))));
    return newPrimary;
  }

  private ReplicaReply offerToContinue(LevelDbEventLog newPrimary) {
    StoreHistory history = newPrimary.history();
    StorePosition from = history.epochs().get(history.epochs().size() - 1).from();
    LastWrite last = newPrimary.lastWrite();
    byte[] lastWrite = last != null && last.position().equals(from) ? wire(last.mutations()) : null;
    replica.tell(new Replica.Continue(newPrimary.position().epoch(), from, history, newPrimary.inSyncRecord(), lastWrite, newPrimary.storeId(),
        primary.getRef()));
    return primary.receiveMessage();
  }

  @Test
  void aStoreStandingWhereTheNewPrimaryWasPromotedContinuesWithoutACopyAndTakesItsWrites() {
    holdAcknowledgedWrites(3, 5);
    LevelDbEventLog newPrimary = promotedFrom(new StorePosition(3, 5), 4);

    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(4, 0), store.storeId(), newPrimary.storeId()), offerToContinue(newPrimary));

    assertEquals(new StorePosition(4, 0), store.position());
    assertEquals(newPrimary.history(), store.history(), "the primary's history, with epoch 4 begun at (3, 5)");
    assertEquals(newPrimary.inSyncRecord(), store.inSyncRecord(), "the in-sync record a copy would have brought");
    assertTrue(store.wasReplicated());
    assertEquals(List.of("event 1", "event 2", "event 3", "event 4", "event 5"), events(store), "nothing copied, nothing lost");
    assertEquals(new ReplicaReply.Acked(NODE, 4, 1), replicate(4, 1, append(6)));
    assertEquals(new ReplicaReply.Refused(NODE, 4), replicate(3, 6, append(99)), "the old primary's next write is refused: fenced");
    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(4, 1), store.storeId(), newPrimary.storeId()), offerToContinue(newPrimary),
        "an offer sent again is answered with where the store is, without going back");
    assertEquals(new StorePosition(4, 1), store.position());
  }

  @Test
  void aStoreOneWriteBehindTheNewPrimarysStartContinuesWithThatWriteFromTheOffer() {
    holdAcknowledgedWrites(3, 4);
    // The old primary stopped with write 5 in flight: the node promoted next had applied it, this store had not.
    LevelDbEventLog newPrimary = promotedFrom(new StorePosition(3, 4), 4, 5);

    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(4, 0), store.storeId(), newPrimary.storeId()), offerToContinue(newPrimary));

    assertEquals(List.of("event 1", "event 2", "event 3", "event 4", "event 5"), events(store), "write 5 came with the offer");
    assertEquals(new StorePosition(4, 0), store.position());
    assertEquals(newPrimary.history(), store.history());
    assertEquals(new StorePosition(3, 5), store.lastWrite().position(), "and is this store's last write now, to hand on in turn");
    assertEquals(new ReplicaReply.Acked(NODE, 4, 1), replicate(4, 1, append(6)));
  }

  @Test
  void aStoreTwoWritesBehindNeedsAFullCopy() {
    holdAcknowledgedWrites(3, 3);
    LevelDbEventLog newPrimary = promotedFrom(new StorePosition(3, 3), 4, 4, 5);

    assertEquals(new ReplicaReply.OutOfSync(NODE, new StorePosition(3, 3)), offerToContinue(newPrimary));
    assertEquals(List.of("event 1", "event 2", "event 3"), events(store), "nothing applied");
  }

  @Test
  void aStoreAheadOfTheNewPrimarysStartNeedsAFullCopy() {
    holdAcknowledgedWrites(3, 5);
    // The new primary had write 4 of epoch 3 but not write 5, which this store took: never acknowledged, and not in its history.
    LevelDbEventLog newPrimary = promotedFrom(new StorePosition(3, 4), 4);

    assertEquals(new ReplicaReply.OutOfSync(NODE, new StorePosition(3, 5)), offerToContinue(newPrimary));
    assertEquals(new StorePosition(3, 5), store.position(), "nothing changed");
    assertEquals(List.of("event 1", "event 2", "event 3", "event 4", "event 5"), events(store));
  }

  @Test
  void aStoreOfAnotherHistoryAtTheSameNumbersDoesNotContinue() {
    holdAcknowledgedWrites(3, 5);
    LevelDbEventLog other = open("other");
    other.fence(3, "another-lineage");
    for (int w = 1; w <= 5; w++) {
      other.apply(other.planAppend(List.of(entry(100 + w))), new StorePosition(3, w));
    }
    other.fence(4, null);

    assertEquals(new ReplicaReply.OutOfSync(NODE, new StorePosition(3, 5)), offerToContinue(other));
    assertEquals(new StorePosition(3, 5), store.position());
  }

  @Test
  void aWriteOfAnotherHistoryIsNeverAcknowledgedEvenWhenItsNumbersLookLikeAResend() {
    holdAcknowledgedWrites(1, 3);

    replica.tell(new Replica.Replicate(1, 2, 0, 1, wire(append(99)), "another-lineage", primary.getRef()));

    assertTrue(primary.receiveMessage() instanceof ReplicaReply.Diverged, "not an Acked: write 2 of epoch 1 of another history is not ours");
    assertEquals(List.of("event 1", "event 2", "event 3"), events(store));
  }

  @Test
  void theStoreKeepsItsOwnIdWhenItInstallsACopy() {
    String id = store.storeId();
    LevelDbEventLog source = open("source");
    source.fence(2, "L");

    installCopy(source);

    assertEquals(id, store.storeId());
    assertEquals("L", store.history().lineage());
  }

  // ---- the wire format

  @Test
  void replicationMessagesSurviveTheConfiguredSerializer() {
    TestProbe<StorePosition> positions = testKit.createTestProbe(StorePosition.class);
    List<Mutation> mutations = List.of(Mutation.put(new byte[] {1, 2}, new byte[] {3}), Mutation.delete(new byte[] {4}));

    StoreHistory history = new StoreHistory("L", List.of(new EpochStart(2, new StorePosition(1, 5))));
    Replica.Replicate replicate = roundTrip(new Replica.Replicate(2, 3, 0, 1, wire(mutations), "L", primary.getRef()));
    Replica.CopyChunk chunk = roundTrip(new Replica.CopyChunk(2, 3, 1, true, wire(mutations), history, "source", primary.getRef()));
    assertEquals("L", replicate.lineage());
    assertEquals(history, chunk.history());
    assertEquals(new ReplicaReply.Diverged(NODE, "s", "why"), roundTrip(new ReplicaReply.Diverged(NODE, "s", "why")));
    assertEquals(new ReplicaReply.CopyApplied(NODE, new StorePosition(1, 2), "s", "t"), roundTrip(new ReplicaReply.CopyApplied(NODE, new StorePosition(1, 2), "s", "t")));

    assertEquals(2, replicate.epoch());
    assertEquals(3, replicate.writeId());
    assertEquals(primary.getRef(), replicate.replyTo());
    List<Mutation> received = WireMutations.join(List.of(replicate.data()));
    assertEquals(keysAndValues(mutations), keysAndValues(received));
    assertNull(received.get(1).value(), "a delete stays a delete");
    assertEquals(keysAndValues(mutations), keysAndValues(WireMutations.join(List.of(chunk.content()))));
    assertTrue(chunk.last());
    // A fence is local only: it has no wire form, so no other node can send one (ReplicaSenderTest).
    assertThrows(java.io.NotSerializableException.class,
        () -> org.apache.pekko.serialization.SerializationExtension.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(testKit.system()))
            .findSerializerFor(new Replica.Fence(4, "L", positions.getRef())));
    assertEquals(new ReplicaReply.OutOfSync(NODE, new StorePosition(1, 2)), roundTrip(new ReplicaReply.OutOfSync(NODE, new StorePosition(1, 2))));
    assertEquals(new ReplicaReply.Refused(NODE, 5), roundTrip(new ReplicaReply.Refused(NODE, 5)));
    InSyncRecord inSync = new InSyncRecord(2, List.of(new InSyncRecord.Member("s", NODE)));
    Replica.Continue offer = roundTrip(new Replica.Continue(2, new StorePosition(1, 5), history, inSync, wire(mutations), "source", primary.getRef()));
    assertEquals(List.of(history, inSync, new StorePosition(1, 5)), List.of(offer.history(), offer.inSync(), offer.from()));
    assertEquals(keysAndValues(mutations), keysAndValues(WireMutations.join(List.of(offer.lastWrite()))));
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T message) {
    return (T) testKit.serializationTestKit().verifySerialization(message, false);
  }

  private static List<String> keysAndValues(List<Mutation> mutations) {
    return mutations.stream().map(m -> Arrays.toString(m.key()) + "=" + Arrays.toString(m.value())).toList();
  }
}
