package peerlink.node;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.Persistence;
import peerlink.replication.Replica;
import peerlink.replication.ReplicatedEventLog;
import peerlink.replication.ReplicationLeader;
import peerlink.replication.ReplicationManager;
import peerlink.replication.RmCommand;
import peerlink.storage.EventLogs;
import peerlink.storage.FreeSpace;
import peerlink.storage.LevelDbEventLog;

/** Starts a node's share of replication: the rm proxy, and on router nodes the replica and the leader. */
final class Replication {
  /** Path of the replica actor; configured as a large-message destination for catch-up copies. */
  static final String REPLICA_NAME = "replica";

  private Replication() {}

  /** The replication manager singleton (it runs on the rm node only; everywhere else this is a proxy). */
  static ActorRef<RmCommand> rm(ActorContext<?> context) {
    return ClusterSingleton.get(context.getSystem())
        .init(
            SingletonActor.of(ReplicationManager.create(Clock.systemUTC(),
                    context.getSystem().settings().config().getBoolean("peerlink.rm.accept-data-loss")), "rm")
                .withSettings(ClusterSingletonSettings.create(context.getSystem()).withRole("rm")));
  }

  /**
   * Opens the node's store, starts its replica and leader, and makes the persistence plugins write
   * through the leader. Must run before the registry singleton can start on this node. Returns whether
   * the node's store has ever been replicated (see {@link ClusterJoin}).
   */
  static boolean startOnRouter(ActorContext<?> context, NodeOptions options, ActorRef<RmCommand> rm, FreeSpace space) {
    Path store = options.dataDir().resolve("store");
    EventLogs logs = EventLogs.get(Adapter.toClassic(context.getSystem()));
    LevelDbEventLog local = logs.openLocal(store);
    String self = org.apache.pekko.cluster.typed.Cluster.get(context.getSystem()).selfMember().address().toString();
    ActorRef<Replica.Command> replica =
        context.spawn(
            // Its writes' failures are answered (CannotWrite), not thrown; anything else that fails it must not stop it for good.
            Behaviors.supervise(Replica.create(local, self, new peerlink.replication.ReplicaTrust(rm, new RouterMembers(context.getSystem())), space))
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)),
            REPLICA_NAME, DispatcherSelector.fromConfig("peerlink.replication.replica-dispatcher"));
    ActorRef<ReplicationLeader.Command> leader = context.spawn(ReplicationLeader.create(local, replica, rm, space), "replication-leader");
    Duration timeout = context.getSystem().settings().config().getDuration("peerlink.replication.write-timeout");
    logs.install(store, new ReplicatedEventLog(local, leader, timeout));
    // Pekko starts the persistence plugins with the first persistent actor: on a backup, that is the
    // registry at a failover. Loading the extension now starts the plugins listed in
    // pekko.persistence.*.auto-start-* (conf/peerlink.conf), so a takeover does not wait for them.
    Persistence.get(Adapter.toClassic(context.getSystem()));
    return local.wasReplicated();
  }
}
