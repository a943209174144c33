package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ServerFrame;

/**
 * Private groups, owners and blocking (issue 22, item 5: "no client can hurt another") as the router's rules
 * decide them: who sees a group and its members, who joins, what only the owner may do, and how a block
 * refuses direct messages and REJECTS group messages per recipient. Each decision is an event (so a replay
 * and a backup decide nothing again), and a request that would change nothing succeeds without one.
 */
class GroupRulesTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final long NOW = 1_700_000_000_000L;

  private final RouterState state = new RouterState();
  private final Map<String, ActorRef<ToSession>> sessions = new HashMap<>();
  private Quotas quotas = Quotas.DEFAULT;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  // ---- private groups: who sees and who joins ----

  @Test
  void aPrivateGroupIsJournaledAsPrivateAndOwnedByItsCreator() {
    peers("alice");

    Decisions.Decided decided = decide(execute("alice", new ClientFrame.CreateGroup("g1", "secret", true)));

    assertEquals(List.of(new RouterEvent.GroupCreated("secret", "alice", NOW, true)), decided.events());
    apply(decided);
    assertTrue(state.group("secret").isPrivate());
    assertEquals("alice", state.group("secret").owner());
  }

  @Test
  void aPrivateGroupIsListedOnlyToItsMembersOwnerAndInviteesAndMarkedSo() {
    privateGroupOfAliceWithInvitedBob();
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g2", "open"))));

    assertEquals(List.of(info("open", 1, false)), groups("carol").groups(), "carol is neither member nor invited");
    assertEquals(List.of(info("open", 1, false), new ServerFrame.GroupInfo("secret", 1, false, true, true)), groups("bob").groups());
    assertEquals(List.of(info("open", 1, true), new ServerFrame.GroupInfo("secret", 1, true, true, null)), groups("alice").groups());
  }

  @Test
  void hiddenPrivateGroupsNeitherFillAPageNorShowAsItsCursor() {
    peers("alice", "bob");
    for (String name : List.of("a1", "a2", "b1", "c1", "c2")) {
      apply(decide(execute("alice", new ClientFrame.CreateGroup("g-" + name, name, name.startsWith("a") || name.startsWith("c")))));
    }
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g-d", "d1"))));

    ServerFrame.GroupList first = groups("bob", new ClientFrame.ListGroups("l1", null, 1));
    ServerFrame.GroupList second = groups("bob", new ClientFrame.ListGroups("l2", first.next(), 1));

    assertEquals(List.of(info("b1", 1, false)), first.groups());
    assertEquals("b1", first.next());
    assertEquals(List.of(info("d1", 1, false)), second.groups());
    assertNull(second.next());
  }

  @Test
  void onlyMembersAndTheOwnerSeeWhoIsInAPrivateGroup() {
    privateGroupOfAliceWithInvitedBob();

    ServerFrame.Error outsider = error(decide(execute("carol", new ClientFrame.ListMembers("m1", "secret"))), "carol");
    ServerFrame.Error invitee = error(decide(execute("bob", new ClientFrame.ListMembers("m1", "secret"))), "bob");
    apply(decide(execute("alice", new ClientFrame.LeaveGroup("x1", "secret"))));
    ServerFrame.MemberList owner = assertInstanceOf(ServerFrame.MemberList.class, reply(decide(execute("alice", new ClientFrame.ListMembers("m2", "secret"))), "alice"));

    assertEquals("NOT_A_MEMBER", outsider.code());
    assertEquals("Group 'secret' is private: only its members see who is in it.", outsider.message());
    assertEquals("NOT_A_MEMBER", invitee.code(), "an invitation shows the group, not its members");
    assertEquals(new ServerFrame.MemberList("m2", "secret", List.of(), null, "alice"), owner, "an owner who left still owns and sees the group");
  }

  @Test
  void aPrivateGroupIsJoinedOnlyOnAnInvitationWhichTheJoinUsesUp() {
    privateGroupOfAliceWithInvitedBob();

    ServerFrame.Error carol = error(decide(execute("carol", new ClientFrame.JoinGroup("j1", "secret"))), "carol");
    Decisions.Decided bob = decide(execute("bob", new ClientFrame.JoinGroup("j1", "secret")));
    apply(bob);

    assertEquals("NOT_INVITED", carol.code());
    assertEquals(List.of(new RouterEvent.GroupJoined("secret", "bob")), bob.events());
    assertTrue(state.group("secret").hasMember("bob"));
    assertFalse(state.group("secret").isInvited("bob"), "the invitation is used up");
    apply(decide(execute("alice", new ClientFrame.RemoveMember("x1", "secret", "bob"))));
    assertEquals("NOT_INVITED", error(decide(execute("bob", new ClientFrame.JoinGroup("j2", "secret"))), "bob").code(), "back only on a new invitation");
  }

  @Test
  void anOwnerWhoLeftMayJoinItsPrivateGroupAgainWithoutAnInvitation() {
    privateGroupOfAliceWithInvitedBob();
    apply(decide(execute("alice", new ClientFrame.LeaveGroup("x1", "secret"))));

    Decisions.Decided decided = decide(execute("alice", new ClientFrame.JoinGroup("j1", "secret")));

    assertEquals(List.of(new RouterEvent.GroupJoined("secret", "alice")), decided.events());
  }

  @Test
  void invitingSomeoneWhoMayJoinAlreadyChangesNothing() {
    privateGroupOfAliceWithInvitedBob();

    for (String peer : List.of("alice", "bob")) {
      Decisions.Decided decided = decide(execute("alice", new ClientFrame.Invite("i1", "secret", peer)));
      assertEquals(List.of(), decided.events(), peer);
      assertEquals(new ToSession.Reply(ServerFrame.Ok.plain("i1")), only(decided, "alice"));
    }
  }

  @Test
  void anInvitationToAPublicGroupOrOfANameNobodyHasIsRefused() {
    privateGroupOfAliceWithInvitedBob();
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g2", "open"))));

    assertEquals("NOT_PERMITTED", error(decide(execute("alice", new ClientFrame.Invite("i1", "open", "carol"))), "alice").code());
    assertEquals("UNKNOWN_PEER", error(decide(execute("alice", new ClientFrame.Invite("i2", "secret", "zed"))), "alice").code());
  }

  // ---- the owner ----

  @Test
  void everythingAnOwnerDoesIsRefusedToOtherPeersWithNotOwner() {
    privateGroupOfAliceWithInvitedBob();
    apply(decide(execute("bob", new ClientFrame.JoinGroup("j1", "secret"))));

    List<ClientFrame.Request> requests = List.of(
        new ClientFrame.Invite("o1", "secret", "carol"),
        new ClientFrame.RemoveMember("o2", "secret", "alice"),
        new ClientFrame.Ban("o3", "secret", "alice"),
        new ClientFrame.Unban("o4", "secret", "carol"),
        new ClientFrame.GiveGroup("o5", "secret", "bob"),
        new ClientFrame.DeleteGroup("o6", "secret"));
    for (ClientFrame.Request request : requests) {
      Decisions.Decided decided = decide(execute("bob", request));
      assertEquals(List.of(), decided.events(), request.toString());
      assertEquals("NOT_OWNER", error(decided, "bob").code(), request.toString());
    }
  }

  @Test
  void aBanRemovesTheMemberAndRefusesItsJoinsAndInvitationsUntilUnbanned() {
    publicGroupOfAlice("bob", "carol");

    Decisions.Decided ban = decide(execute("alice", new ClientFrame.Ban("b1", "team", "bob")));
    apply(ban);

    assertEquals(List.of(new RouterEvent.GroupBanned("team", "bob")), ban.events());
    assertFalse(state.group("team").hasMember("bob"));
    ServerFrame.Error join = error(decide(execute("bob", new ClientFrame.JoinGroup("j2", "team"))), "bob");
    assertEquals("BANNED", join.code());
    assertEquals("You are banned from group 'team'.", join.message());
    assertEquals(List.of(), decide(execute("alice", new ClientFrame.Ban("b2", "team", "bob"))).events(), "banning again changes nothing");

    apply(decide(execute("alice", new ClientFrame.Unban("u1", "team", "bob"))));
    assertEquals(List.of(new RouterEvent.GroupJoined("team", "bob")), decide(execute("bob", new ClientFrame.JoinGroup("j3", "team"))).events());
  }

  @Test
  void anOwnerCannotRemoveOrBanItself() {
    publicGroupOfAlice("bob");

    assertEquals("NOT_PERMITTED", error(decide(execute("alice", new ClientFrame.RemoveMember("x1", "team", "alice"))), "alice").code());
    assertEquals("NOT_PERMITTED", error(decide(execute("alice", new ClientFrame.Ban("b1", "team", "alice"))), "alice").code());
  }

  @Test
  void removingSomeoneNeitherMemberNorInvitedSaysSo() {
    publicGroupOfAlice("bob");
    apply(decide(execute("alice", new ClientFrame.RemoveMember("x1", "team", "bob"))));

    ServerFrame.Error again = error(decide(execute("alice", new ClientFrame.RemoveMember("x2", "team", "bob"))), "alice");

    assertEquals("NOT_A_MEMBER", again.code());
    assertEquals("bob is not a member of group 'team', nor invited to it.", again.message());
    assertEquals(List.of(new RouterEvent.GroupJoined("team", "bob")), decide(execute("bob", new ClientFrame.JoinGroup("j2", "team"))).events(),
        "a removed member of a public group may come back; a ban keeps it out");
  }

  @Test
  void ownershipGoesToAMemberOnlyAndTheOldOwnerIsAnOrdinaryMemberThen() {
    publicGroupOfAlice("bob");

    assertEquals("NOT_A_MEMBER", error(decide(execute("alice", new ClientFrame.GiveGroup("o1", "team", "carol"))), "alice").code());
    Decisions.Decided give = decide(execute("alice", new ClientFrame.GiveGroup("o2", "team", "bob")));
    apply(give);

    assertEquals(List.of(new RouterEvent.GroupGiven("team", "bob")), give.events());
    assertEquals("bob", state.group("team").owner());
    assertEquals("alice", state.group("team").creator());
    assertEquals("NOT_OWNER", error(decide(execute("alice", new ClientFrame.DeleteGroup("d1", "team"))), "alice").code());
    assertEquals(List.of(new RouterEvent.GroupBanned("team", "alice")), decide(execute("bob", new ClientFrame.Ban("b1", "team", "alice"))).events());
  }

  @Test
  void deletingAGroupFreesItsNameAndGivesItsCreatorsPlaceBackEvenAfterItWasGivenAway() {
    quotas = new Quotas(10, 1000, 1, 10);
    publicGroupOfAlice("bob");
    apply(decide(execute("alice", new ClientFrame.GiveGroup("o1", "team", "bob"))));
    assertEquals("TOO_MANY_GROUPS", error(decide(execute("alice", new ClientFrame.CreateGroup("g2", "other"))), "alice").code(),
        "a group given away still counts for its creator");

    Decisions.Decided delete = decide(execute("bob", new ClientFrame.DeleteGroup("d1", "team")));
    apply(delete);

    assertEquals(List.of(new RouterEvent.GroupDeleted("team")), delete.events());
    assertNull(state.group("team"));
    assertFalse(state.nameInUse("team"));
    assertEquals(0, state.groupsCreatedBy("alice"));
    assertEquals(1, decide(execute("alice", new ClientFrame.CreateGroup("g3", "team"))).events().size());
  }

  // ---- blocking ----

  @Test
  void aDirectMessageToAPeerThatBlockedTheSenderIsRefusedWithBlockedAndNothingIsKept() {
    peers("alice", "bob");
    Decisions.Decided block = decide(execute("bob", new ClientFrame.Block("b1", "alice")));
    apply(block);

    Decisions.Decided send = decide(send("alice", "c1", "bob", "hi"));

    assertEquals(List.of(new RouterEvent.PeerBlocked("bob", "alice")), block.events());
    assertEquals(List.of(), send.events());
    ServerFrame.Error refused = error(send, "alice");
    assertEquals("BLOCKED", refused.code());
    assertEquals("bob does not accept messages from you.", refused.message());
    assertEquals(1, decide(send("bob", "c1", "alice", "one way")).events().size(), "a block is one way");
  }

  @Test
  void aGroupMessageIsRejectedForAMemberThatBlockedTheSenderAndJournaledSo() {
    publicGroupOfAlice("bob", "carol");
    apply(decide(execute("bob", new ClientFrame.Block("b1", "alice"))));

    Decisions.Decided decided = decide(send("alice", "c1", "team", "hi team"));

    assertEquals(
        List.of(new RouterEvent.MessageAccepted("m1", "c1", "alice", "team", "team", List.of("carol"), "hi team", NOW, null, null, List.of("bob"), null)),
        decided.events());
    ServerFrame.Ok ok = assertInstanceOf(ServerFrame.Ok.class, reply(decided, "alice"));
    assertEquals(1, ok.recipients());
    assertEquals(List.of(new ServerFrame.Rejection("bob", "BLOCKED", "bob does not accept messages from you.")), ok.rejected());
    apply(decided);
    ServerFrame.MessageStatus status = assertInstanceOf(ServerFrame.MessageStatus.class, reply(decide(execute("alice", new ClientFrame.QueryStatus("q1", "m1"))), "alice"));
    assertEquals(ok.rejected(), status.rejected());
    assertEquals(0, state.peer("bob").inboxMessages(), "bob gets nothing");
  }

  @Test
  void membersRejectedForAFullInboxAndForABlockAreListedTogetherByName() {
    quotas = new Quotas(1, 1000, 10, 10);
    publicGroupOfAlice("bob", "carol", "dave");
    apply(decide(send("dave", "x1", "bob", "fills bob's inbox")));
    apply(decide(execute("carol", new ClientFrame.Block("b1", "alice"))));

    ServerFrame.Ok ok = assertInstanceOf(ServerFrame.Ok.class, reply(decide(send("alice", "c1", "team", "hi")), "alice"));

    assertEquals(List.of("bob", "carol"), ok.rejected().stream().map(ServerFrame.Rejection::peer).toList());
    assertEquals(List.of("INBOX_FULL", "BLOCKED"), ok.rejected().stream().map(ServerFrame.Rejection::code).toList());
  }

  @Test
  void aGroupSendNoMemberTakesIsRefusedWithBlockedOrWithInboxFullWhenAnInboxIsFull() {
    quotas = new Quotas(1, 1000, 10, 10);
    publicGroupOfAlice("bob");
    apply(decide(execute("bob", new ClientFrame.Block("b1", "alice"))));

    ServerFrame.Error blocked = error(decide(send("alice", "c1", "team", "hi")), "alice");
    apply(decide(execute("bob", new ClientFrame.JoinGroup("j2", "team"))));
    apply(decide(execute("carol", new ClientFrame.JoinGroup("j1", "team"))));
    apply(decide(send("bob", "x1", "carol", "fills carol's inbox")));
    ServerFrame.Error mixed = error(decide(send("alice", "c2", "team", "hi")), "alice");

    assertEquals("BLOCKED", blocked.code());
    assertEquals("No member of group 'team' accepts messages from you: bob.", blocked.message());
    assertEquals("INBOX_FULL", mixed.code());
    assertEquals("No recipient can take it: carol's inbox is full; bob does not accept messages from you. Try again later.", mixed.message());
  }

  @Test
  void blockingTwiceOrUnblockingSomeoneNotBlockedChangesNothingButANameNobodyHasIsRefused() {
    peers("alice", "bob");
    apply(decide(execute("bob", new ClientFrame.Block("b1", "alice"))));

    assertEquals(List.of(), decide(execute("bob", new ClientFrame.Block("b2", "alice"))).events());
    assertEquals(List.of(new RouterEvent.PeerUnblocked("bob", "alice")), decide(execute("bob", new ClientFrame.Unblock("u1", "alice"))).events());
    assertEquals(List.of(), decide(execute("alice", new ClientFrame.Unblock("u2", "bob"))).events());
    assertEquals("UNKNOWN_PEER", error(decide(execute("bob", new ClientFrame.Block("b3", "zed"))), "bob").code());
    assertEquals("NOT_PERMITTED", error(decide(execute("bob", new ClientFrame.Block("b4", "bob"))), "bob").code());
  }

  // ---- limits ----

  @Test
  void invitationsBansAndBlocksStopAtTheirQuotasWithCodesThatSayWhich() {
    quotas = new Quotas(10, 1000, 10, 10, 1, 1, 1);
    privateGroupOfAliceWithInvitedBob();
    peers("dave");

    assertEquals("TOO_MANY_INVITATIONS", error(decide(execute("alice", new ClientFrame.Invite("i2", "secret", "carol"))), "alice").code());
    apply(decide(execute("alice", new ClientFrame.Ban("b1", "secret", "carol"))));
    assertEquals("TOO_MANY_BANS", error(decide(execute("alice", new ClientFrame.Ban("b2", "secret", "dave"))), "alice").code());
    apply(decide(execute("alice", new ClientFrame.Block("k1", "carol"))));
    assertEquals("TOO_MANY_BLOCKS", error(decide(execute("alice", new ClientFrame.Block("k2", "dave"))), "alice").code());
  }

  // ---- batches ----

  @Test
  void everyChangeToGroupsOrBlocksIsDecidedAloneAndListsAreNot() {
    for (ClientFrame.Request request : List.of(
        new ClientFrame.CreateGroup("a", "g", true), new ClientFrame.Invite("a", "g", "p"), new ClientFrame.RemoveMember("a", "g", "p"),
        new ClientFrame.Ban("a", "g", "p"), new ClientFrame.Unban("a", "g", "p"), new ClientFrame.GiveGroup("a", "g", "p"),
        new ClientFrame.DeleteGroup("a", "g"), new ClientFrame.Block("a", "p"), new ClientFrame.Unblock("a", "p"))) {
      assertTrue(Decisions.changesStructure(execute("alice", request)), request.toString());
    }
    assertFalse(Decisions.changesStructure(execute("alice", new ClientFrame.ListGroups("a"))));
    assertFalse(Decisions.changesStructure(execute("alice", new ClientFrame.ListMembers("a", "g"))));
  }

  // ---- helpers ----

  /** alice owns the private group "secret", bob is invited, carol exists. */
  private void privateGroupOfAliceWithInvitedBob() {
    peers("alice", "bob", "carol");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "secret", true))));
    Decisions.Decided invite = decide(execute("alice", new ClientFrame.Invite("i1", "secret", "bob")));
    assertEquals(List.of(new RouterEvent.GroupInvited("secret", "bob")), invite.events());
    apply(invite);
  }

  /** alice owns the public group "team", which {@code members} joined. */
  private void publicGroupOfAlice(String... members) {
    peers("alice", "bob", "carol", "dave");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    for (String member : members) {
      apply(decide(execute(member, new ClientFrame.JoinGroup("j1", "team"))));
    }
  }

  private static ServerFrame.GroupInfo info(String name, int members, boolean member) {
    return new ServerFrame.GroupInfo(name, members, member);
  }

  private void peers(String... ids) {
    for (String id : ids) {
      if (state.peer(id) == null) {
        state.apply(new RouterEvent.PeerRegistered(id, "key-of-" + id, NOW));
      }
    }
  }

  private Decisions.Decided decide(RouterCommand.Decidable... batch) {
    return Decisions.decide(state, List.of(batch), peerlink.protocol.Limits.DEFAULT, quotas, NOW);
  }

  private void apply(Decisions.Decided decided) {
    decided.events().forEach(state::apply);
    state.drainNewPushes();
  }

  private ServerFrame.GroupList groups(String peer) {
    return groups(peer, new ClientFrame.ListGroups("l1"));
  }

  private ServerFrame.GroupList groups(String peer, ClientFrame.ListGroups request) {
    return assertInstanceOf(ServerFrame.GroupList.class, reply(decide(execute(peer, request)), peer));
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

  private ToSession only(Decisions.Decided decided, String peer) {
    assertEquals(1, decided.replies().size(), "replies: " + decided.replies());
    RouterCommand.Delivery delivery = decided.replies().get(0);
    assertSame(session(peer), delivery.to(), "the reply goes to the session that asked");
    return delivery.message();
  }

  private ServerFrame reply(Decisions.Decided decided, String peer) {
    return assertInstanceOf(ToSession.Reply.class, only(decided, peer)).frame();
  }

  private ServerFrame.Error error(Decisions.Decided decided, String peer) {
    return assertInstanceOf(ServerFrame.Error.class, reply(decided, peer));
  }
}
