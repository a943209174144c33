package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
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

    store = LevelDbEventLog.open(dir.resolve("store"));
    store.fence(1, "standalone"); // a store with a history of its own, never replicated: it starts alone, without an rm
    String primary = Cluster.get(primaryNode.system()).selfMember().address().toString();
    localReplica = primaryNode.spawn(Replica.create(store, primary));
    TestProbe<RmCommand> rm = primaryNode.createTestProbe(RmCommand.class);
    leader = primaryNode.spawn(ReplicationLeader.create(store, localReplica, rm.getRef()));
    CompletableFuture<Void> primaryDone = new CompletableFuture<>();
    leader.tell(new ReplicationLeader.EnsurePrimary(primaryDone));
    primaryDone.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    // The first copy is lost on the way: the backup's replica never sees it.
    Replica.CopyChunk lost = lastChunkOf(backupReplica, WAIT);
    assertEquals(2, lost.epoch(), "the store was at epoch 1: alone, it starts epoch 2");

    // Nothing installs it, so the leader sends it again after its first wait.
    Replica.CopyChunk again = lastChunkOf(backupReplica, ReplicationLeader.COPY_FIRST_WAIT.plusSeconds(10));
    assertEquals(lost.epoch(), again.epoch());
    again.replyTo().tell(new ReplicaReply.CopyApplied(backup, new StorePosition(again.epoch(), again.writeId()), "backup-store", again.sourceStore()));

    // Installed: no third copy, however long the first wait.
    long quietUntil = System.nanoTime() + ReplicationLeader.COPY_FIRST_WAIT.plusSeconds(3).toNanos();
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
    ActorTestKit kit = ActorTestKit.create("copy", ConfigFactory.parseString(
        "pekko.actor.provider = cluster\n"
            + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
            + "pekko.remote.artery.canonical.port = 0\n"
            + "pekko.cluster.jmx.enabled = off\n"
            + "pekko.cluster.roles = [\"router\"]\n")
        .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(kit.system());
    TestProbe<SelfUp> up = kit.createTestProbe(SelfUp.class);
    cluster.subscriptions().tell(Subscribe.create(up.getRef(), SelfUp.class));
    cluster.manager().tell(Join.create(join != null ? join : cluster.selfMember().address()));
    up.expectMessageClass(SelfUp.class, Duration.ofSeconds(30));
    return kit;
  }
}
