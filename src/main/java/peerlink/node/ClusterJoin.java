package peerlink.node;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * Joins the cluster through the seed nodes. A node that may form a cluster (a router started without
 * --backup) puts itself first, so it joins itself when no other seed answers; backups and the rm leave
 * themselves out, so they only ever join a cluster that exists.
 */
final class ClusterJoin {
  private ClusterJoin() {}

  /**
   * A router whose store has been replicated first only joins: if a cluster is running, its data is
   * at best a stale copy, and forming a second cluster would cut it off for good. It forms a cluster
   * alone only when nothing answered for {@code formAloneAfter} (a whole-cluster restart).
   */
  static void join(ActorSystem<?> system, NodeOptions options, boolean storeWasReplicated, java.time.Duration formAloneAfter) {
    if (options.joinOnly() || !storeWasReplicated) {
      join(system, options);
      return;
    }
    system.log().info("This node's store has been replicated: joining the running cluster first; forming one alone only after {} s", formAloneAfter.toSeconds());
    Cluster.get(system).manager().tell(new JoinSeedNodes(seeds(system, options, true)));
    system.scheduler().scheduleOnce(formAloneAfter, () -> {
      org.apache.pekko.cluster.MemberStatus status = Cluster.get(system).selfMember().status();
      if (status != org.apache.pekko.cluster.MemberStatus.up() && status != org.apache.pekko.cluster.MemberStatus.joining()
          && status != org.apache.pekko.cluster.MemberStatus.weaklyUp()) {
        system.log().warn("No running cluster answered within {} s: forming the cluster with this node", formAloneAfter.toSeconds());
        Cluster.get(system).manager().tell(new JoinSeedNodes(seeds(system, options, false)));
      }
    }, system.executionContext());
  }

  static void join(ActorSystem<?> system, NodeOptions options) {
    List<Address> seeds = seeds(system, options, options.joinOnly());
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seed nodes to join: give --seeds host:clusterPort,...");
    }
    system.log().info("Joining the cluster through {}{}", seeds, options.joinOnly() ? " (never forming one alone)" : "");
    Cluster.get(system).manager().tell(new JoinSeedNodes(seeds));
  }

  private static List<Address> seeds(ActorSystem<?> system, NodeOptions options, boolean joinOnly) {
    List<Address> seeds = new ArrayList<>();
    Address self = Cluster.get(system).selfMember().address();
    if (!joinOnly) {
      seeds.add(self);
    }
    for (String seed : options.seeds()) {
      Address address = AddressFromURIString.parse("pekko://" + RouterNode.SYSTEM_NAME + "@" + seed);
      if (!address.equals(self) && !seeds.contains(address)) {
        seeds.add(address);
      }
    }
    return seeds;
  }
}
