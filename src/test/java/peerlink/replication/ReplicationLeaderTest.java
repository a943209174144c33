package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.FishingOutcome;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.LogEntry;
import peerlink.storage.PieceRefs;
import peerlink.storage.SnapshotCriteria;
import peerlink.storage.StorePosition;
import peerlink.storage.StoredSnapshot;

/**
 * The replication leader on a one-node cluster (the node joins itself; it binds a loopback port but
 * talks to nobody). Two such nodes: one with role {@code router} only, where the rm is not up, and one
 * with roles {@code router} and {@code rm}, where a probe stands in for the rm singleton. The local
 * replica is either a real {@link Replica} on a real LevelDB or a probe that answers as the test says.
 *
 * <p>Not covered here, because they need a second router node: copies to backups, learners joining the
 * in-sync set, shrinking the set when a backup is removed (the end-to-end tests exercise those; their
 * rules are tested without actors in {@link MembershipTest} and {@link CatchUpCopiesTest}).
 */
@ExtendWith(LogCapturingExtension.class)
class ReplicationLeaderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ID = "peerlink-registry";
  private static final String OTHER = "pekko://peerlink@127.0.0.1:1";

  private static final ActorTestKit alone = ClusterTestKit.alone("leader-alone", "\"router\"");
  private static final ActorTestKit withRm = ClusterTestKit.alone("leader-with-rm", "\"router\", \"rm\"");

  @TempDir
  Path dir;

  private final List<ActorRef<?>> started = new ArrayList<>();
  private ActorTestKit kit;
  private LevelDbEventLog store;
  private TestProbe<RmCommand> rm;

  /** A cluster node that has joined itself, with the given roles. */


  @AfterEach
  void stop() {
    started.forEach(kit::stop); // leader and replica first: neither may touch a closed store
    if (store != null) {
      store.close();
    }
  }

  @AfterAll
  static void shutdown() {
    alone.shutdownTestKit();
    withRm.shutdownTestKit();
  }

  private String self() {
    return Cluster.get(kit.system()).selfMember().address().toString();
  }

  private <T> ActorRef<T> start(org.apache.pekko.actor.typed.Behavior<T> behavior) {
    ActorRef<T> ref = kit.spawn(behavior);
    started.add(0, ref);
    return ref;
  }

  /** A leader on {@code node} with a real replica on a fresh store. */
  private ActorRef<ReplicationLeader.Command> leaderWithRealReplica(ActorTestKit node) {
    kit = node;
    store = LevelDbEventLog.open(dir.resolve("store"));
    rm = kit.createTestProbe(RmCommand.class);
    ActorRef<Replica.Command> replica = start(Replica.create(store, self()));
    return start(ReplicationLeader.create(store, replica, rm.getRef()));
  }

  /** A leader on {@code node} whose local replica is {@code replica}, a probe. */
  private ActorRef<ReplicationLeader.Command> leaderWithReplicaProbe(ActorTestKit node, TestProbe<Replica.Command> replica) {
    kit = node;
    store = LevelDbEventLog.open(dir.resolve("store"));
    rm = kit.createTestProbe(RmCommand.class);
    return start(ReplicationLeader.create(store, replica.getRef(), rm.getRef()));
  }

  private static CompletableFuture<Void> ensurePrimary(ActorRef<ReplicationLeader.Command> leader) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    leader.tell(new ReplicationLeader.EnsurePrimary(done));
    return done;
  }

  private static CompletableFuture<Void> write(ActorRef<ReplicationLeader.Command> leader, long seqNr) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    leader.tell(new ReplicationLeader.Write(s -> s.planAppend(List.of(entry(seqNr))), done));
    return done;
  }

  private static LogEntry entry(long seqNr) {
    return new LogEntry(ID, seqNr, ("event " + seqNr).getBytes(StandardCharsets.UTF_8));
  }

  /** A replicated log on a leader that became the primary of epoch 1, with {@code replica} as its own replica. */
  private ReplicatedEventLog primaryLog(TestProbe<Replica.Command> replica) throws Exception {
    ActorRef<ReplicationLeader.Command> leader = leaderWithReplicaProbe(alone, replica);
    becomePrimaryThroughFence(leader, replica, 1);
    return new ReplicatedEventLog(store, leader, WAIT);
  }

  private static void await(CompletableFuture<Void> done) throws Exception {
    done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String failure(CompletableFuture<Void> done) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    return e.getCause().getMessage();
  }

  private List<String> events() {
    List<String> out = new ArrayList<>();
    store.replay(ID, 0, Long.MAX_VALUE, Long.MAX_VALUE, e -> out.add(new String(e.payload(), StandardCharsets.UTF_8)));
    return out;
  }

  /** The next message of {@code type} (the leader resends in-flight writes every second, so repeats are skipped). */
  @SuppressWarnings("unchecked")
  private static <M, T extends M> T next(TestProbe<M> probe, Class<T> type, java.util.function.Predicate<T> which) {
    List<M> seen = probe.fishForMessage(WAIT, m -> type.isInstance(m) && which.test((T) m)
        ? FishingOutcomes.complete() : (FishingOutcome) FishingOutcomes.continueAndIgnore());
    return (T) seen.get(seen.size() - 1);
  }

  /** Makes a leader whose local replica is a probe the primary of {@code epoch}, as if the fence went through. */
  private static void becomePrimaryThroughFence(
      ActorRef<ReplicationLeader.Command> leader, TestProbe<Replica.Command> replica, long epoch) throws Exception {
    CompletableFuture<Void> primary = ensurePrimary(leader);
    Replica.Fence fence = next(replica, Replica.Fence.class, f -> true);
    assertEquals(epoch, fence.epoch());
    assertFalse(primary.isDone(), "not the primary before its own store is fenced");
    fence.replyTo().tell(new StorePosition(epoch, 0));
    await(primary);
  }

  // ---- starting alone: no rm in the cluster

  /**
   * Issue 19: a node whose store was lost must not start a new history before the rm (or another router
   * node) had a chance to appear and say where the data is. A new store waits, saying why; then starts alone.
   */
  @Test
  void aNewStoreWithNoRmWaitsBeforeItStartsANewDeploymentAlone() throws Exception {
    ActorTestKit patient = ActorTestKit.create("patient", ConfigFactory.parseString(
        "peerlink.replication.fresh-store-alone-after = 3s").withFallback(alone.system().settings().config()));
    try {
      kit = patient;
      store = LevelDbEventLog.open(dir.resolve("store"));
      rm = kit.createTestProbe(RmCommand.class);
      ActorRef<Replica.Command> replica = kit.spawn(Replica.create(store, "pekko://patient@127.0.0.1:1"));
      ActorRef<ReplicationLeader.Command> leader = kit.spawn(ReplicationLeader.create(store, replica, rm.getRef()));
      long startedAt = System.nanoTime();

      String why = failure(ensurePrimary(leader));
      assertTrue(why.contains("this store is new (empty): waiting up to 3 s for the replication manager"), why);
      assertEquals(StorePosition.EMPTY, store.position());

      // The registry's backoff asks again; once the node has been alone long enough it starts.
      CompletableFuture<Void> later;
      do {
        later = ensurePrimary(leader);
        try {
          await(later);
        } catch (ExecutionException stillWaiting) {
          assertTrue(System.nanoTime() - startedAt < WAIT.toNanos(), "still waiting after " + WAIT);
          Thread.sleep(200); // the registry's backoff, here by hand
          continue;
        }
        break;
      } while (true);
      assertTrue(System.nanoTime() - startedAt >= Duration.ofSeconds(3).toNanos(), "not before the wait is over");
      assertEquals(new StorePosition(1, 0), store.position());
      assertTrue(store.history().lineage() != null, "a new history");
      kit.stop(leader);
      kit.stop(replica);
    } finally {
      patient.shutdownTestKit();
    }
  }

  @Test
  void withoutTheRmANeverReplicatedStoreMakesItselfPrimaryAndItsWritesLandInTheStore() throws Exception {
    ActorRef<ReplicationLeader.Command> leader = leaderWithRealReplica(alone);

    await(ensurePrimary(leader));
    assertEquals(new StorePosition(1, 0), store.position(), "epoch 1 is fenced into the store before it serves");

    await(write(leader, 1));
    await(write(leader, 2));
    assertEquals(List.of("event 1", "event 2"), events());
    assertEquals(new StorePosition(1, 2), store.position());
    await(ensurePrimary(leader)); // a registry restart on the primary: nothing changes
    assertEquals(new StorePosition(1, 2), store.position());
  }

  @Test
  void withoutTheRmAStoreThatWasReplicatedWaitsAndSaysWhy() {
    kit = alone;
    store = LevelDbEventLog.open(dir.resolve("store"));
    store.apply(List.of(LevelDbEventLog.replicatedMarker()), new StorePosition(3, 7));
    rm = kit.createTestProbe(RmCommand.class);
    ActorRef<Replica.Command> replica = start(Replica.create(store, self()));
    ActorRef<ReplicationLeader.Command> leader = start(ReplicationLeader.create(store, replica, rm.getRef()));

    String why = failure(ensurePrimary(leader));

    assertTrue(why.contains("waiting for the replication manager"), why);
    assertEquals(new StorePosition(3, 7), store.position(), "no epoch was started");
    assertTrue(failure(write(leader, 1)).contains("not the primary"));
  }

  @Test
  void aWriteToANodeThatIsNotThePrimaryFails() {
    ActorRef<ReplicationLeader.Command> leader = leaderWithRealReplica(alone);

    assertEquals("this node is not the primary", failure(write(leader, 1)));
    assertEquals(List.of(), events());
  }

  @Test
  void aWriteCompletesOnlyWhenTheReplicaHasAcknowledgedIt() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ActorRef<ReplicationLeader.Command> leader = leaderWithReplicaProbe(alone, replica);
    becomePrimaryThroughFence(leader, replica, 1);

    CompletableFuture<Void> first = write(leader, 1);
    CompletableFuture<Void> second = write(leader, 2);
    Replica.Replicate replicate = next(replica, Replica.Replicate.class, r -> r.writeId() == 1);

    assertEquals(1, replicate.epoch());
    assertEquals(1, replicate.parts());
    assertEquals(1, WireMutations.join(List.of(replicate.data())).size());
    assertFalse(first.isDone());
    replicate.replyTo().tell(new ReplicaReply.Acked(self(), 1, 1));
    await(first);
    Replica.Replicate next = next(replica, Replica.Replicate.class, r -> r.writeId() == 2);
    assertFalse(second.isDone());
    next.replyTo().tell(new ReplicaReply.Acked(self(), 1, 2));
    await(second);
  }

  @Test
  void aWriteBiggerThanOneMessageGoesOutInPartsAndLandsWhole() throws Exception {
    ActorRef<ReplicationLeader.Command> leader = leaderWithRealReplica(alone);
    await(ensurePrimary(leader));
    // A checkpoint of a big registry: one value of several parts' worth.
    byte[] snapshot = new byte[WireMutations.PART_BYTES * 5 / 2];
    new java.util.Random(7).nextBytes(snapshot);

    CompletableFuture<Void> done = new CompletableFuture<>();
    leader.tell(new ReplicationLeader.Write(s -> s.planSaveSnapshot(new StoredSnapshot(ID, 9, 1234, snapshot)), done));
    await(done);

    StoredSnapshot saved = store.latestSnapshot(ID, SnapshotCriteria.latest()).orElseThrow();
    assertArrayEquals(snapshot, saved.payload());
    assertEquals(new StorePosition(1, 1), store.position());
  }

  @Test
  void aCheckpointIsWrittenInPartsAndAJournalWriteQueuedMeanwhileGoesBetweenThem() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ReplicatedEventLog log = primaryLog(replica);
    byte[] checkpoint = new byte[ReplicatedEventLog.SNAPSHOT_PART_BYTES * 2 + 10]; // two parts and the rest

    CompletableFuture<Void> saved = CompletableFuture.runAsync(() -> log.saveSnapshot(new StoredSnapshot(ID, 9, 1234, checkpoint)));
    Replica.Replicate firstPart = next(replica, Replica.Replicate.class, r -> r.writeId() == 1);
    CompletableFuture<Void> appended = log.appendAsync(List.of(entry(10)), Runnable::run); // queued while the first part is in flight
    firstPart.replyTo().tell(new ReplicaReply.Acked(self(), 1, 1));

    Replica.Replicate second = next(replica, Replica.Replicate.class, r -> r.writeId() == 2);
    assertEquals(1, WireMutations.join(List.of(second.data())).size(), "the journal write, not the next 256 KiB part");
    second.replyTo().tell(new ReplicaReply.Acked(self(), 1, 2));
    await(appended);
    assertFalse(saved.isDone(), "the checkpoint still has parts to go");
    for (long writeId = 3; writeId <= 4; writeId++) {
      long id = writeId;
      next(replica, Replica.Replicate.class, r -> r.writeId() == id).replyTo().tell(new ReplicaReply.Acked(self(), 1, id));
    }
    await(saved);
  }

  @Test
  void aCheckpointsPiecesAreReplicatedAheadOfTheSnapshotThatRefersToThem() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ReplicatedEventLog log = primaryLog(replica);
    byte[] piece = "a block of kept records".getBytes(StandardCharsets.UTF_8);

    CompletableFuture<Void> saved = CompletableFuture.runAsync(() -> {
      log.savePieces(ID, java.util.Map.of(7L, piece));
      try {
        log.saveSnapshot(ID, 9, 1234, out -> out.write(new byte[] {1, 2}), PieceRefs.of(7));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try (LevelDbEventLog backup = LevelDbEventLog.open(dir.resolve("backup"))) {
      for (long writeId = 1; writeId <= 2; writeId++) {
        long id = writeId;
        Replica.Replicate write = next(replica, Replica.Replicate.class, r -> r.writeId() == id);
        backup.apply(WireMutations.join(List.of(write.data())));
        write.replyTo().tell(new ReplicaReply.Acked(self(), 1, id));
      }
      await(saved);

      assertEquals(PieceRefs.of(7), backup.latestSnapshotPieces(ID));
      List<byte[]> read = new ArrayList<>();
      backup.readPieces(ID, PieceRefs.of(7), (id, content) -> read.add(content));
      assertArrayEquals(piece, read.get(0));
    }
  }

  @Test
  void aCheckpointsFirstPartIsReplicatedWhileTheRestIsStillBeingSerialized() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ReplicatedEventLog log = primaryLog(replica);
    java.util.concurrent.atomic.AtomicBoolean restWritten = new java.util.concurrent.atomic.AtomicBoolean();

    CompletableFuture<Long> saved = CompletableFuture.supplyAsync(() -> {
      try {
        return log.saveSnapshot(ID, 9, 1234, out -> {
          out.write(new byte[ReplicatedEventLog.SNAPSHOT_PART_BYTES + 1]); // hands on part 0
          restWritten.set(true);
          out.write(new byte[9]);
        });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Replica.Replicate firstPart = next(replica, Replica.Replicate.class, r -> r.writeId() == 1);
    assertFalse(restWritten.get(), "part 0 went out before the serializer wrote the rest");
    firstPart.replyTo().tell(new ReplicaReply.Acked(self(), 1, 1));
    next(replica, Replica.Replicate.class, r -> r.writeId() == 2).replyTo().tell(new ReplicaReply.Acked(self(), 1, 2));

    assertEquals(ReplicatedEventLog.SNAPSHOT_PART_BYTES + 10, saved.get(10, TimeUnit.SECONDS));
  }

  @Test
  void theJournalsAppendBlocksNoThreadAndCompletesOnlyWhenReplicatedOrSaysWhyNot() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ReplicatedEventLog log = primaryLog(replica);
    java.util.concurrent.Executor noThreads = task -> {
      throw new AssertionError("the replicated log asked for a thread to wait on");
    };

    CompletableFuture<Void> appended = log.appendAsync(List.of(entry(1)), noThreads);
    Replica.Replicate replicate = next(replica, Replica.Replicate.class, r -> r.writeId() == 1);
    assertFalse(appended.isDone(), "not before the replica acknowledged it");
    replicate.replyTo().tell(new ReplicaReply.Acked(self(), 1, 1));
    await(appended);

    CompletableFuture<Void> refused = log.appendAsync(List.of(entry(2)), noThreads);
    next(replica, Replica.Replicate.class, r -> r.writeId() == 2).replyTo().tell(new ReplicaReply.Refused(OTHER, 2));
    assertTrue(failure(refused).startsWith("no longer the primary"), failure(refused));
  }

  @Test
  void anAcknowledgementOfAnotherEpochDoesNotCountForAWrite() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ActorRef<ReplicationLeader.Command> leader = leaderWithReplicaProbe(alone, replica);
    becomePrimaryThroughFence(leader, replica, 1);
    CompletableFuture<Void> w = write(leader, 1);
    Replica.Replicate replicate = next(replica, Replica.Replicate.class, r -> r.writeId() == 1);

    replicate.replyTo().tell(new ReplicaReply.Acked(self(), 0, 1));
    // A refusal right behind it shows what the ack did: a write still in flight fails with the step-down.
    replicate.replyTo().tell(new ReplicaReply.Refused(OTHER, 2));

    assertTrue(failure(w).startsWith("no longer the primary"));
  }

  @Test
  void aRecoveryOnThePrimaryReadsTheStoreOnlyAfterEveryEarlierWriteHasFinished() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ActorRef<ReplicationLeader.Command> leader = leaderWithReplicaProbe(alone, replica);
    becomePrimaryThroughFence(leader, replica, 1);
    CompletableFuture<Void> first = write(leader, 1);
    CompletableFuture<Void> second = write(leader, 2);
    Replica.Replicate replicate = next(replica, Replica.Replicate.class, r -> r.writeId() == 1);

    // The registry gave up on those writes (its journal call timed out), restarted, and recovers now.
    CompletableFuture<Void> recovery = ensurePrimary(leader);
    replicate.replyTo().tell(new ReplicaReply.Acked(self(), 1, 1));
    await(first);

    // Reading now would miss the second write, which would land later under sequence numbers the
    // recovered registry hands out again.
    assertFalse(recovery.isDone());
    next(replica, Replica.Replicate.class, r -> r.writeId() == 2).replyTo().tell(new ReplicaReply.Acked(self(), 1, 2));
    await(second);
    await(recovery);
  }

  @Test
  void aRecoveryWaitingForEarlierWritesFailsWhenThePrimaryStepsDown() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ActorRef<ReplicationLeader.Command> leader = leaderWithReplicaProbe(alone, replica);
    becomePrimaryThroughFence(leader, replica, 1);
    write(leader, 1);
    Replica.Replicate replicate = next(replica, Replica.Replicate.class, r -> r.writeId() == 1);
    CompletableFuture<Void> recovery = ensurePrimary(leader);

    replicate.replyTo().tell(new ReplicaReply.Refused(OTHER, 2));

    assertTrue(failure(recovery).startsWith("no longer the primary"));
  }

  @Test
  void aRefusalNamingANewerEpochMakesThePrimaryStepDownAndFailEveryQueuedWrite() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ActorRef<ReplicationLeader.Command> leader = leaderWithReplicaProbe(alone, replica);
    becomePrimaryThroughFence(leader, replica, 1);

    CompletableFuture<Void> inFlight = write(leader, 1);
    CompletableFuture<Void> queued1 = write(leader, 2);
    CompletableFuture<Void> queued2 = write(leader, 3);
    Replica.Replicate replicate = next(replica, Replica.Replicate.class, r -> r.writeId() == 1);
    replicate.replyTo().tell(new ReplicaReply.Refused(OTHER, 1)); // not newer: ignored (else the reasons below would name epoch 1)
    replicate.replyTo().tell(new ReplicaReply.Refused(OTHER, 2));

    for (CompletableFuture<Void> w : List.of(inFlight, queued1, queued2)) {
      String why = failure(w);
      assertTrue(why.startsWith("no longer the primary"), why);
      assertTrue(why.contains(OTHER + " follows epoch 2"), why);
    }
    assertEquals("this node is not the primary", failure(write(leader, 4)));
  }

  @Test
  void thePrimaryStepsDownWhenItsOwnStoreIsNotAtItsEpoch() throws Exception {
    TestProbe<Replica.Command> replica = alone.createTestProbe(Replica.Command.class);
    ActorRef<ReplicationLeader.Command> leader = leaderWithReplicaProbe(alone, replica);
    becomePrimaryThroughFence(leader, replica, 1);

    CompletableFuture<Void> w = write(leader, 1);
    Replica.Replicate replicate = next(replica, Replica.Replicate.class, r -> true);
    replicate.replyTo().tell(new ReplicaReply.OutOfSync(self(), new StorePosition(4, 2)));

    String why = failure(w);
    assertTrue(why.contains("the local store is at epoch 4 write 2, not at epoch 1"), why);
  }

  // ---- with the rm in the cluster (a probe answers for it)

  @Test
  void thePromotionIsAskedOfTheRmAndTheGrantedEpochIsFencedBeforeItCompletes() throws Exception {
    ActorRef<ReplicationLeader.Command> leader = leaderWithRealReplica(withRm);

    CompletableFuture<Void> primary = ensurePrimary(leader);
    RmCommand.Promote promote = next(rm, RmCommand.Promote.class, p -> true);

    assertEquals(self(), promote.node());
    assertEquals(store.storeId(), promote.store().storeId(), "the rm judges the store, not the address");
    assertTrue(promote.store().history().empty(), "a new store");
    assertNull(promote.copiedFrom());
    assertFalse(primary.isDone());
    promote.replyTo().tell(new RmCommand.Granted(5, null));
    await(primary);
    assertEquals(new StorePosition(5, 0), store.position());
    await(write(leader, 1));
    assertEquals(new StorePosition(5, 1), store.position());
    assertEquals(List.of("event 1"), events());
  }

  @Test
  void aDeniedPromotionFailsWithTheRmsReasonAndStartsNoEpoch() {
    ActorRef<ReplicationLeader.Command> leader = leaderWithRealReplica(withRm);

    CompletableFuture<Void> primary = ensurePrimary(leader);
    RmCommand.Promote promote = next(rm, RmCommand.Promote.class, p -> true);
    promote.replyTo().tell(new RmCommand.Denied(3, List.of(OTHER), "not in sync: the in-sync set of epoch 3 is [" + OTHER + "]", List.of(OTHER)));

    String why = failure(primary);
    assertTrue(why.contains("not in sync: the in-sync set of epoch 3"), why);
    assertEquals(StorePosition.EMPTY, store.position());
    assertEquals("this node is not the primary", failure(write(leader, 1)));
  }

  @Test
  void evenANeverReplicatedStoreAsksTheRmWhenTheRmIsUp() throws Exception {
    ActorRef<ReplicationLeader.Command> leader = leaderWithRealReplica(withRm);
    assertFalse(store.wasReplicated());

    CompletableFuture<Void> primary = ensurePrimary(leader);

    RmCommand.Promote promote = next(rm, RmCommand.Promote.class, p -> true);
    assertFalse(primary.isDone());
    assertNull(promote.copiedFrom());
    promote.replyTo().tell(new RmCommand.Granted(1, null));
    await(primary);
  }

  /** Issue 19: a primary the rm's record does not name (another history, an older epoch) acknowledges nothing more once told. */
  @Test
  void aPrimaryThatTheRmTellsToStepDownAcknowledgesNothingMore() throws Exception {
    ActorRef<ReplicationLeader.Command> leader = leaderWithRealReplica(withRm);
    CompletableFuture<Void> primary = ensurePrimary(leader);
    next(rm, RmCommand.Promote.class, p -> true).replyTo().tell(new RmCommand.Granted(2, null));
    await(primary);
    await(write(leader, 1));

    RmCommand.StoreReport report = next(rm, RmCommand.StoreReport.class, r -> r.leaderEpoch() == 2);
    assertEquals(store.storeId(), report.store().storeId(), "every router node says which store it holds");
    assertEquals(List.of(self()), report.leaderIsr());
    report.replyTo().tell(new RmCommand.StepDown("its store holds another history"));

    String why = failure(write(leader, 2));
    assertEquals("this node is not the primary", why);
    assertEquals(List.of("event 1"), events());
  }

  @Test
  void thePrimaryReportsItsProgressToTheRm() throws Exception {
    ActorRef<ReplicationLeader.Command> leader = leaderWithRealReplica(withRm);
    CompletableFuture<Void> primary = ensurePrimary(leader);
    next(rm, RmCommand.Promote.class, p -> true).replyTo().tell(new RmCommand.Granted(2, null));
    await(primary);
    await(write(leader, 1));

    RmCommand.Report report = next(rm, RmCommand.Report.class, r -> r.report().writeId() == 1);

    assertEquals(2, report.report().epoch());
    assertEquals(self(), report.report().primary());
    assertEquals(List.of(), report.report().backups());
  }
}
