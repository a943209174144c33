package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import peerlink.protocol.Invitations.Invitation;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * The deployment's registration policy (issue 22) as the router's rules apply it, with the time given: who
 * may register a new ID when the router is open, takes invitations, or is closed, and what a refused client
 * is told (code and sentence). Registered peers always get in. The invitations here have good MACs: the
 * session checks those before the router is asked (SessionTest); the registry judges expiry and use.
 */
class RegistrationPolicyDecisionsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final long NOW = 1_700_000_000_000L;
  private static final String NONCE = "nonce-of-this-connection";
  private static final String INVITATION_REQUIRED =
      "This router registers new peers only with an invitation: ask its operator for one (bin/peerlink invite) and register with it "
          + "(in the console: REGISTER <invitation>).";
  private static final String INVITATION_USED = "The invitation has already been used to register a peer; ask its operator for a new one.";

  private final RouterState state = new RouterState();
  private final Map<String, KeyPair> keys = new HashMap<>();
  private final Map<String, ActorRef<ToSession>> sessions = new HashMap<>();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  // ---- closed ----

  @Test
  void aClosedRouterRefusesANewIdAndKeepsNothing() {
    Decisions.Decided refused = decide(RegistrationPolicy.Mode.CLOSED, NOW, register("r1", "alice", null));

    assertEquals(List.of(), refused.events());
    assertEquals(
        new ServerFrame.Error("r1", "REGISTRATION_CLOSED", "This router takes no new registrations; 'alice' is not registered. Registered peers can still log in."),
        onlyError(refused, "alice"));
  }

  @Test
  void aPeerRegisteredBeforeTheRouterClosedStillLogsInAndRegistersAgainWithItsKey() {
    apply(decide(RegistrationPolicy.Mode.OPEN, NOW, register("r1", "alice", null)));

    Decisions.Decided login = decide(RegistrationPolicy.Mode.CLOSED, NOW, login("l1", "alice"));
    Decisions.Decided again = decide(RegistrationPolicy.Mode.CLOSED, NOW, register("r2", "alice", null));

    assertEquals(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 0), List.of()), onlyReply(login, "alice"));
    assertEquals(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r2", "alice", 0), List.of()), onlyReply(again, "alice"),
        "registering again with the registered key is a login");
    assertEquals(List.of(), again.events());
  }

  // ---- invite ----

  @Test
  void anInvitingRouterRefusesANewIdWithoutAnInvitationSayingHowToGetOne() {
    Decisions.Decided refused = decide(RegistrationPolicy.Mode.INVITE, NOW, register("r1", "alice", null));

    assertEquals(List.of(), refused.events());
    assertEquals(new ServerFrame.Error("r1", "INVITATION_REQUIRED", INVITATION_REQUIRED), onlyError(refused, "alice"));
  }

  @Test
  void anInvitationRegistersOnePeerAndTheEventSaysWhichInvitationItUsed() {
    Decisions.Decided registered = decide(RegistrationPolicy.Mode.INVITE, NOW, register("r1", "alice", new Invitation("inv-1", NOW + 60_000)));

    assertEquals(List.of(new RouterEvent.PeerRegistered("alice", key("alice"), NOW, "inv-1")), registered.events());
    assertEquals(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r1", "alice", 0), List.of()), onlyReply(registered, "alice"));
  }

  @Test
  void anExpiredInvitationIsRefusedByTheTimeTheRouterDecidesWith() {
    Invitation expiring = new Invitation("inv-1", NOW + 60_000);

    Decisions.Decided expired = decide(RegistrationPolicy.Mode.INVITE, NOW + 60_000, register("r1", "alice", expiring));

    assertEquals(List.of(), expired.events());
    assertEquals(
        new ServerFrame.Error("r1", "INVITATION_INVALID", "The invitation expired at 2023-11-14T22:14:20Z; ask its operator for a new one."),
        onlyError(expired, "alice"));
    assertEquals(1, decide(RegistrationPolicy.Mode.INVITE, NOW + 59_999, register("r1", "alice", expiring)).events().size(),
        "a millisecond earlier it registers");
  }

  @Test
  void anInvitationUsedOnceIsRefusedToASecondIdInALaterBatch() {
    apply(decide(RegistrationPolicy.Mode.INVITE, NOW, register("r1", "alice", new Invitation("inv-1", NOW + 60_000))));

    Decisions.Decided second = decide(RegistrationPolicy.Mode.INVITE, NOW + 1_000, register("r2", "bob", new Invitation("inv-1", NOW + 60_000)));

    assertEquals(List.of(), second.events());
    assertEquals(new ServerFrame.Error("r2", "INVITATION_INVALID", INVITATION_USED), onlyError(second, "bob"));
  }

  @Test
  void anInvitationUsedOnceIsRefusedToASecondIdInTheSameBatch() {
    Invitation invitation = new Invitation("inv-1", NOW + 60_000);

    Decisions.Decided batch = decide(RegistrationPolicy.Mode.INVITE, NOW, register("r1", "alice", invitation), register("r2", "bob", invitation));

    assertEquals(List.of(new RouterEvent.PeerRegistered("alice", key("alice"), NOW, "inv-1")), batch.events());
    assertEquals(2, batch.replies().size(), "replies: " + batch.replies());
    assertSame(session("bob"), batch.replies().get(1).to());
    assertEquals(new ServerFrame.Error("r2", "INVITATION_INVALID", INVITATION_USED), errorFrame(batch.replies().get(1).message()));
  }

  @Test
  void aPeerRegisteredByInvitationLogsInAndRegistersAgainWithoutOne() {
    apply(decide(RegistrationPolicy.Mode.INVITE, NOW, register("r1", "alice", new Invitation("inv-1", NOW + 60_000))));

    Decisions.Decided login = decide(RegistrationPolicy.Mode.INVITE, NOW, login("l1", "alice"));
    Decisions.Decided again = decide(RegistrationPolicy.Mode.INVITE, NOW, register("r2", "alice", null));

    assertInstanceOf(ToSession.Attached.class, onlyReply(login, "alice"));
    assertEquals(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r2", "alice", 0), List.of()), onlyReply(again, "alice"));
  }

  // ---- open ----

  @Test
  void anOpenRouterRegistersWithoutAnInvitationAndIgnoresOneItIsGiven() {
    Invitation used = new Invitation("inv-1", NOW + 60_000);
    Invitation expired = new Invitation("inv-2", NOW - 1);

    Decisions.Decided batch = decide(RegistrationPolicy.Mode.OPEN, NOW,
        register("r1", "alice", null), register("r2", "bob", used), register("r3", "carol", used), register("r4", "dave", expired));

    assertEquals(
        List.of(
            new RouterEvent.PeerRegistered("alice", key("alice"), NOW, null),
            new RouterEvent.PeerRegistered("bob", key("bob"), NOW, null),
            new RouterEvent.PeerRegistered("carol", key("carol"), NOW, null),
            new RouterEvent.PeerRegistered("dave", key("dave"), NOW, null)),
        batch.events(), "no invitation is used up or judged");
  }

  // ---- helpers ----

  private Decisions.Decided decide(RegistrationPolicy.Mode policy, long now, RouterCommand.Decidable... batch) {
    return Decisions.decide(state, Arrays.asList(batch), Limits.DEFAULT, Quotas.DEFAULT, MessageTtl.DEFAULT, policy, now, Decisions.EventCheck.ANY);
  }

  private void apply(Decisions.Decided decided) {
    decided.events().forEach(state::apply);
    state.drainNewPushes();
  }

  /** A registration of {@code peer} with its key (made on first use), carrying {@code invitation} (null: none). */
  private RouterCommand.RegisterPeer register(String requestId, String peer, Invitation invitation) {
    return new RouterCommand.RegisterPeer(requestId, peer, key(peer), 0, session(peer), invitation);
  }

  /** A login with {@code peer}'s key, as from a client that did not send its public key: the registry verifies it. */
  private RouterCommand.Authenticate login(String requestId, String peer) {
    KeyPair key = keys.get(peer);
    return new RouterCommand.Authenticate(requestId, peer, NONCE, Signatures.sign(key.getPrivate(), NONCE, peer), null, 0, session(peer));
  }

  private String key(String peer) {
    return Signatures.encode(keys.computeIfAbsent(peer, p -> Signatures.newKeyPair()).getPublic());
  }

  private ActorRef<ToSession> session(String peer) {
    return sessions.computeIfAbsent(peer, p -> testKit.<ToSession>createTestProbe().ref());
  }

  private ToSession onlyReply(Decisions.Decided decided, String peer) {
    assertEquals(1, decided.replies().size(), "replies: " + decided.replies());
    assertSame(session(peer), decided.replies().get(0).to(), "the reply goes to the session that asked");
    return decided.replies().get(0).message();
  }

  private ServerFrame.Error onlyError(Decisions.Decided decided, String peer) {
    return errorFrame(onlyReply(decided, peer));
  }

  private static ServerFrame.Error errorFrame(ToSession message) {
    return assertInstanceOf(ServerFrame.Error.class, assertInstanceOf(ToSession.Reply.class, message).frame());
  }
}
