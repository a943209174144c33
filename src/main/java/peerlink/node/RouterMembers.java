package peerlink.node;

import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * True for the address of a router node that is a member of this cluster (joining, up or leaving): whose
 * sessions the router singleton takes commands from, and the only nodes a replica sends a copy of its store to. Reads the node's current view of the membership,
 * which Pekko keeps in memory: a few members, checked per command.
 */
final class RouterMembers implements Predicate<Address> {
  private final Cluster cluster;

  RouterMembers(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
  }

  @Override
  public boolean test(Address address) {
    for (Member member : cluster.state().getMembers()) {
      if (member.address().equals(address)) {
        MemberStatus status = member.status();
        boolean stillIn = status != MemberStatus.down() && status != MemberStatus.removed() && status != MemberStatus.exiting();
        return stillIn && member.hasRole("router");
      }
    }
    return false;
  }
}
