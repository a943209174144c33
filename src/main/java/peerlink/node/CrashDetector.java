package peerlink.node;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.remote.RemoteActorRefProvider;
import scala.Option;

/**
 * Downs a cluster member whose process is gone, well before the heartbeats would.
 *
 * <p>When a node's process dies (crash, SIGKILL, OOM kill) while its host stays up, the host's kernel
 * refuses connections to its cluster port at once. A refused connection is a fact, not a guess: nothing
 * listens there, so that node can never send or acknowledge anything again. A node that is only frozen
 * or slow (SIGSTOP, a long GC pause, a starved CPU) still accepts connections, and a lost host or a cut
 * network gives a timeout, not a refusal; those cases are left to the failure detector and the Split
 * Brain Resolver with their safe margins. So this shortens the common failover (a crashed primary) from
 * about 7 s to about 2 s without making a false failover on a busy machine any more likely. Even a
 * wrong decision could not lose data: a stale primary's writes are refused by epoch fencing.
 */
final class CrashDetector {
  /** How often every other member is tried: a local connect to its crash-probe port costs microseconds. */
  static final Duration INTERVAL = Duration.ofMillis(100);
  private static final int CONNECT_TIMEOUT_MS = 1000;

  sealed interface Command {}

  private record Tick() implements Command {}

  private record Probed(Member member, Verdict verdict) implements Command {}

  /** What one probe found. */
  enum Verdict {
    /** Refused where nothing of a live process could refuse: down it. */
    GONE,
    /** Its crash-probe port accepted: from now on a refusal there is believed. */
    PROBE_PORT_ANSWERED,
    /**
     * Its crash-probe port refused before it ever accepted while its cluster port accepts: something between
     * (a firewall that rejects) is answering for it, so its cluster port is probed instead from now on.
     */
    PROBE_PORT_BLOCKED,
    /** Accepted, timed out, or failed otherwise: says nothing. */
    NOTHING
  }

  /** How a connection attempt ended. */
  enum Connect { ACCEPTED, REFUSED, NO_ANSWER }

  private CrashDetector() {}

  /** Starts the detector on this node unless {@code peerlink.cluster.crash-detector} is off. */
  static void startIfEnabled(ActorContext<?> context) {
    if (context.getSystem().settings().config().getBoolean("peerlink.cluster.crash-detector")) {
      context.spawn(create(), "crash-detector");
    }
  }

