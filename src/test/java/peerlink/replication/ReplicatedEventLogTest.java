package peerlink.replication;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogContract;
import peerlink.storage.LevelDbEventLog;

/**
 * The {@link EventLog} contract against the replicated log: every write goes through a real
 * {@link ReplicationLeader} to a real {@link Replica} on a one-node cluster (role {@code router}, no rm: a
 * new store makes itself primary, as {@code fresh-store-alone-after} is 0 in the tests' config).
 */
class ReplicatedEventLogTest extends EventLogContract {
  private static final ActorTestKit node = ClusterTestKit.alone("replicated-event-log", "\"router\"");

  private LevelDbEventLog store;
  private ActorRef<Replica.Command> replica;
  private ActorRef<ReplicationLeader.Command> leader;



  @AfterAll
  static void shutdown() {
    node.shutdownTestKit();
  }

  @Override
  protected EventLog open(Path directory) {
    store = LevelDbEventLog.open(directory);
    String self = Cluster.get(node.system()).selfMember().address().toString();
    replica = node.spawn(Replica.create(store, self));
    TestProbe<RmCommand> rm = node.createTestProbe(RmCommand.class);
    leader = node.spawn(ReplicationLeader.create(store, replica, rm.getRef()));
    EventLog log = new ReplicatedEventLog(store, leader, Duration.ofSeconds(30));
    log.highestSequenceNr("nobody"); // a first read makes this node the primary, as a recovery does
    return log;
  }

  @Override
  protected void close(EventLog opened) {
    node.stop(leader); // leader and replica first: neither may touch a closed store
    node.stop(replica);
    opened.close();
  }
}
