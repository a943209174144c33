package peerlink.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.ServerSocket;
import java.time.Duration;
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
    survivor = ActorTestKit.create("peerlink", node(true));
    victim = ActorTestKit.create("peerlink", node(false));
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
  void onlyARefusedConnectionCountsAsAGoneProcess() throws Exception {
    Address listening;
    try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      listening = new Address("pekko", "peerlink", "127.0.0.1", socket.getLocalPort());
      assertFalse(CrashDetector.connectionRefused(listening), "something listens there");
    }
    assertTrue(CrashDetector.connectionRefused(listening), "the port was closed");
    assertFalse(CrashDetector.connectionRefused(new Address("pekko", "peerlink")), "a local address has no port to try");
  }
}
