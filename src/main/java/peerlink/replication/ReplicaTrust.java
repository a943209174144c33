package peerlink.replication;

import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a replica checks senders against (defence in depth behind cluster TLS; docs/replication.md,
 * "Who may send what"): the rm, which says who is primary, and the cluster's router members, the only
 * nodes a copy may go to.
 */
public record ReplicaTrust(ActorRef<RmCommand> rm, Predicate<Address> routerMember) {}
