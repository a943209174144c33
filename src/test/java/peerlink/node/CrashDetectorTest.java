package peerlink.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A member whose process is gone is downed and removed long before the heartbeats would notice; a member
 * that is alive is left alone. The heartbeats are set to wait a minute, so only the detector can explain
 * a removal within seconds.
 */
class CrashDetectorTest {
  private static final Duration HEARTBEATS_WOULD_TAKE = Duration.ofSeconds(60);
  private ActorTestKit survivor;
  private ActorTestKit victim;

  private static Config node(boolean leavesOnTerminate) {
    return ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.cluster.jmx.enabled = off\n"
                + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = " + HEARTBEATS_WOULD_TAKE.toSeconds() + "s\n"
                // A crash: the process stops without telling the cluster it leaves.
                + "pekko.coordinated-shutdown.run-by-actor-system-terminate = " + (leavesOnTerminate ? "on" : "off") + "\n")
        .withFallback(ConfigFactory.load());
  }

  @AfterEach
  void stop() {
    if (victim != null) {
      victim.shutdownTestKit();
    }
    if (survivor != null) {
      survivor.shutdownTestKit();
    }
  }

  /** Two members, both up; the detector runs on the survivor. Returns the probe of the survivor's member events. */
  private TestProbe<ClusterEvent.MemberEvent> twoMembers() {
    return twoMembers(node(false));
  }

  /** As above, the victim with {@code victimConfig}. */
  private TestProbe<ClusterEvent.MemberEvent> twoMembers(Config victimConfig) {
    survivor = ActorTestKit.create("peerlink", node(true));
    victim = ActorTestKit.create("peerlink", victimConfig);
    Address first = Cluster.get(survivor.system()).selfMember().address();
    TestProbe<SelfUp> up = victim.createTestProbe(SelfUp.class);
    Cluster.get(victim.system()).subscriptions().tell(Subscribe.create(up.getRef(), SelfUp.class));
    Cluster.get(survivor.system()).manager().tell(Join.create(first));
    Cluster.get(victim.system()).manager().tell(Join.create(first));
    up.expectMessageClass(SelfUp.class, Duration.ofSeconds(30));
    TestProbe<ClusterEvent.MemberEvent> events = survivor.createTestProbe(ClusterEvent.MemberEvent.class);
    Cluster.get(survivor.system()).subscriptions().tell(Subscribe.create(events.getRef(), ClusterEvent.MemberEvent.class));
    survivor.spawn(CrashDetector.create(), "crash-detector");
    return events;
  }

  @Test
  void aMemberWhoseProcessIsGoneIsDownedAndRemovedWithinSeconds() {
    TestProbe<ClusterEvent.MemberEvent> events = twoMembers();
    Address gone = Cluster.get(victim.system()).selfMember().address();

    victim.system().terminate(); // closes its cluster port without leaving
    victim.system().getWhenTerminated().toCompletableFuture().join();
    victim = null;

    awaitEvent(events, ClusterEvent.MemberDowned.class, gone);
    awaitEvent(events, ClusterEvent.MemberRemoved.class, gone);
  }

  /** Waits for the event of {@code type} about {@code member}; the heartbeats alone would take a minute. */
  private static void awaitEvent(TestProbe<ClusterEvent.MemberEvent> events, Class<?> type, Address member) {
    events.fishForMessage(Duration.ofSeconds(20), e -> type.isInstance(e) && e.member().address().equals(member)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

  @Test
  void aLiveMemberIsNeverDowned() {
    twoMembers();
    TestProbe<ClusterEvent.MemberDowned> downed = survivor.createTestProbe(ClusterEvent.MemberDowned.class);
    Cluster.get(survivor.system()).subscriptions().tell(Subscribe.create(downed.getRef(), ClusterEvent.MemberDowned.class));

    // Ten probing rounds: the victim's port accepts connections, so nothing happens to it.
    downed.expectNoMessage(CrashDetector.INTERVAL.multipliedBy(10));

    assertEquals(MemberStatus.up(), Cluster.get(survivor.system()).state().members().find(
        m -> m.address().equals(Cluster.get(victim.system()).selfMember().address())).get().status());
  }

  @Test
  void aMemberIsProbedOnTheCrashProbePortItAnnounces() {
    CrashProbeTarget target = CrashProbeTarget.openOrNull("127.0.0.1", 0);
    twoMembers(target.announcedIn(node(false).withValue("pekko.cluster.roles",
        com.typesafe.config.ConfigValueFactory.fromIterable(java.util.List.of("router")))));
    TestProbe<ClusterEvent.MemberDowned> downed = survivor.createTestProbe(ClusterEvent.MemberDowned.class);
    Cluster.get(survivor.system()).subscriptions().tell(Subscribe.create(downed.getRef(), ClusterEvent.MemberDowned.class));
    Address member = Cluster.get(victim.system()).selfMember().address();
    // Rounds in which the probe port accepts: from then on its refusal is believed.
    downed.expectNoMessage(CrashDetector.INTERVAL.multipliedBy(5));

    // Only the probe port goes (a node's goes with its actor system): its cluster port still accepts, so
    // only a detector that probes the announced port can down it now.
    target.close();

    assertEquals(member, downed.expectMessageClass(ClusterEvent.MemberDowned.class, Duration.ofSeconds(5)).member().address());
  }

  @Test
  void withoutAProbePortOnlyARefusedClusterPortCountsAsAGoneProcess() throws Exception {
    Address listening;
    try (ServerSocket socket = loopback()) {
      listening = at(socket.getLocalPort());
      assertEquals(CrashDetector.Verdict.NOTHING, CrashDetector.check(listening, OptionalInt.empty(), false), "something listens there");
    }
    assertEquals(CrashDetector.Verdict.GONE, CrashDetector.check(listening, OptionalInt.empty(), false), "the port was closed");
    assertEquals(CrashDetector.Verdict.NOTHING, CrashDetector.check(new Address("pekko", "peerlink"), OptionalInt.empty(), false),
        "a local address has no port to try");
  }

  @Test
  void aProbePortsRefusalCountsOnlyOnceItHasAccepted() throws Exception {
    try (ServerSocket cluster = loopback()) {
      Address member = at(cluster.getLocalPort());
      CrashProbeTarget target = CrashProbeTarget.openOrNull("127.0.0.1", 0);
      OptionalInt probePort = OptionalInt.of(target.port());
      assertEquals(CrashDetector.Verdict.PROBE_PORT_ANSWERED, CrashDetector.check(member, probePort, false));
      assertEquals(CrashDetector.Verdict.NOTHING, CrashDetector.check(member, probePort, true));
      target.close();

      assertEquals(CrashDetector.Verdict.GONE, CrashDetector.check(member, probePort, true), "it accepted before: the process is gone");
      // Never seen accepting, while the cluster port accepts: a firewall that rejects, not a dead node.
      assertEquals(CrashDetector.Verdict.PROBE_PORT_BLOCKED, CrashDetector.check(member, probePort, false));
    }
  }

  @Test
  void aMemberWhoseClusterPortAlsoRefusesIsGoneEvenIfItsProbePortNeverAnswered() throws Exception {
    int closedProbe;
    int closedCluster;
    try (ServerSocket a = loopback(); ServerSocket b = loopback()) {
      closedProbe = a.getLocalPort();
      closedCluster = b.getLocalPort();
    }
    assertEquals(CrashDetector.Verdict.GONE, CrashDetector.check(at(closedCluster), OptionalInt.of(closedProbe), false));
  }

  @Test
  void theProbePortIsReadFromTheRolesAndNothingElseIsTakenForIt() {
    assertEquals(OptionalInt.of(41234), CrashProbeTarget.portOf(Set.of("router", "crash-probe-41234")));
    assertEquals(OptionalInt.empty(), CrashProbeTarget.portOf(Set.of("router")));
    assertEquals(OptionalInt.empty(), CrashProbeTarget.portOf(Set.of("crash-probe-x", "crash-probe-0", "crash-probe-70000")));
  }

  private static ServerSocket loopback() throws java.io.IOException {
    return new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
  }

  private static Address at(int port) {
    return new Address("pekko", "peerlink", "127.0.0.1", port);
  }
}
