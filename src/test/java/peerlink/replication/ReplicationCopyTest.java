package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.FishingOutcome;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.StorePosition;

/**
 * A full copy to a backup on a second cluster node (two actor systems over real loopback remoting). The
 * primary side is a real leader and replica on a real LevelDB; on the backup node a probe registered as
 * its replica decides what arrives.
 */
@ExtendWith(LogCapturingExtension.class)
class ReplicationCopyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private ActorTestKit primaryNode;
  private ActorTestKit backupNode;
  private LevelDbEventLog store;
  private ActorRef<ReplicationLeader.Command> leader;
  private ActorRef<Replica.Command> localReplica;

  @AfterEach
  void stop() {
    if (leader != null) {
      primaryNode.stop(leader);
      primaryNode.stop(localReplica);
    }
    if (store != null) {
      store.close();
    }
    if (backupNode != null) {
      backupNode.shutdownTestKit();
    }
    if (primaryNode != null) {
      primaryNode.shutdownTestKit();
    }
  }

  @Test
  void aCopyThatNeverArrivesIsSentAgainAndCountsOnceInstalled() throws Exception {
    primaryNode = node(null);
    backupNode = node(Cluster.get(primaryNode.system()).selfMember().address());
    String backup = Cluster.get(backupNode.system()).selfMember().address().toString();
    TestProbe<Replica.Command> backupReplica = backupNode.createTestProbe(Replica.Command.class);
    backupNode.system().receptionist().tell(Receptionist.register(Replica.KEY, backupReplica.getRef()));

    startPrimary(Cluster.get(primaryNode.system()).selfMember().address().toString());

    // Before any write of its epoch, the primary first offers to let the backup continue from where it was
    // promoted; this backup's store is elsewhere (empty), so it says it is out of sync and needs a copy.
    Replica.Continue offer = (Replica.Continue) backupReplica.fishForMessage(WAIT, m -> m instanceof Replica.Continue
        ? FishingOutcomes.complete() : (FishingOutcome) FishingOutcomes.continueAndIgnore()).get(0);
    assertEquals(new StorePosition(1, 0), offer.from(), "the primary's store was at epoch 1, write 0 when it was promoted to epoch 2");
    offer.replyTo().tell(new ReplicaReply.OutOfSync(backup, StorePosition.EMPTY));

    // The first copy is lost on the way: the backup's replica never sees it.
    Replica.CopyChunk lost = lastChunkOf(backupReplica, WAIT);
    assertEquals(2, lost.epoch(), "the store was at epoch 1: alone, it starts epoch 2");

    // Nothing installs it, so the leader sends it again after its first wait.
    Replica.CopyChunk again = lastChunkOf(backupReplica, CatchUpCopies.FIRST_WAIT.plusSeconds(10));
    assertEquals(lost.epoch(), again.epoch());
    again.replyTo().tell(new ReplicaReply.CopyApplied(backup, new StorePosition(again.epoch(), again.writeId()), "backup-store", again.sourceStore()));

    // Installed: no third copy, however long the first wait.
    long quietUntil = System.nanoTime() + CatchUpCopies.FIRST_WAIT.plusSeconds(3).toNanos();
    while (System.nanoTime() < quietUntil) {
      Replica.Command message;
      try {
        message = backupReplica.receiveMessage(Duration.ofNanos(quietUntil - System.nanoTime()));
      } catch (AssertionError nothingMore) {
        break;
      }
      if (message instanceof Replica.CopyChunk) {
        fail("a copy was sent again after it was installed");
      }
    }
  }

  /**
   * PartitionNemesisIT, seed 80487687867287, step 5: the link between the backup and the rm was cut, the
   * Split Brain Resolver downed both, and both were started again. The backup's new incarnation came Up while
   * the primary's in-sync set still named its old one (the shrink waited for the rm, which was down), so its
   * MemberUp started no copy; when the rm was back and recorded the smaller set, nothing started one either,
   * and the backup stayed out of the in-sync set (150 s and more) with a primary that had no failover left.
   */
  @Test
  void aBackupThatCameBackWhileItsRemovalWaitedForTheRmGetsACopyOnceTheRemovalIsRecorded() throws Exception {
    primaryNode = node(null, 0);
    Address primaryAddress = Cluster.get(primaryNode.system()).selfMember().address();
    String primary = primaryAddress.toString();
    backupNode = node(primaryAddress, 0);
    int backupPort = (Integer) Cluster.get(backupNode.system()).selfMember().address().port().get();
    String backup = Cluster.get(backupNode.system()).selfMember().address().toString();
    TestProbe<Replica.Command> first = backupNode.createTestProbe(Replica.Command.class);
    backupNode.system().receptionist().tell(Receptionist.register(Replica.KEY, backupNode.spawn(installingReplica(backup, first.getRef()))));

    TestProbe<RmCommand> rm = startPrimary(primary);

    // The backup installs its copy and the rm records it in sync: the store is replicated from now on.
    RmCommand.ChangeIsr grow = nextChangeIsr(rm, List.of(backup, primary));
    grow.replyTo().tell(new RmCommand.IsrChanged(grow.epoch(), grow.isr()));
    long until = System.nanoTime() + WAIT.toNanos();
    while (!store.wasReplicated() && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertTrue(store.wasReplicated(), "the primary's store carries the replicated marker");

    // The backup leaves; the primary asks the rm to drop it, and the rm does not answer yet.
    backupNode.shutdownTestKit();
    nextChangeIsr(rm, List.of(primary));

    // A new incarnation of the backup, at the same address, with an old store: it acknowledges nothing.
    backupNode = node(primaryAddress, backupPort);
    TestProbe<Replica.Command> second = backupNode.createTestProbe(Replica.Command.class);
    backupNode.system().receptionist().tell(Receptionist.register(Replica.KEY, second.getRef()));
    Thread.sleep(2_000); // the primary sees it Up and its replica listed while the removal still waits

    RmCommand.ChangeIsr shrink = nextChangeIsr(rm, List.of(primary));
    shrink.replyTo().tell(new RmCommand.IsrChanged(shrink.epoch(), shrink.isr()));
    Replica.CopyChunk copy = lastChunkOf(second, WAIT);
    assertEquals(grow.epoch(), copy.epoch(), "the new incarnation is sent a copy of the primary's epoch");
  }

  /**
   * An rm answer that arrives late, for another proposal (here: of an earlier epoch), is not the record of the
   * waiting one: the leader must not take the set as recorded (it would write it into the store and count the
   * backup in sync), and asks again once the answer is overdue.
   */
  @Test
  void anAnswerToAnotherProposalIsNotTakenAsTheRmsRecord() throws Exception {
    primaryNode = node(null, 0);
    Address primaryAddress = Cluster.get(primaryNode.system()).selfMember().address();
    String primary = primaryAddress.toString();
    backupNode = node(primaryAddress, 0);
    String backup = Cluster.get(backupNode.system()).selfMember().address().toString();
    TestProbe<Replica.Command> seen = backupNode.createTestProbe(Replica.Command.class);
    backupNode.system().receptionist().tell(Receptionist.register(Replica.KEY, backupNode.spawn(installingReplica(backup, seen.getRef()))));
    TestProbe<RmCommand> rm = startPrimary(primary);

    RmCommand.ChangeIsr grow = nextChangeIsr(rm, List.of(backup, primary));
    grow.replyTo().tell(new RmCommand.IsrChanged(grow.epoch() - 1, grow.isr()));

    RmCommand.ChangeIsr again = nextChangeIsr(rm, List.of(backup, primary));
    assertEquals(grow.epoch(), again.epoch(), "the same change, asked again");
    assertEquals(1, store.inSyncRecord().members().size(), "nothing recorded from the stray answer: " + store.inSyncRecord());
    again.replyTo().tell(new RmCommand.IsrChanged(again.epoch(), again.isr()));
    long until = System.nanoTime() + WAIT.toNanos();
    while (store.inSyncRecord().members().size() < 2 && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertEquals(2, store.inSyncRecord().members().size(), "the rm's own answer is recorded: " + store.inSyncRecord());
  }

  /** The next in-sync change the leader asks of the rm whose set is {@code isr} (sorted); others are ignored. */
  private static RmCommand.ChangeIsr nextChangeIsr(TestProbe<RmCommand> rm, List<String> isr) {
    List<String> sorted = isr.stream().sorted().toList();
    List<RmCommand> seen = rm.fishForMessage(WAIT, m -> m instanceof RmCommand.ChangeIsr change && change.isr().stream().sorted().toList().equals(sorted)
        ? FishingOutcomes.complete() : (FishingOutcome) FishingOutcomes.continueAndIgnore());
    return (RmCommand.ChangeIsr) seen.get(seen.size() - 1);
  }

  /** A backup's replica that installs every copy and acknowledges every write at once, and tells {@code seen} of each message. */
  private static Behavior<Replica.Command> installingReplica(String node, ActorRef<Replica.Command> seen) {
    return Behaviors.receiveMessage(message -> {
      seen.tell(message);
      if (message instanceof Replica.Continue offer) {
        offer.replyTo().tell(new ReplicaReply.OutOfSync(node, StorePosition.EMPTY)); // a store elsewhere: it takes a copy
      } else if (message instanceof Replica.CopyChunk chunk && chunk.last()) {
        chunk.replyTo().tell(new ReplicaReply.CopyApplied(node, new StorePosition(chunk.epoch(), chunk.writeId()), "backup-store", chunk.sourceStore()));
      } else if (message instanceof Replica.Replicate write && write.part() == write.parts() - 1) {
        write.replyTo().tell(new ReplicaReply.Acked(node, write.epoch(), write.writeId()));
      }
      return Behaviors.same();
    });
  }

  /** Receives one whole copy (its chunks up to the last), ignoring the writes sent to the backup meanwhile. */
  private static Replica.CopyChunk lastChunkOf(TestProbe<Replica.Command> replica, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      Replica.Command message = replica.receiveMessage(left);
      if (message instanceof Replica.CopyChunk chunk && chunk.last()) {
        return chunk;
      }
    }
  }

  /** A cluster node with role router: the first joins itself, the second joins it (one system name: one cluster). */
  private static ActorTestKit node(Address join) {
    return node(join, 0);
  }

  /** The same on a given port (0: any free one), so that a node can come back at its old address. */
  private static ActorTestKit node(Address join, int port) {
    return ClusterTestKit.start("copy", "\"router\"", join, port);
  }


  /**
   * A store with a history of its own, never replicated (so it starts alone, without an rm), its replica, and a
   * leader made primary on {@code primary}; returns the probe that stands in for the rm.
   */
  private TestProbe<RmCommand> startPrimary(String primary) throws Exception {
    store = LevelDbEventLog.open(dir.resolve("store"));
    store.fence(1, "standalone");
    localReplica = primaryNode.spawn(Replica.create(store, primary));
    TestProbe<RmCommand> rm = primaryNode.createTestProbe(RmCommand.class);
    leader = primaryNode.spawn(ReplicationLeader.create(store, localReplica, rm.getRef()));
    CompletableFuture<Void> primaryDone = new CompletableFuture<>();
    leader.tell(new ReplicationLeader.EnsurePrimary(primaryDone));
    primaryDone.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return rm;
  }
}
