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

  static void join(ActorSystem<?> system, NodeOptions options) {
    List<Address> seeds = new ArrayList<>();
    Address self = Cluster.get(system).selfMember().address();
    if (!options.joinOnly()) {
      seeds.add(self);
    }
    for (String seed : options.seeds()) {
      Address address = AddressFromURIString.parse("pekko://" + RouterNode.SYSTEM_NAME + "@" + seed);
      if (!address.equals(self) && !seeds.contains(address)) {
        seeds.add(address);
      }
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seed nodes to join: give --seeds host:clusterPort,...");
    }
    system.log().info("Joining the cluster through {}{}", seeds, options.joinOnly() ? " (never forming one alone)" : "");
    Cluster.get(system).manager().tell(new JoinSeedNodes(seeds));
  }
}
