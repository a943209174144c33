package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.Invitations;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogs;
import peerlink.storage.PieceRefs;
import peerlink.storage.SnapshotCriteria;
import peerlink.testing.Poll;

/**
 * The registry on the real storage plugins and a real LevelDB: a restart recovers from its checkpoints what the
 * router must remember; the kept records an older build had in its state are full blocks stored as pieces,
 * and recovered from them (a resent id, the state of a delivered message).
 */
@ExtendWith(LogCapturingExtension.class)
class RegistryCheckpointTest extends RegistryStoreTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final String REGISTRY = Registry.PERSISTENCE_ID.id();


  @Test
  void aRestartRecoversResentIdsAndDeliveredStatesAnOlderBuildKeptFromACheckpointInPieces() {
    // An older build kept each sender's ids and delivered records in its state: its journal, as it wrote it.
    int sent = 5 * KeptEntries.BLOCK + 7;
    List<RouterEvent> before = new ArrayList<>(List.of(
        new RouterEvent.PeerRegistered("alice", Signatures.encode(alice.getPublic()), NOW),
        new RouterEvent.PeerRegistered("bob", Signatures.encode(bob.getPublic()), NOW)));
    for (int i = 1; i <= sent; i++) {
      before.add(new RouterEvent.MessageAccepted("m" + i, "c" + i, "alice", "bob", null, List.of("bob"), "message " + i, NOW));
    }
    before.add(new RouterEvent.InboxAcked("bob", sent));
    RegistryOnLevelDb.journalAsBefore(dir, before);

    ActorTestKit kit = start();
    Registered registry = spawn(kit);
    for (int i = 1; i <= 40; i++) { // events enough for a checkpoint, written by this build
      registry.decide(new RouterCommand.Execute("bob", new ClientFrame.Send("b" + i, "alice", "reply " + i), registry.bob.ref()));
    }
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    // 5 full blocks of alice's sent ids and 5 of her delivered messages, still in the state
    Poll.until(Duration.ofSeconds(20), () -> store.latestSnapshotPieces(REGISTRY).size() >= 10, "a checkpoint with ten pieces");
    PieceRefs pieces = store.latestSnapshotPieces(REGISTRY);
    List<Long> stored = new ArrayList<>();
    store.readPieces(REGISTRY, pieces, (id, bytes) -> stored.add(id));
    assertEquals(pieces.size(), stored.size(), "every piece the checkpoint refers to is in the store");
    kit.shutdownTestKit();

    ActorTestKit after = start();
    Registered again = spawn(after);
    RouterCommand.BatchDone resent = again.decide(again.send("c3", "message 3"));
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c3", "m3", "DELIVERED", 1, true)), resent.replies().get(0).message(),
        "a resent id from a full block is still known, and so is its message's state");
    RouterCommand.BatchDone status = again.decide(new RouterCommand.Execute("alice", new ClientFrame.QueryStatus("s1", "m2"), again.alice.ref()));
    assertEquals(new ToSession.Reply(new ServerFrame.MessageStatus("s1", "m2", "DELIVERED", List.of("bob"), List.of("bob"))),
        status.replies().get(0).message(), "a delivered record from a full block is still known");
    RouterCommand.BatchDone fresh = again.decide(again.send("c" + (sent + 1), "one more"));
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c" + (sent + 1), "m" + (sent + 41), "SENT", 1, false)),
        fresh.replies().get(0).message());
  }

  @Test
  void aRestartRecoversPrivateGroupsInvitationsBansAndBlocksFromACheckpoint() {
    ActorTestKit kit = start();
    Registered registry = spawn(kit);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));
    registry.decide(new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g1", "secret", true), registry.alice.ref()));
    registry.decide(new RouterCommand.Execute("alice", new ClientFrame.Invite("i1", "secret", "bob"), registry.alice.ref()));
    registry.decide(new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g2", "club"), registry.alice.ref()));
    registry.decide(new RouterCommand.Execute("bob", new ClientFrame.JoinGroup("j1", "club"), registry.bob.ref()));
    registry.decide(new RouterCommand.Execute("alice", new ClientFrame.Ban("b1", "club", "bob"), registry.alice.ref()));
    registry.decide(new RouterCommand.Execute("bob", new ClientFrame.Block("k1", "alice"), registry.bob.ref()));
    for (int i = 1; i <= 40; i++) { // events enough for a checkpoint after all of the above
      registry.decide(new RouterCommand.Execute("bob", new ClientFrame.Send("b" + i, "alice", "reply " + i), registry.bob.ref()));
    }
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    Poll.until(Duration.ofSeconds(20), () -> store.latestSnapshot(REGISTRY, SnapshotCriteria.latest()).isPresent(), "a checkpoint");
    kit.shutdownTestKit();

    ActorTestKit after = start();
    Registered again = spawn(after);

    assertEquals("BLOCKED", code(again.decide(again.send("c1", "hi"))), "bob still blocks alice");
    assertEquals("BANNED", code(again.decide(new RouterCommand.Execute("bob", new ClientFrame.JoinGroup("j2", "club"), again.bob.ref()))));
    RouterCommand.BatchDone joined = again.decide(new RouterCommand.Execute("bob", new ClientFrame.JoinGroup("j3", "secret"), again.bob.ref()));
    assertEquals(new ToSession.Reply(ServerFrame.Ok.plain("j3")), joined.replies().get(0).message(), "bob's invitation to the private group is kept");
    RouterCommand.BatchDone members = again.decide(new RouterCommand.Execute("bob", new ClientFrame.ListMembers("m1", "secret"), again.bob.ref()));
    assertEquals(new ToSession.Reply(new ServerFrame.MemberList("m1", "secret", List.of("alice", "bob"), null, "alice")), members.replies().get(0).message());
  }

  @Test
  void aRestartRemembersTheInvitationsUsedBeforeTheCheckpointAndAfterIt() {
    ActorTestKit kit = start();
    Registered registry = spawn(kit, INVITING);
    registry.decide(registry.register("alice", alice, invitation("inv-1")), registry.register("bob", bob, invitation("inv-2")));
    for (int i = 1; i <= 40; i++) { // events enough for a checkpoint after both registrations
      registry.decide(registry.send("c" + i, "message " + i));
    }
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    Poll.until(Duration.ofSeconds(20), () -> store.latestSnapshot(REGISTRY, SnapshotCriteria.latest()).isPresent(), "a checkpoint");
    TestProbe<ToSession> carol = kit.createTestProbe(ToSession.class);
    RouterCommand.BatchDone carolRegistered = registry.decide(
        new RouterCommand.RegisterPeer("reg-carol", "carol", Signatures.encode(Signatures.newKeyPair().getPublic()), 0, carol.ref(), invitation("inv-3")));
    assertEquals(ToSession.Attached.class, carolRegistered.replies().get(0).message().getClass(), "after the checkpoint: only in the journal");
    kit.shutdownTestKit();

    ActorTestKit after = start();
    Registered again = spawn(after, INVITING);

    String used = "The invitation has already been used to register a peer; ask its operator for a new one.";
    assertEquals(new ServerFrame.Error("reg-dave", "INVITATION_INVALID", used), error(again.decide(newPeer(after, "dave", "inv-1"))),
        "used before the checkpoint");
    assertEquals(new ServerFrame.Error("reg-erin", "INVITATION_INVALID", used), error(again.decide(newPeer(after, "erin", "inv-3"))),
        "used after the checkpoint, known from the events replayed");
    assertEquals(ToSession.Attached.class, again.decide(newPeer(after, "frank", "inv-4")).replies().get(0).message().getClass(),
        "a new invitation still registers");
  }

  private static final RegistrationPolicy INVITING = new RegistrationPolicy(RegistrationPolicy.Mode.INVITE, new byte[32]);

  /** An invitation whose MAC the session has checked, valid for a day after NOW. */
  private static Invitations.Invitation invitation(String id) {
    return new Invitations.Invitation(id, NOW + 86_400_000);
  }

  private static RouterCommand.RegisterPeer newPeer(ActorTestKit kit, String peer, String invitationId) {
    return new RouterCommand.RegisterPeer("reg-" + peer, peer, Signatures.encode(Signatures.newKeyPair().getPublic()), 0,
        kit.createTestProbe(ToSession.class).ref(), invitation(invitationId));
  }

  private static ServerFrame.Error error(RouterCommand.BatchDone done) {
    return assertInstanceOf(ServerFrame.Error.class, assertInstanceOf(ToSession.Reply.class, done.replies().get(0).message()).frame());
  }

  private static String code(RouterCommand.BatchDone done) {
    return ((ServerFrame.Error) ((ToSession.Reply) done.replies().get(0).message()).frame()).code();
  }

  // ---- helpers ----


  /** A registry that checkpoints every 40 events, with a probe as its router and one per peer session. */
  private Registered spawn(ActorTestKit kit) {
    return spawn(kit, RegistrationPolicy.OPEN);
  }

  private Registered spawn(ActorTestKit kit, RegistrationPolicy registration) {
    TestProbe<RouterCommand> router = kit.createTestProbe(RouterCommand.class);
    RegistrySettings settings =
        new RegistrySettings(Limits.DEFAULT, 40, 1000, Duration.ofMillis(200), Quotas.DEFAULT, MessageTtl.DEFAULT, registration);
    ActorRef<Registry.Decide> registry =
        kit.spawn(Registry.create(router.ref(), settings, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)));
    router.expectMessage(new RouterCommand.RegistryReady());
    return new Registered(registry, router, kit.createTestProbe(ToSession.class), kit.createTestProbe(ToSession.class));
  }

  private record Registered(ActorRef<Registry.Decide> registry, TestProbe<RouterCommand> router,
                            TestProbe<ToSession> alice, TestProbe<ToSession> bob) {
    RouterCommand.BatchDone decide(RouterCommand.Decidable... batch) {
      registry.tell(new Registry.Decide(List.of(batch)));
      return router.expectMessageClass(RouterCommand.BatchDone.class);
    }

    RouterCommand.Execute send(String clientId, String body) {
      return new RouterCommand.Execute("alice", new ClientFrame.Send(clientId, "bob", body), alice.ref());
    }

    RouterCommand.RegisterPeer register(String peer, KeyPair key) {
      return register(peer, key, null);
    }

    RouterCommand.RegisterPeer register(String peer, KeyPair key, Invitations.Invitation invitation) {
      return new RouterCommand.RegisterPeer(
          "reg-" + peer, peer, Signatures.encode(key.getPublic()), 0, (peer.equals("alice") ? alice : bob).ref(), invitation);
    }
  }
}
