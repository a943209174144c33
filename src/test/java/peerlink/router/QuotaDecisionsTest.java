package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.Limits;
import peerlink.protocol.ProtocolException;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * The per-peer quotas of issue 22 ("no client can hurt another") as the router's rules apply them: inbox
 * messages and bytes (REJECTED per recipient, INBOX_FULL when nobody can take a send), groups per peer,
 * members per group, and pages of {@code groups} and {@code members}. Small quotas, so each bound is reached
 * in a few commands; what the sender sees (code and sentence) is what is asserted.
 */
class QuotaDecisionsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final long NOW = 1_700_000_000_000L;
  /** 2 messages or 10 bytes per inbox, 2 groups per peer, 3 members per group. */
  private static final Quotas QUOTAS = new Quotas(2, 10, 2, 3);
  private static final String BOB_FULL = "bob's inbox is full (at most 2 messages or 10 bytes may wait to be read); try again later.";

  private final RouterState state = new RouterState();
  private final Map<String, ActorRef<ToSession>> sessions = new HashMap<>();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  // ---- inbox: messages ----

  @Test
  void aDirectSendToAnInboxHoldingTheMostMessagesIsRefusedWithInboxFullAndNothingIsKept() {
    peers("alice", "bob");
    apply(decide(send("alice", "c1", "bob", "1"), send("alice", "c2", "bob", "2")));

    Decisions.Decided refused = decide(send("alice", "c3", "bob", "3"));

    assertEquals(List.of(), refused.events(), "no message is created, so none waits anywhere");
    ServerFrame.Error error = error(refused, "alice");
    assertEquals("c3", error.id());
    assertEquals("INBOX_FULL", error.code());
    assertEquals(BOB_FULL, error.message());
    assertEquals(2, state.peer("bob").inboxMessages());
  }

  @Test
  void sendsEarlierInTheSameBatchCountTowardTheInbox() {
    peers("alice", "bob");

    Decisions.Decided decided = decide(send("alice", "c1", "bob", "1"), send("alice", "c2", "bob", "2"), send("alice", "c3", "bob", "3"));

    assertEquals(2, decided.events().size());
    assertEquals("INBOX_FULL", assertInstanceOf(ServerFrame.Error.class, frame(decided.replies().get(2))).code());
  }

  @Test
  void acknowledgingMakesRoomAndTheRefusedIdCanBeSentAgain() {
    peers("alice", "bob");
    apply(decide(send("alice", "c1", "bob", "1"), send("alice", "c2", "bob", "2")));
    assertEquals("INBOX_FULL", error(decide(send("alice", "c3", "bob", "3")), "alice").code());

    apply(decide(new RouterCommand.Acknowledge("bob", 1, session("bob"))));
    Decisions.Decided again = decide(send("alice", "c3", "bob", "3"));

    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c3", "m3", "SENT", 1, false)), onlyReply(again, "alice"));
  }

  @Test
  void deliveredNoticesInAnInboxDoNotCountAsMessagesWaiting() {
    peers("alice", "bob");
    apply(decide(send("alice", "c1", "bob", "1"), send("alice", "c2", "bob", "2")));
    apply(decide(new RouterCommand.Acknowledge("bob", 2, session("bob")))); // alice now has two delivered notices she has not acknowledged

    Decisions.Decided decided = decide(send("bob", "c1", "alice", "3"));

    assertEquals(1, decided.events().size());
    assertEquals(2, state.peer("alice").inboxSize());
    assertEquals(0, state.peer("alice").inboxMessages());
  }

  // ---- inbox: bytes ----

  @Test
  void aSendThatWouldTakeTheInboxOverItsBytesIsRefusedWithInboxFull() {
    peers("alice", "bob");
    apply(decide(send("alice", "c1", "bob", "12345678")));

    Decisions.Decided refused = decide(send("alice", "c2", "bob", "abc"));
    Decisions.Decided fits = decide(send("alice", "c3", "bob", "ab"));

    assertEquals("INBOX_FULL", error(refused, "alice").code());
    assertEquals(BOB_FULL, error(refused, "alice").message());
    assertEquals(1, fits.events().size(), "8 + 2 bytes is exactly the quota");
  }

  @Test
  void bytesAreCountedInUtf8() {
    peers("alice", "bob");

    Decisions.Decided refused = decide(send("alice", "c1", "bob", "ééééé€")); // 6 characters, 13 bytes

    assertEquals("INBOX_FULL", error(refused, "alice").code());
  }

  // ---- inbox: groups ----

  @Test
  void aGroupSendIsAcceptedForTheMembersWithRoomAndRejectedForTheFullOneAndTheSenderIsToldWhich() {
    Quotas roomy = new Quotas(1, 1000, 10, 10);
    peers("alice", "bob", "carol", "dave", "erin", "fred");
    apply(decide(roomy, execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    for (String member : List.of("bob", "carol", "dave", "erin", "fred")) {
      apply(decide(roomy, execute(member, new ClientFrame.JoinGroup("j1", "team"))));
    }
    apply(decide(roomy, send("carol", "x1", "dave", "fills dave's inbox")));

    Decisions.Decided decided = decide(roomy, send("alice", "c1", "team", "hi team"));

    assertEquals(
        List.of(new RouterEvent.MessageAccepted("m2", "c1", "alice", "team", "team", List.of("bob", "carol", "erin", "fred"), "hi team", NOW, null, List.of("dave"))),
        decided.events());
    ServerFrame.Ok ok = assertInstanceOf(ServerFrame.Ok.class, frame(onlyDelivery(decided, "alice")));
    assertEquals("SENT", ok.state());
    assertEquals(4, ok.recipients());
    assertEquals(
        List.of(new ServerFrame.Rejection("dave", "INBOX_FULL", "dave's inbox is full (at most 1 message or 1000 bytes may wait to be read); try again later.")),
        ok.rejected());
  }

  @Test
  void aGroupSendNoMemberCanTakeIsRefusedAsAWhole() {
    peers("alice", "bob");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    apply(decide(execute("bob", new ClientFrame.JoinGroup("j1", "team"))));
    apply(decide(send("alice", "x1", "bob", "1"), send("alice", "x2", "bob", "2")));

    Decisions.Decided refused = decide(send("alice", "c1", "team", "hi"));

    assertEquals(List.of(), refused.events());
    assertEquals("INBOX_FULL", error(refused, "alice").code());
    assertEquals("Every recipient's inbox is full: bob. Try again later.", error(refused, "alice").message());
  }

  @Test
  void statusAndAResentIdStillNameTheMembersAMessageWasRejectedFor() {
    peers("alice", "bob", "carol");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    apply(decide(execute("bob", new ClientFrame.JoinGroup("j1", "team"))));
    apply(decide(execute("carol", new ClientFrame.JoinGroup("j2", "team"))));
    apply(decide(send("alice", "x1", "bob", "1"), send("alice", "x2", "bob", "2")));
    apply(decide(send("alice", "c1", "team", "hi")));
    apply(decide(new RouterCommand.Acknowledge("carol", 1, session("carol"))));

    ServerFrame.MessageStatus status =
        assertInstanceOf(ServerFrame.MessageStatus.class, frame(onlyDelivery(decide(execute("alice", new ClientFrame.QueryStatus("q1", "m3"))), "alice")));
    ServerFrame.Ok resent = assertInstanceOf(ServerFrame.Ok.class, frame(onlyDelivery(decide(send("alice", "c1", "team", "hi")), "alice")));

    ServerFrame.Rejection bob = new ServerFrame.Rejection("bob", "INBOX_FULL", BOB_FULL);
    assertEquals(new ServerFrame.MessageStatus("q1", "m3", "DELIVERED", List.of("carol"), List.of("carol"), List.of(bob)), status);
    assertEquals(ServerFrame.Ok.sent("c1", "m3", "DELIVERED", 1, true, List.of(bob)), resent);
  }

  // ---- groups per peer, members per group ----

  @Test
  void aPeerCannotCreateMoreGroupsThanItsQuotaEvenAfterLeavingThem() {
    peers("alice");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "one"))));
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g2", "two"))));
    apply(decide(execute("alice", new ClientFrame.LeaveGroup("x1", "one"))));

    Decisions.Decided refused = decide(execute("alice", new ClientFrame.CreateGroup("g3", "three")));

    assertEquals(List.of(), refused.events());
    assertEquals("TOO_MANY_GROUPS", error(refused, "alice").code());
    assertEquals("You have created 2 groups; the limit is 2 per peer.", error(refused, "alice").message());
  }

  @Test
  void joiningAGroupThatHasTheMostMembersIsRefusedWithGroupFullButAMemberMayJoinAgain() {
    peers("alice", "bob", "carol", "dave");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    apply(decide(execute("bob", new ClientFrame.JoinGroup("j1", "team"))));
    apply(decide(execute("carol", new ClientFrame.JoinGroup("j1", "team"))));

    Decisions.Decided refused = decide(execute("dave", new ClientFrame.JoinGroup("j1", "team")));
    Decisions.Decided again = decide(execute("bob", new ClientFrame.JoinGroup("j2", "team")));

    assertEquals(List.of(), refused.events());
    assertEquals("GROUP_FULL", error(refused, "dave").code());
    assertEquals("Group 'team' has 3 members; the limit is 3.", error(refused, "dave").message());
    assertEquals(new ToSession.Reply(ServerFrame.Ok.plain("j2")), onlyReply(again, "bob"));
  }

  // ---- pages ----

  @Test
  void groupsComeInPagesThatEndWithTheCursorOfTheNext() {
    Quotas many = new Quotas(2, 10, 10, 3);
    peers("alice", "bob");
    for (String group : List.of("e", "a", "d", "c", "b")) {
      apply(decide(many, execute("alice", new ClientFrame.CreateGroup("g-" + group, group))));
    }

    ServerFrame.GroupList first = groups(new ClientFrame.ListGroups("l1", null, 2));
    ServerFrame.GroupList second = groups(new ClientFrame.ListGroups("l2", first.next(), 2));
    ServerFrame.GroupList last = groups(new ClientFrame.ListGroups("l3", second.next(), 2));

    assertEquals(List.of("a", "b"), names(first));
    assertEquals("b", first.next());
    assertEquals(List.of("c", "d"), names(second));
    assertEquals(List.of("e"), names(last));
    assertNull(last.next(), "the last page has no next cursor");
  }

  @Test
  void aGroupsRequestWithoutLimitGetsAPageOfTheMostAllowedAndAPageThatEndsExactlyHasNoNext() {
    peers("alice");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "a"))));
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g2", "b"))));

    ServerFrame.GroupList all = groups(new ClientFrame.ListGroups("l1"));
    ServerFrame.GroupList exact = groups(new ClientFrame.ListGroups("l2", null, 2));

    assertEquals(List.of("a", "b"), names(all));
    assertNull(all.next());
    assertNull(exact.next());
  }

  @Test
  void membersComeInPagesThatEndWithTheCursorOfTheNext() {
    peers("alice", "bob", "carol");
    apply(decide(execute("carol", new ClientFrame.CreateGroup("g1", "team"))));
    apply(decide(execute("bob", new ClientFrame.JoinGroup("j1", "team"))));
    apply(decide(execute("alice", new ClientFrame.JoinGroup("j1", "team"))));

    ServerFrame.MemberList first = members(new ClientFrame.ListMembers("l1", "team", null, 2));
    ServerFrame.MemberList last = members(new ClientFrame.ListMembers("l2", "team", first.next(), 2));

    assertEquals(new ServerFrame.MemberList("l1", "team", List.of("alice", "bob"), "bob", "carol"), first);
    assertEquals(new ServerFrame.MemberList("l2", "team", List.of("carol"), null, "carol"), last);
  }

  @Test
  void aPageLimitOutsideOneToOneThousandIsRefusedWithBadFrame() {
    ProtocolException zero = assertThrows(ProtocolException.class, () -> new ClientFrame.ListGroups("l1", null, 0));
    ProtocolException big = assertThrows(ProtocolException.class, () -> new ClientFrame.ListMembers("l1", "team", null, 1001));

    assertEquals(ErrorCode.BAD_FRAME, zero.code());
    assertEquals("Field 'limit' must be from 1 to 1000.", zero.getMessage());
    assertEquals(ErrorCode.BAD_FRAME, big.code());
  }

  // ---- helpers ----

  private Decisions.Decided decide(RouterCommand.Decidable... batch) {
    return decide(QUOTAS, batch);
  }

  private Decisions.Decided decide(Quotas quotas, RouterCommand.Decidable... batch) {
    return Decisions.decide(state, Arrays.asList(batch), Limits.DEFAULT, quotas, NOW);
  }

  private void apply(Decisions.Decided decided) {
    decided.events().forEach(state::apply);
    state.drainNewPushes();
  }

  private void peers(String... peers) {
    for (String peer : peers) {
      apply(decide(new RouterCommand.RegisterPeer("reg-" + peer, peer, Signatures.encode(Signatures.newKeyPair().getPublic()), 0, session(peer))));
    }
  }

  private ServerFrame.GroupList groups(ClientFrame.ListGroups request) {
    return assertInstanceOf(ServerFrame.GroupList.class, frame(onlyDelivery(decide(execute("alice", request)), "alice")));
  }

  private ServerFrame.MemberList members(ClientFrame.ListMembers request) {
    return assertInstanceOf(ServerFrame.MemberList.class, frame(onlyDelivery(decide(execute("alice", request)), "alice")));
  }

  private static List<String> names(ServerFrame.GroupList list) {
    return list.groups().stream().map(ServerFrame.GroupInfo::name).toList();
  }

  private RouterCommand.Execute send(String from, String clientId, String to, String body) {
    return execute(from, new ClientFrame.Send(clientId, to, body));
  }

  private RouterCommand.Execute execute(String peer, ClientFrame.Request request) {
    return new RouterCommand.Execute(peer, request, session(peer));
  }

  private ActorRef<ToSession> session(String peer) {
    return sessions.computeIfAbsent(peer, p -> testKit.<ToSession>createTestProbe().ref());
  }

  private RouterCommand.Delivery onlyDelivery(Decisions.Decided decided, String peer) {
    assertEquals(1, decided.replies().size(), "replies: " + decided.replies());
    RouterCommand.Delivery reply = decided.replies().get(0);
    assertSame(session(peer), reply.to(), "the reply goes to the session that asked");
    return reply;
  }

  private ToSession onlyReply(Decisions.Decided decided, String peer) {
    return onlyDelivery(decided, peer).message();
  }

  private ServerFrame.Error error(Decisions.Decided decided, String peer) {
    return assertInstanceOf(ServerFrame.Error.class, frame(onlyDelivery(decided, peer)));
  }

  private static ServerFrame frame(RouterCommand.Delivery delivery) {
    return assertInstanceOf(ToSession.Reply.class, delivery.message()).frame();
  }
}
