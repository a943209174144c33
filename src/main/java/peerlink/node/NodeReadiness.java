package peerlink.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import peerlink.gateway.Readiness;
import peerlink.router.RouterCommand;
import peerlink.router.RouterHealth;
import peerlink.storage.FreeSpace;

/**
 * Answers {@code /ready} for a router node: it can serve clients when its WebSocket port listens, it is
 * an Up member of the cluster, and the router singleton (wherever it runs) answers that its registry has
 * recovered, and its disk has the free space it keeps (peerlink.storage.min-free-space). On the primary the registry recovers only once the rm granted it the primary role, so a node
 * whose registry failed to recover, or that has no primary granted, is not ready, and says why.
 */
final class NodeReadiness {
  /** Longer than a probe's usual interval is pointless: a router that does not answer in this time is not reachable. */
  private static final Duration ROUTER_TIMEOUT = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final ActorRef<RouterCommand> router;
  private final BooleanSupplier clientPortListening;
  private final FreeSpace space;

  NodeReadiness(ActorSystem<?> system, ActorRef<RouterCommand> router, BooleanSupplier clientPortListening, FreeSpace space) {
    this.system = system;
    this.router = router;
    this.clientPortListening = clientPortListening;
    this.space = space;
  }

  CompletionStage<Readiness> check() {
    if (!clientPortListening.getAsBoolean()) {
      return CompletableFuture.completedFuture(Readiness.notReady("the WebSocket port is not listening"));
    }
    if (space.low()) {
      return CompletableFuture.completedFuture(Readiness.notReady("this node's disk is nearly full: " + space.describe()
          + "; it refuses what would grow its store (STORAGE_FULL) until space is freed"));
    }
    MemberStatus status = Cluster.get(system).selfMember().status();
    if (status != MemberStatus.up()) {
      return CompletableFuture.completedFuture(Readiness.notReady("this node is not an Up member of the cluster (it is " + describe(status) + ")"));
    }
    return AskPattern.<RouterCommand, RouterHealth>ask(router, RouterCommand.CheckReady::new, ROUTER_TIMEOUT, system.scheduler())
        .handle((health, failure) -> {
          if (failure != null) {
            return Readiness.notReady("the router singleton did not answer within " + ROUTER_TIMEOUT.toSeconds()
                + " s (it is not running yet, or not reachable from this node)");
          }
          return health.serving() ? Readiness.READY : Readiness.notReady(health.problem());
        });
  }

  private static String describe(MemberStatus status) {
    // Before the node joins, Pekko reports its own member as Removed.
    return status == MemberStatus.removed() ? "not joined yet" : status.toString();
  }
}
