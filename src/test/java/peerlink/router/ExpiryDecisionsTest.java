package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * Message time-to-live (issue 22) as the router's rules apply it, with the time given: a recipient that has
 * not acknowledged a message when its time runs out never gets it (EXPIRED), the message leaves its inbox
 * (freeing its quota), and the sender is told. What the sender sees is what is asserted.
 */
class ExpiryDecisionsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final long NOW = 1_700_000_000_000L;
  /** Up to an hour may be asked for; none by default. */
  private static final MessageTtl TTL = new MessageTtl(Duration.ofHours(1), Duration.ZERO);

  private final RouterState state = new RouterState();
  private final Map<String, ActorRef<ToSession>> sessions = new HashMap<>();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void anUnacknowledgedMessageExpiresWhenItsTimeRunsOutAndTheSenderIsTold() {
    peers("alice", "bob");
    apply(decide(NOW, send("alice", "c1", "bob", "hi", 10)));

    assertEquals(List.of(), Decisions.expiries(state, NOW + 9_999, Decisions.EventCheck.ANY), "not yet");
    List<RouterEvent> expired = Decisions.expiries(state, NOW + 10_000, Decisions.EventCheck.ANY);

    assertEquals(List.of(new RouterEvent.MessageExpired("m1", List.of("bob"), List.of(1L), NOW + 10_000)), expired);
    expired.forEach(state::apply);
    assertEquals(List.of(new ServerFrame.Expired(1, "m1", "bob", 1, 1)), state.drainNewPushes().get("alice"));
    assertEquals(List.of(), state.peer("bob").pushesAfter("bob", 0, AsideStore.NONE), "bob will never get it");
    ServerFrame.MessageStatus status = status("m1");
    assertEquals("EXPIRED", status.state());
    assertEquals(List.of("bob"), status.expired());
    assertEquals(List.of(), Decisions.expiries(state, NOW + 60_000, Decisions.EventCheck.ANY), "it expires once");
  }

  @Test
  void aGroupMessageExpiresOnlyForTheMembersThatHaveNotAcknowledgedIt() {
    peers("alice", "bob", "carol");
    apply(decide(NOW, execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    apply(decide(NOW, execute("bob", new ClientFrame.JoinGroup("j1", "team"))));
    apply(decide(NOW, execute("carol", new ClientFrame.JoinGroup("j2", "team"))));
    apply(decide(NOW, send("alice", "c1", "team", "hi team", 5)));
    apply(decide(NOW + 1_000, new RouterCommand.Acknowledge("bob", 1, session("bob"))));

    Decisions.expiries(state, NOW + 5_000, Decisions.EventCheck.ANY).forEach(state::apply);

    assertEquals(List.of(new ServerFrame.Expired(2, "m1", "carol", 1, 2)), state.drainNewPushes().get("alice"),
        "after bob's delivered push (seq 1)");
    ServerFrame.MessageStatus status = status("m1");
    assertEquals("EXPIRED", status.state());
    assertEquals(List.of("bob"), status.delivered());
    assertEquals(List.of("carol"), status.expired());
  }

  @Test
  void aMessageAcknowledgedInTimeNeverExpires() {
    peers("alice", "bob");
    apply(decide(NOW, send("alice", "c1", "bob", "hi", 10)));
    apply(decide(NOW + 1_000, new RouterCommand.Acknowledge("bob", 1, session("bob"))));

    assertEquals(List.of(), Decisions.expiries(state, NOW + 3_600_000, Decisions.EventCheck.ANY));
    assertNull(state.earliestDeadline(), "nothing waits for a deadline");
    assertEquals("DELIVERED", status("m1").state());
  }

  @Test
  void anExpiredMessageFreesItsPlaceInTheRecipientsInbox() {
    peers("alice", "bob");
    Quotas oneMessage = new Quotas(1, 1024, 10, 10);
    apply(Decisions.decide(state, List.of(send("alice", "c1", "bob", "first", 10)), Limits.DEFAULT, oneMessage, TTL, NOW, Decisions.EventCheck.ANY));
    Decisions.Decided full = Decisions.decide(state, List.of(send("alice", "c2", "bob", "second")), Limits.DEFAULT, oneMessage, TTL, NOW, Decisions.EventCheck.ANY);
    assertEquals("INBOX_FULL", error(full).code());

    Decisions.expiries(state, NOW + 10_000, Decisions.EventCheck.ANY).forEach(state::apply);
    assertEquals(0, state.peer("bob").inboxMessages(), "the expired message no longer counts");
    Decisions.Decided again = Decisions.decide(state, List.of(send("alice", "c2", "bob", "second")), Limits.DEFAULT, oneMessage, TTL, NOW + 10_000, Decisions.EventCheck.ANY);

    assertEquals("SENT", ok(again).state());
  }

  @Test
  void aTimeToLiveAboveTheMaximumIsRefusedWithTtlOutOfRangeAndNothingIsKept() {
    peers("alice", "bob");

    Decisions.Decided refused = decide(NOW, send("alice", "c1", "bob", "hi", 3601));

    assertEquals(List.of(), refused.events());
    ServerFrame.Error error = error(refused);
    assertEquals("TTL_OUT_OF_RANGE", error.code());
    assertEquals("A time-to-live of 3601 s is longer than this router allows (3600 s); send it with a shorter one.", error.message());
  }

  @Test
  void aSendWithoutTimeToLiveGetsTheDeploymentsDefault() {
    peers("alice", "bob");
    MessageTtl aMinute = new MessageTtl(Duration.ofHours(1), Duration.ofMinutes(1));

    Decisions.Decided decided = Decisions.decide(state, List.of(send("alice", "c1", "bob", "hi")), Limits.DEFAULT, Quotas.DEFAULT, aMinute, NOW, Decisions.EventCheck.ANY);

    assertEquals(NOW + 60_000, assertInstanceOf(RouterEvent.MessageAccepted.class, decided.events().get(0)).expiresAt());
    assertNull(assertInstanceOf(RouterEvent.MessageAccepted.class, decide(NOW, send("alice", "c2", "bob", "hi")).events().get(0)).expiresAt(),
        "no default: no time-to-live");
  }

  @Test
  void messagesExpireEarliestDeadlineFirstAndAtMostAWritesWorthAtATime() {
    peers("alice", "bob");
    apply(decide(NOW, send("alice", "late", "bob", "b", 20), send("alice", "early", "bob", "a", 10)));

    List<RouterEvent> due = Decisions.expiries(state, NOW + 30_000, Decisions.EventCheck.ANY);

    assertEquals(List.of("m2", "m1"), due.stream().map(e -> ((RouterEvent.MessageExpired) e).msgId()).toList());
  }

  // ---- helpers ----

  private Decisions.Decided decide(long now, RouterCommand.Decidable... batch) {
    return Decisions.decide(state, Arrays.asList(batch), Limits.DEFAULT, Quotas.DEFAULT, TTL, now, Decisions.EventCheck.ANY);
  }

  private void apply(Decisions.Decided decided) {
    decided.events().forEach(state::apply);
    state.drainNewPushes();
  }

  private void peers(String... peers) {
    for (String peer : peers) {
      apply(decide(NOW, new RouterCommand.RegisterPeer("reg-" + peer, peer, Signatures.encode(Signatures.newKeyPair().getPublic()), 0, session(peer))));
    }
  }

  private ServerFrame.MessageStatus status(String msgId) {
    Decisions.Decided decided = decide(NOW, execute("alice", new ClientFrame.QueryStatus("q", msgId)));
    return assertInstanceOf(ServerFrame.MessageStatus.class, assertInstanceOf(ToSession.Reply.class, decided.replies().get(0).message()).frame());
  }

  private RouterCommand.Execute send(String from, String clientId, String to, String body) {
    return execute(from, new ClientFrame.Send(clientId, to, body));
  }

  private RouterCommand.Execute send(String from, String clientId, String to, String body, int ttlSeconds) {
    return execute(from, new ClientFrame.Send(clientId, to, body, null, ttlSeconds));
  }

  private RouterCommand.Execute execute(String peer, ClientFrame.Request request) {
    return new RouterCommand.Execute(peer, request, session(peer));
  }

  private ActorRef<ToSession> session(String peer) {
    return sessions.computeIfAbsent(peer, p -> testKit.<ToSession>createTestProbe().ref());
  }

  private static ServerFrame.Error error(Decisions.Decided decided) {
    return assertInstanceOf(ServerFrame.Error.class, assertInstanceOf(ToSession.Reply.class, decided.replies().get(0).message()).frame());
  }

  private static ServerFrame.Ok ok(Decisions.Decided decided) {
    return assertInstanceOf(ServerFrame.Ok.class, assertInstanceOf(ToSession.Reply.class, decided.replies().get(0).message()).frame());
  }
}
