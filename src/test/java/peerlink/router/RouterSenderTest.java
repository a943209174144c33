package peerlink.router;

import peerlink.testing.LoopbackCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * Defence in depth inside the cluster (docs/architecture.md, "Trust"): the router takes session commands
 * only from sessions on a router node of the cluster, and acts as a peer only for the session that
 * authenticated it. Two actor systems over real loopback remoting: "here" runs the router, "there" is
 * a node that is not (or, where a test says so, is) a router member.
 */
@ExtendWith(LogCapturingExtension.class)
class RouterSenderTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final Duration QUIET = Duration.ofSeconds(1);
  private static final String NONCE = "nonce-of-a-connection";

  private ActorTestKit here;
  private ActorTestKit there;
  private ActorRef<RouterCommand> router;
  private volatile Set<Address> routerNodes = Set.of();
  private final Map<String, KeyPair> keys = new HashMap<>();

  @BeforeEach
  void start() {
    here = ActorTestKit.create("peerlink", PersistenceTestKitPlugin.config().withFallback(PersistenceTestKitSnapshotPlugin.config()).withFallback(remote()));
    there = ActorTestKit.create("peerlink", remote());
    RegistrySettings settings = new RegistrySettings(Limits.DEFAULT, 1000, 1000, Duration.ofMillis(200));
    router = here.spawn(Router.create(settings, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), address -> routerNodes.contains(address)),
        "router");
  }

  @AfterEach
  void stop() {
    there.shutdownTestKit();
    here.shutdownTestKit();
  }

  @Test
  void anExecuteForAPeerFromASessionThatDidNotAuthenticateItIsNotActedOn() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    TestProbe<ToSession> forger = here.createTestProbe(ToSession.class);

    router.tell(new RouterCommand.Execute("alice", new ClientFrame.Send("x1", "bob", "sent as alice by another session"), forger.getRef()));

    forger.expectNoMessage(QUIET);
    bob.expectNoMessage(Duration.ZERO);
    // alice's own session still acts as alice, and bob's first message is hers.
    router.tell(new RouterCommand.Execute("alice", new ClientFrame.Send("c1", "bob", "hello"), alice.getRef()));
    ToSession.Pushed pushed = bob.expectMessageClass(ToSession.Pushed.class);
    assertEquals(List.of(new ServerFrame.Message(1, "m1", "alice", "bob", null, "hello", NOW)), pushed.pushes());
  }

  @Test
  void aResumeFromANodeThatIsNotARouterMemberGetsNothing() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    router.tell(new RouterCommand.Execute("alice", new ClientFrame.Send("c1", "bob", "private"), alice.getRef()));
    bob.expectMessageClass(ToSession.Pushed.class);
    TestProbe<ToSession> outsider = there.createTestProbe(ToSession.class);

    // Even with a proof of bob's login (say, one it captured): not a router member.
    remoteRouter().tell(provenResume("bob", outsider.getRef()));

    outsider.expectNoMessage(QUIET);
    bob.expectNoMessage(Duration.ZERO); // not replaced either

    // The same command from a router member's session is taken: the test would see it (here as the older
    // session of bob, who logged in with this router instance since: aResumeAfterThePeersLoginHere...).
    routerNodes = Set.of(Cluster.get(there.system()).selfMember().address());
    remoteRouter().tell(provenResume("bob", outsider.getRef()));
    assertInstanceOf(ToSession.Replaced.class, outsider.receiveMessage(Duration.ofSeconds(10)));
  }

  /**
   * After a failover a session on another node resumes its peer with the new router instance; if that peer has
   * logged in with this instance since (its client reconnected elsewhere while the old session still resumed),
   * the resume is the older of the two: it is closed as replaced, and the live login keeps the peer.
   */
  @Test
  void aResumeAfterThePeersLoginHereIsTheOlderSessionAndTheLoginKeepsThePeer() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    routerNodes = Set.of(Cluster.get(there.system()).selfMember().address());
    TestProbe<ToSession> stale = there.createTestProbe(ToSession.class);

    remoteRouter().tell(provenResume("bob", stale.getRef()));

    assertEquals(new ToSession.Replaced(), stale.receiveMessage(Duration.ofSeconds(10)));
    bob.expectNoMessage(QUIET); // not replaced
    router.tell(new RouterCommand.Execute("alice", new ClientFrame.Send("c1", "bob", "to the live login"), alice.getRef()));
    assertEquals("to the live login", ((ServerFrame.Message) bob.expectMessageClass(ToSession.Pushed.class).pushes().get(0)).body());
    stale.expectNoMessage(Duration.ZERO);
  }

  @Test
  void aRouterMembersSessionResumingAPeerWithoutAValidProofOfItsLoginGetsNoBacklog() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    router.tell(new RouterCommand.Execute("alice", new ClientFrame.Send("c1", "bob", "private"), alice.getRef()));
    bob.expectMessageClass(ToSession.Pushed.class);
    routerNodes = Set.of(Cluster.get(there.system()).selfMember().address());
    TestProbe<ToSession> confused = there.createTestProbe(ToSession.class);
    KeyPair someoneElse = Signatures.newKeyPair();

    remoteRouter().tell(new RouterCommand.Resume("bob", 0, NONCE, Signatures.sign(someoneElse.getPrivate(), NONCE, "bob"), confused.getRef()));
    remoteRouter().tell(new RouterCommand.Resume("bob", 0, null, null, confused.getRef()));

    assertEquals(new ToSession.ResumeRefused("bob"), confused.receiveMessage(Duration.ofSeconds(10)));
    assertEquals(new ToSession.ResumeRefused("bob"), confused.receiveMessage(Duration.ofSeconds(10)));
    // Not attached to bob either: its page requests as bob are not answered, and bob keeps his session.
    remoteRouter().tell(new RouterCommand.FetchPushes("bob", 0, confused.getRef()));
    confused.expectNoMessage(QUIET);
    bob.expectNoMessage(Duration.ZERO);
    router.tell(new RouterCommand.Execute("alice", new ClientFrame.Send("c2", "bob", "still bob's"), alice.getRef()));
    assertEquals("still bob's", ((ServerFrame.Message) bob.expectMessageClass(ToSession.Pushed.class).pushes().get(0)).body());
  }

  /** A resume carrying the proof of a login of {@code peer} (its signature of a connection's nonce). */
  private RouterCommand.Resume provenResume(String peer, ActorRef<ToSession> session) {
    return new RouterCommand.Resume(peer, 0, NONCE, Signatures.sign(keys.get(peer).getPrivate(), NONCE, peer), session);
  }

  private ActorRef<RouterCommand> remoteRouter() {
    String path = ActorRefResolver.get(here.system()).toSerializationFormat(router);
    return ActorRefResolver.get(there.system()).resolveActorRef(path);
  }

  private TestProbe<ToSession> register(String peer) {
    TestProbe<ToSession> session = here.createTestProbe(ToSession.class);
    KeyPair key = keys.computeIfAbsent(peer, p -> Signatures.newKeyPair());
    router.tell(new RouterCommand.RegisterPeer("reg-" + peer, peer, Signatures.encode(key.getPublic()), 0, session.getRef()));
    session.expectMessageClass(ToSession.Attached.class, Duration.ofSeconds(10));
    return session;
  }

  private static Config remote() {
    return LoopbackCluster.config();
  }
}
