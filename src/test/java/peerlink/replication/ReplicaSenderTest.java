package peerlink.replication;

import peerlink.testing.LoopbackCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import peerlink.storage.EpochStart;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.LogEntry;
import peerlink.storage.Mutation;
import peerlink.storage.StoreHistory;
import peerlink.storage.StorePosition;

/**
 * Defence in depth inside the cluster (docs/replication.md, "Who may send what"): a replica takes writes
 * and copies only from the node the rm made primary at their epoch, hands a copy of its store only to a
 * router node that asks for it itself, and takes no fence from another node. Two actor systems over real
 * loopback remoting: "here" runs the replica and a stand-in rm, "there" is another node of the cluster.
 */
@ExtendWith(LogCapturingExtension.class)
class ReplicaSenderTest {
  private static final Duration QUIET = Duration.ofSeconds(1);

  @TempDir Path dir;

  private ActorTestKit here;
  private ActorTestKit there;
  private LevelDbEventLog store;
  private ActorRef<Replica.Command> replica;
  private String hereNode;
  private String thereNode;
  private volatile long grantedEpoch;
  private volatile String grantedPrimary;
  private volatile Set<Address> routerNodes = Set.of();

  @BeforeEach
  void start() {
    here = ActorTestKit.create("peerlink", remote());
    there = ActorTestKit.create("peerlink", remote());
    hereNode = Cluster.get(here.system()).selfMember().address().toString();
    thereNode = Cluster.get(there.system()).selfMember().address().toString();
    // The rm: answers with whatever the test says it granted.
    ActorRef<RmCommand> rm = here.spawn(Behaviors.receiveMessage(command -> {
      if (command instanceof RmCommand.GetStatus get) {
        get.replyTo().tell(new RmStatus(grantedEpoch, grantedPrimary, List.of(), List.of(), null, List.of(), List.of(), null, null, List.of(), null));
      }
      return Behaviors.same();
    }));
    store = LevelDbEventLog.open(dir.resolve("store"));
    store.fence(1, "L"); // a backup of epoch 1: the next write of epoch 1 applies
    replica = here.spawn(Replica.create(store, hereNode, new ReplicaTrust(rm, address -> routerNodes.contains(address))), "replica");
  }

  @AfterEach
  void stop() {
    here.stop(replica);
    store.close();
    there.shutdownTestKit();
    here.shutdownTestKit();
  }

  @Test
  void aWriteFromTheNodeTheRmMadePrimaryIsApplied() {
    grant(1, thereNode);
    TestProbe<ReplicaReply> sender = there.createTestProbe(ReplicaReply.class);

    remoteReplica().tell(write(1, 1, sender));

    assertEquals(new ReplicaReply.Acked(hereNode, 1, 1), sender.receiveMessage(Duration.ofSeconds(10)));
    assertEquals(new StorePosition(1, 1), store.position());
  }

  @Test
  void aWriteFromAnotherNodeThanTheRmsPrimaryIsNotApplied() {
    grant(1, "pekko://peerlink@127.0.0.1:1"); // the rm made some other node primary
    TestProbe<ReplicaReply> sender = there.createTestProbe(ReplicaReply.class);

    remoteReplica().tell(write(1, 1, sender));

    sender.expectNoMessage(QUIET);
    assertEquals(new StorePosition(1, 0), store.position());
  }

  @Test
  void aCopyAtAnEpochTheRmNeverGrantedIsNotInstalled() {
    // The attack: another node sends an empty copy at a higher epoch, which made the node step down for good.
    grant(1, thereNode);
    connectBothWays();
    TestProbe<ReplicaReply> intruder = there.createTestProbe(ReplicaReply.class);
    byte[] empty = WireMutations.split(List.of(Mutation.put(new byte[] {99}, new byte[] {1})), Integer.MAX_VALUE).get(0);

    remoteReplica().tell(new Replica.CopyChunk(9, 1, 0, true, empty, new StoreHistory("other", List.of(new EpochStart(9, new StorePosition(0, 0)))),
        "intruder-store", intruder.getRef()));

    intruder.expectNoMessage(QUIET);
    assertEquals(new StorePosition(1, 1), store.position(), "the store is as the primary left it");
  }

  @Test
  void aCopyOfTheStoreGoesOnlyToARouterNodeThatAsksForItItself() {
    grant(1, thereNode);
    connectBothWays();
    TestProbe<Replica.Command> target = there.createTestProbe(Replica.Command.class);
    TestProbe<ReplicaReply> asker = there.createTestProbe(ReplicaReply.class);

    remoteReplica().tell(new Replica.ProvideCopy(target.getRef(), asker.getRef()));
    target.expectNoMessage(QUIET); // "there" is not a router member

    routerNodes = Set.of(Cluster.get(there.system()).selfMember().address());
    remoteReplica().tell(new Replica.ProvideCopy(target.getRef(), asker.getRef()));
    assertTrue(target.receiveMessage(Duration.ofSeconds(10)) instanceof Replica.CopyChunk);
  }

  /** A write from the primary and its acknowledgement: both directions connected, so nothing below waits for a handshake. */
  private void connectBothWays() {
    TestProbe<ReplicaReply> primary = there.createTestProbe(ReplicaReply.class);
    remoteReplica().tell(write(1, 1, primary));
    assertEquals(new ReplicaReply.Acked(hereNode, 1, 1), primary.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  void aFenceHasNoWireFormSoNoOtherNodeCanSendOne() {
    TestProbe<StorePosition> positions = there.createTestProbe(StorePosition.class);
    assertThrows(java.io.NotSerializableException.class,
        () -> SerializationExtension.get(Adapter.toClassic(there.system())).findSerializerFor(new Replica.Fence(5, null, positions.getRef())));
  }

  private void grant(long epoch, String primary) {
    grantedEpoch = epoch;
    grantedPrimary = primary;
  }

  /** The replica as the other node reaches it: through remoting, so its messages carry their node's address. */
  private ActorRef<Replica.Command> remoteReplica() {
    String path = ActorRefResolver.get(here.system()).toSerializationFormat(replica);
    return ActorRefResolver.get(there.system()).resolveActorRef(path);
  }

  private Replica.Replicate write(long epoch, long writeId, TestProbe<ReplicaReply> sender) {
    List<Mutation> mutations = store.planAppend(List.of(new LogEntry("peerlink-registry", writeId, "e".getBytes(StandardCharsets.UTF_8))));
    byte[] wire = WireMutations.split(mutations, Integer.MAX_VALUE).get(0);
    return new Replica.Replicate(epoch, writeId, 0, 1, wire, null, sender.getRef());
  }

  private static Config remote() {
    return LoopbackCluster.config();
  }
}