  static Behavior<Command> create() {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), INTERVAL);
      Executor blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
      Set<Address> probing = new HashSet<>();
      // Incarnations whose crash-probe port accepted once, and those whose probe port something else answers for.
      Set<UniqueAddress> answered = new HashSet<>();
      Set<UniqueAddress> blocked = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, tick -> {
            Cluster cluster = Cluster.get(context.getSystem());
            Address self = cluster.selfMember().address();
            Set<UniqueAddress> incarnations = incarnations(cluster);
            answered.retainAll(incarnations);
            blocked.retainAll(incarnations);
            for (Member member : cluster.state().getMembers()) {
              Address address = member.address();
              if (!address.equals(self) && isProbed(member) && probing.add(address)) {
                UniqueAddress incarnation = member.uniqueAddress();
                OptionalInt probePort = blocked.contains(incarnation) ? OptionalInt.empty() : CrashProbeTarget.portOf(member.getRoles());
                boolean trusted = answered.contains(incarnation);
                CompletableFuture<Verdict> verdict = CompletableFuture.supplyAsync(() -> check(address, probePort, trusted), blocking);
                context.pipeToSelf(verdict, (result, failure) -> new Probed(member, failure == null ? result : Verdict.NOTHING));
              }
            }
            return Behaviors.same();
          })
          .onMessage(Probed.class, probed -> {
            Member probedMember = probed.member();
            probing.remove(probedMember.address());
            UniqueAddress incarnation = probedMember.uniqueAddress();
            switch (probed.verdict()) {
              case PROBE_PORT_ANSWERED -> answered.add(incarnation);
              case PROBE_PORT_BLOCKED -> {
                if (blocked.add(incarnation)) {
                  context.getLog().warn("{} announces crash-probe port {}, which refuses connections while its cluster port accepts them "
                      + "(a firewall that rejects?); probing its cluster port instead. Open that port between the nodes, or set "
                      + "peerlink.cluster.crash-probe-port to one that is open", probedMember.address(), CrashProbeTarget.portOf(probedMember.getRoles()).orElse(0));
                }
              }
              case GONE -> {
                // One refusal is enough: a listening process never refuses (a full backlog drops the attempt,
                // which times out), and a port rebound by a restart is a new incarnation, so the member
                // probed is gone either way.
                Cluster cluster = Cluster.get(context.getSystem());
                Member member = member(cluster, probedMember.address());
                if (member != null && member.uniqueAddress().equals(incarnation) && isProbed(member)) {
                  context.getLog().warn("Downing {}: its {} refuses connections, so its process is gone", probedMember.address(),
                      answered.contains(incarnation) ? "crash-probe port" : "cluster port");
                  cluster.manager().tell(new Down(probedMember.address()));
                  quarantine(context, member);
                }
              }
              case NOTHING -> { }
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  /**
   * The leader removes a downed member only once it is also unreachable, which the heartbeats would say
   * only seconds later. Quarantining the dead incarnation (its uid: a restarted node has a new one) marks
   * it terminated at once, as the cluster does itself when it removes a member. Pekko offers no public
   * call for this, so it goes through the remoting provider; on a provider without it, the member is
   * still downed and is removed when the heartbeats catch up.
   */
  private static void quarantine(ActorContext<Command> context, Member member) {
    var provider = ((org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(context.getSystem())).provider();
    if (provider instanceof RemoteActorRefProvider remote) {
      remote.transport().quarantine(member.address(), Option.apply(member.uniqueAddress().longUid()), "its process is gone (cluster port refuses connections)");
    }
  }

  private static Member member(Cluster cluster, Address address) {
    for (Member member : cluster.state().getMembers()) {
      if (member.address().equals(address)) {
        return member;
      }
    }
    return null;
  }

  /** Members that are up, or on their way in or out, but not yet downed or removed. */
  private static boolean isProbed(Member member) {
    MemberStatus status = member.status();
    return status != MemberStatus.down() && status != MemberStatus.removed() && status != MemberStatus.joining();
  }

  private static Set<UniqueAddress> incarnations(Cluster cluster) {
    Set<UniqueAddress> all = new HashSet<>();
    cluster.state().getMembers().forEach(member -> all.add(member.uniqueAddress()));
    return all;
  }

  /**
   * Probes a member at {@code address}: its crash-probe port when it announced one, else its cluster port.
   * A refusal of the probe port is believed once that port has accepted ({@code trusted}); before that,
   * the cluster port decides, so that a firewall rejecting the probe port can never down a live node.
   */
  static Verdict check(Address address, OptionalInt probePort, boolean trusted) {
    if (address.host().isEmpty() || address.port().isEmpty()) {
      return Verdict.NOTHING;
    }
    String host = address.host().get();
    int clusterPort = (Integer) address.port().get();
    if (probePort.isEmpty()) {
      return connect(host, clusterPort) == Connect.REFUSED ? Verdict.GONE : Verdict.NOTHING;
    }
    return switch (connect(host, probePort.getAsInt())) {
      case ACCEPTED -> trusted ? Verdict.NOTHING : Verdict.PROBE_PORT_ANSWERED;
      case NO_ANSWER -> Verdict.NOTHING;
      case REFUSED -> {
        if (trusted) {
          yield Verdict.GONE;
        }
        Connect cluster = connect(host, clusterPort);
        yield cluster == Connect.REFUSED ? Verdict.GONE : cluster == Connect.ACCEPTED ? Verdict.PROBE_PORT_BLOCKED : Verdict.NOTHING;
      }
    };
  }

  /** Only an active refusal is {@link Connect#REFUSED}; a timeout or any other error is no answer. */
  static Connect connect(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
      return Connect.ACCEPTED;
    } catch (ConnectException e) {
      return e.getMessage() != null && e.getMessage().contains("refused") ? Connect.REFUSED : Connect.NO_ANSWER;
    } catch (SocketTimeoutException e) {
      return Connect.NO_ANSWER;
    } catch (IOException e) {
      return Connect.NO_ANSWER;
    }
  }
}
