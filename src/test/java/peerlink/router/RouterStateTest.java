package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;

/** The durable state, driven by events only: inboxes, sequence numbers, delivery states, and its snapshot form. */
class RouterStateTest {
  private static final long AT = 1_700_000_000_000L;

  private static final ActorTestKit testKit = ActorTestKit.create();

  private final RouterState state = new RouterState();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void eachRecipientNumbersItsPushesFromOneInTheOrderMessagesWereAccepted() {
    peers("alice", "bob", "carol");

    state.apply(direct("m1", "alice", "bob", "a1"));
    state.apply(direct("m2", "carol", "bob", "c1"));
    state.apply(direct("m3", "alice", "carol", "a2"));
    state.apply(direct("m4", "alice", "bob", "a3"));

    assertEquals(
        List.of(message(1, "m1", "alice", "bob", "a1"), message(2, "m2", "carol", "bob", "c1"), message(3, "m4", "alice", "bob", "a3")),
        state.peer("bob").pushesAfter("bob", 0, AsideStore.NONE));
    assertEquals(List.of(message(1, "m3", "alice", "carol", "a2")), state.peer("carol").pushesAfter("carol", 0, AsideStore.NONE));
    assertEquals(3, state.peer("bob").lastSeq());
    assertEquals(1, state.peer("carol").lastSeq());
    assertEquals(0, state.peer("alice").lastSeq(), "sending pushes nothing to the sender");
    assertEquals(4, state.messageCount());
  }

  @Test
  void onlyTheNewestDeliveredMessagesOfASenderStayQueryableSoCheckpointsStayBounded() {
    peers("alice", "bob");
    int sent = DeliveredRecords.KEPT + 5;
    for (int i = 1; i <= sent; i++) {
      state.apply(direct("m" + i, "alice", "bob", "body " + i));
    }
    state.apply(new RouterEvent.InboxAcked("bob", sent));

    assertEquals(null, state.sentMessage("alice", "m5"), "the oldest delivered records are forgotten");
    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m6").state());
    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m" + sent).state());
    assertEquals("m" + sent, state.peer("alice").msgIdFor("client-m" + sent), "recent send ids are still recognised as duplicates");
  }

  @Test
  void afterASnapshotTheOldestSentIdAndDeliveredRecordAreStillTheFirstForgotten() throws Exception {
    peers("alice", "bob");
    int kept = Math.max(SentIds.KEPT, DeliveredRecords.KEPT);
    for (int i = 1; i <= kept; i++) {
      state.apply(direct("m" + i, "alice", "bob", "body " + i));
    }
    state.apply(new RouterEvent.InboxAcked("bob", kept));

    RouterState restored = roundTrip(state);
    restored.apply(direct("m" + (kept + 1), "alice", "bob", "one more"));
    restored.apply(new RouterEvent.InboxAcked("bob", kept + 1));

    assertEquals(null, restored.peer("alice").msgIdFor("client-m1"), "the oldest send id goes first");
    assertEquals("m2", restored.peer("alice").msgIdFor("client-m2"));
    assertEquals(null, restored.sentMessage("alice", "m1"), "the oldest delivered record goes first");
    assertEquals(MessageState.DELIVERED, restored.sentMessage("alice", "m2").state());
  }

  @Test
  void aDeliveredDirectMessageKeepsOneListForRecipientsAndDelivered() {
    peers("alice", "bob");
    state.apply(direct("m1", "alice", "bob", "one"));
    state.apply(new RouterEvent.InboxAcked("bob", 1));

    // The router keeps up to 10,000 delivered records per sender: each list counts.
    MessageRecord m1 = state.sentMessage("alice", "m1");
    assertSame(m1.recipients(), m1.delivered());
    assertEquals(List.of("bob"), m1.delivered());
  }

  @Test
  void newPushesAreReportedOnceInOrderPerPeer() {
    peers("alice", "bob", "carol");
    state.drainNewPushes();

    state.apply(direct("m1", "alice", "bob", "one"));
    state.apply(direct("m2", "alice", "carol", "two"));
    state.apply(direct("m3", "alice", "bob", "three"));

    Map<String, List<ServerFrame.Push>> drained = state.drainNewPushes();
    assertEquals(List.of("bob", "carol"), List.copyOf(drained.keySet()));
    assertEquals(List.of(message(1, "m1", "alice", "bob", "one"), message(2, "m3", "alice", "bob", "three")), drained.get("bob"));
    assertEquals(Map.of(), state.drainNewPushes(), "drained pushes are not reported again");
  }

  @Test
  void anAckRemovesThePushesUpToItAndTellsTheSenderDelivered() {
    peers("alice", "bob");
    state.apply(direct("m1", "alice", "bob", "one"));
    state.apply(direct("m2", "alice", "bob", "two"));
    state.drainNewPushes();

    state.apply(new RouterEvent.InboxAcked("bob", 1));

    assertEquals(1, state.peer("bob").inboxSize());
    assertEquals(1, state.peer("bob").ackedSeq());
    assertEquals(List.of(message(2, "m2", "alice", "bob", "two")), state.peer("bob").pushesAfter("bob", 0, AsideStore.NONE));
    ServerFrame.Delivered delivered = new ServerFrame.Delivered(1, "m1", "bob", 1, 1);
    assertEquals(Map.of("alice", List.of(delivered)), state.drainNewPushes());
    assertEquals(List.of(delivered), state.peer("alice").pushesAfter("alice", 0, AsideStore.NONE), "the notice waits in alice's inbox until she acks it");
    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m1").state());
    assertEquals(MessageState.SENT, state.sentMessage("alice", "m2").state());
  }

  @Test
  void aGroupMessageBecomesDeliveredOnlyWhenEveryRecipientHasAcked() {
    peers("alice", "bob", "carol");
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(new RouterEvent.GroupJoined("team", "bob"));
    state.apply(new RouterEvent.GroupJoined("team", "carol"));
    state.apply(new RouterEvent.MessageAccepted("m1", "c1", "alice", "team", "team", List.of("bob", "carol"), "hi", AT));
    assertEquals(new ServerFrame.Message(1, "m1", "alice", "carol", "team", "hi", AT), state.peer("carol").pushesAfter("carol", 0, AsideStore.NONE).get(0));
    state.drainNewPushes();

    state.apply(new RouterEvent.InboxAcked("carol", 1));
    assertEquals(Map.of("alice", List.of(new ServerFrame.Delivered(1, "m1", "carol", 1, 2))), state.drainNewPushes());
    assertEquals(MessageState.SENT, state.sentMessage("alice", "m1").state(), "delivered to 1 of 2 is still SENT");

    state.apply(new RouterEvent.InboxAcked("bob", 1));
    assertEquals(Map.of("alice", List.of(new ServerFrame.Delivered(2, "m1", "bob", 2, 2))), state.drainNewPushes());
    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m1").state());
    assertEquals(List.of("carol", "bob"), state.sentMessage("alice", "m1").delivered());
  }

  @Test
  void aMessageSentWithoutReceiptsBecomesDeliveredWithoutPushingAnythingToItsSender() throws Exception {
    peers("alice", "bob", "carol");
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(new RouterEvent.GroupJoined("team", "bob"));
    state.apply(new RouterEvent.GroupJoined("team", "carol"));
    state.apply(new RouterEvent.MessageAccepted("m1", "c1", "alice", "team", "team", List.of("bob", "carol"), "tick", AT, false));
    state.apply(direct("m2", "alice", "bob", "with receipts"));
    state.drainNewPushes();

    state.apply(new RouterEvent.InboxAcked("bob", 1));
    RouterState restored = roundTrip(state); // the undelivered record keeps the flag in a checkpoint
    restored.apply(new RouterEvent.InboxAcked("carol", 1));
    restored.apply(new RouterEvent.InboxAcked("bob", 2));

    assertEquals(Map.of("alice", List.of(new ServerFrame.Delivered(1, "m2", "bob", 1, 1))), restored.drainNewPushes(), "only m2 has receipts");
    assertEquals(MessageState.DELIVERED, restored.sentMessage("alice", "m1").state(), "STATUS still follows the message");
    assertEquals(1, restored.peer("alice").lastSeq());
  }

  @Test
  void aRepeatedOrLowerAckChangesNothing() {
    peers("alice", "bob");
    state.apply(direct("m1", "alice", "bob", "one"));
    state.apply(new RouterEvent.InboxAcked("bob", 1));
    state.drainNewPushes();

    state.apply(new RouterEvent.InboxAcked("bob", 1));
    state.apply(new RouterEvent.InboxAcked("bob", 0));

    assertEquals(Map.of(), state.drainNewPushes(), "no second Delivered notice");
    assertEquals(List.of("bob"), state.sentMessage("alice", "m1").delivered());
    assertEquals(1, state.peer("alice").lastSeq());
  }

  @Test
  void acknowledgingDeliveredNoticesProducesNoFurtherNotices() {
    peers("alice", "bob");
    state.apply(direct("m1", "alice", "bob", "one"));
    state.apply(new RouterEvent.InboxAcked("bob", 1));
    state.drainNewPushes();

    state.apply(new RouterEvent.InboxAcked("alice", 1));

    assertEquals(Map.of(), state.drainNewPushes());
    assertEquals(0, state.peer("alice").inboxSize());
    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m1").state());
  }

  @Test
  void pushesAfterGivesAResumingClientExactlyWhatItIsMissing() {
    peers("alice", "bob");
    state.apply(direct("m1", "alice", "bob", "one"));
    state.apply(direct("m2", "alice", "bob", "two"));
    state.apply(direct("m3", "alice", "bob", "three"));

    assertEquals(List.of(2L, 3L), seqs(state.peer("bob").pushesAfter("bob", 1, AsideStore.NONE)));
    assertEquals(List.of(), state.peer("bob").pushesAfter("bob", 3, AsideStore.NONE));

    state.apply(new RouterEvent.InboxAcked("bob", 2));
    assertEquals(List.of(3L), seqs(state.peer("bob").pushesAfter("bob", 0, AsideStore.NONE)), "acknowledged pushes are gone");
    assertEquals(2, state.peer("bob").ackedSeq());
    assertEquals(3, state.peer("bob").lastSeq());
  }

  @Test
  void aMemberWhoLeftIsNoLongerInTheGroupButTheOthersStay() {
    peers("alice", "bob");
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(new RouterEvent.GroupJoined("team", "bob"));
    state.apply(new RouterEvent.GroupLeft("team", "alice"));

    assertEquals(List.of("bob"), List.copyOf(state.group("team").members()));
    assertEquals("alice", state.group("team").creator());
    assertTrue(state.nameInUse("team"));
    assertTrue(state.nameInUse("alice"));
  }

  @Test
  void aCheckpointKeepsWhatTheQuotasCountAndWhoAMessageWasRejectedFor() throws Exception {
    peers("alice", "bob", "carol");
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(new RouterEvent.GroupCreated("crew", "alice", AT));
    state.apply(new RouterEvent.GroupJoined("team", "bob"));
    state.apply(new RouterEvent.GroupJoined("team", "carol"));
    state.apply(direct("m1", "carol", "bob", "héllo ✓")); // 10 bytes of UTF-8
    state.apply(new RouterEvent.MessageAccepted("m2", "g-1", "alice", "team", "team", List.of("carol"), "hi team", AT, null, List.of("bob")));
    state.apply(direct("m3", "alice", "bob", "second"));
    state.apply(new RouterEvent.InboxAcked("carol", 1)); // m2 is DELIVERED: alice keeps its record among her delivered ones
    state.drainNewPushes();

    RouterState restored = roundTrip(state);

    assertEquals(2, restored.peer("bob").inboxMessages());
    assertEquals(16, restored.peer("bob").inboxBytes());
    assertEquals(0, restored.peer("carol").inboxMessages());
    assertEquals(0, restored.peer("alice").inboxMessages(), "a delivered notice is not a message waiting");
    assertEquals(2, restored.groupsCreatedBy("alice"));
    assertEquals(0, restored.groupsCreatedBy("bob"));
    assertEquals(MessageState.DELIVERED, restored.sentMessage("alice", "m2").state());
    assertEquals(List.of("bob"), restored.sentMessage("alice", "m2").rejected());
    restored.apply(new RouterEvent.InboxAcked("bob", 1));
    assertEquals(1, restored.peer("bob").inboxMessages());
    assertEquals(6, restored.peer("bob").inboxBytes());
  }

  @Test
  void aCheckpointKeepsPrivateGroupsOwnersInvitationsBansAndBlocksAndWhoBlockedAMessage() throws Exception {
    peers("alice", "bob", "carol", "dave");
    state.apply(new RouterEvent.GroupCreated("secret", "alice", AT, true));
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(new RouterEvent.GroupInvited("secret", "bob"));
    state.apply(new RouterEvent.GroupInvited("secret", "carol"));
    state.apply(new RouterEvent.GroupJoined("secret", "bob"));
    state.apply(new RouterEvent.GroupBanned("secret", "dave"));
    state.apply(new RouterEvent.GroupGiven("secret", "bob"));
    state.apply(new RouterEvent.GroupJoined("team", "carol"));
    state.apply(new RouterEvent.GroupJoined("team", "dave"));
    state.apply(new RouterEvent.PeerBlocked("carol", "alice"));
    state.apply(new RouterEvent.PeerBlocked("carol", "dave"));
    state.apply(new RouterEvent.MessageAccepted("m1", "c1", "alice", "team", "team", List.of("dave"), "hi", AT, null, null, List.of("carol"), null));
    state.drainNewPushes();

    RouterState restored = roundTrip(state);

    GroupRecord secret = restored.group("secret");
    assertTrue(secret.isPrivate());
    assertEquals("bob", secret.owner());
    assertEquals("alice", secret.creator());
    assertEquals(List.of("alice", "bob"), List.copyOf(secret.members()));
    assertEquals(List.of("carol"), secret.invitedPeers(), "bob's invitation was used up when he joined");
    assertEquals(List.of("dave"), secret.bannedPeers());
    assertFalse(restored.group("team").isPrivate());
    assertEquals("alice", restored.group("team").owner());
    assertEquals(2, restored.groupsCreatedBy("alice"), "counted for the creator, also for the group given away");
    assertTrue(restored.blocks("carol", "alice"));
    assertTrue(restored.blocks("carol", "dave"));
    assertFalse(restored.blocks("alice", "carol"));
    assertEquals(2, restored.blockCount("carol"));
    assertEquals(List.of("carol"), restored.sentMessage("alice", "m1").blocked());
    // The same further events change both alike.
    for (RouterState s : List.of(state, restored)) {
      s.apply(new RouterEvent.PeerUnblocked("carol", "alice"));
      s.apply(new RouterEvent.GroupDeleted("secret"));
      s.apply(new RouterEvent.GroupUnbanned("team", "bob"));
    }
    assertEquals(state.blocks("carol", "alice"), restored.blocks("carol", "alice"));
    assertEquals(1, restored.blockCount("carol"));
    assertEquals(null, restored.group("secret"));
    assertEquals(1, restored.groupsCreatedBy("alice"));
    assertEquals(state.groupsCreatedBy("alice"), restored.groupsCreatedBy("alice"));
  }

  @Test
  void aGroupMessageAcceptedBeforeItsRecipientsWereRemovedOrTheGroupDeletedIsStillDeliveredToEachAndCounted() {
    peers("alice", "bob", "carol");
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(new RouterEvent.GroupJoined("team", "bob"));
    state.apply(new RouterEvent.GroupJoined("team", "carol"));
    state.apply(new RouterEvent.MessageAccepted("m1", "c1", "alice", "team", "team", List.of("bob", "carol"), "before", AT));
    state.apply(new RouterEvent.GroupBanned("team", "carol"));
    state.apply(new RouterEvent.GroupMemberRemoved("team", "bob"));
    state.apply(new RouterEvent.GroupDeleted("team"));
    state.drainNewPushes();

    assertEquals(1, state.peer("carol").inboxMessages(), "nothing is taken out of an inbox");
    state.apply(new RouterEvent.InboxAcked("carol", 1));
    assertEquals(MessageState.SENT, state.sentMessage("alice", "m1").state());
    state.apply(new RouterEvent.InboxAcked("bob", 1));

    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m1").state());
    assertEquals(
        List.of(new ServerFrame.Delivered(1, "m1", "carol", 1, 2), new ServerFrame.Delivered(2, "m1", "bob", 2, 2)),
        state.peer("alice").pushesAfter("alice", 0, AsideStore.NONE),
        "delivered 1 of 2, then 2 of 2");
  }

  @Test
  void aSnapshotSerializedWithJacksonCborRestoresAStateThatBehavesTheSame() throws Exception {
    peers("alice", "bob", "carol");
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(new RouterEvent.GroupJoined("team", "bob"));
    state.apply(new RouterEvent.GroupJoined("team", "carol"));
    state.apply(new RouterEvent.MessageAccepted("m1", "g-1", "alice", "team", "team", List.of("bob", "carol"), "hi team", AT));
    state.apply(direct("m2", "alice", "bob", "hi bob"));
    state.apply(direct("m3", "carol", "bob", "héllo ✓"));
    state.apply(new RouterEvent.InboxAcked("bob", 1));
    state.drainNewPushes();

    RouterState restored = roundTrip(state);

    assertNotSame(state, restored);
    for (String peer : List.of("alice", "bob", "carol")) {
      assertEquals(state.peer(peer).publicKey(), restored.peer(peer).publicKey(), peer);
      assertEquals(state.peer(peer).lastSeq(), restored.peer(peer).lastSeq(), peer);
      assertEquals(state.peer(peer).ackedSeq(), restored.peer(peer).ackedSeq(), peer);
      assertEquals(state.peer(peer).pushesAfter(peer, 0, AsideStore.NONE), restored.peer(peer).pushesAfter(peer, 0, AsideStore.NONE), peer);
    }
    assertEquals(List.of("alice", "bob", "carol"), List.copyOf(restored.group("team").members()));
    assertEquals("alice", restored.group("team").creator());
    assertEquals(3, restored.messageCount());
    assertEquals(List.of("bob"), restored.sentMessage("alice", "m1").delivered());
    assertEquals(List.of("bob", "carol"), restored.sentMessage("alice", "m1").recipients());
    assertEquals(Map.of(), restored.drainNewPushes(), "a snapshot carries no pending news");

    // Dedupe ids survive: a retried send is still recognised as the message it was.
    RouterCommand.Execute retry =
        new RouterCommand.Execute("alice", new ClientFrame.Send("g-1", "team", "hi team"), testKit.<ToSession>createTestProbe().ref());
    Decisions.Decided decided = Decisions.decide(restored, List.of(retry), Limits.DEFAULT, AT);
    assertEquals(List.of(), decided.events());
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("g-1", "m1", "SENT", 2, true)), decided.replies().get(0).message());

    // The same further events lead to the same pushes from both.
    for (RouterState s : List.of(state, restored)) {
      s.apply(new RouterEvent.InboxAcked("carol", 1));
      s.apply(direct("m4", "bob", "carol", "later"));
    }
    assertEquals(state.drainNewPushes(), restored.drainNewPushes());
    assertEquals(state.sentMessage("alice", "m1").state(), restored.sentMessage("alice", "m1").state());
    assertEquals(MessageState.DELIVERED, restored.sentMessage("alice", "m1").state());
  }

  @Test
  void aCheckpointListsOnlyUndeliveredMessagesAndKeepsWhatIsDeliveredInItsSendersBlocks() throws Exception {
    peers("alice", "bob", "carol");
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(new RouterEvent.GroupJoined("team", "bob"));
    state.apply(new RouterEvent.GroupJoined("team", "carol"));
    state.apply(new RouterEvent.MessageAccepted("m1", "g-1", "alice", "team", "team", List.of("bob", "carol"), "hi team", AT));
    state.apply(direct("m2", "alice", "bob", "hi bob"));
    state.apply(direct("m3", "carol", "alice", "hi alice"));
    state.apply(new RouterEvent.InboxAcked("bob", 2));
    state.apply(new RouterEvent.InboxAcked("carol", 1));

    com.fasterxml.jackson.databind.JsonNode form = jsonMapper().valueToTree(state);

    assertEquals("[[\"m3\",{\"from\":\"carol\",\"to\":\"alice\",\"recipients\":[\"alice\"],\"delivered\":[]}]]", form.get("undelivered").toString(),
        "alice has not acked m3: listed as an id and a record");
    com.fasterxml.jackson.databind.JsonNode delivered = form.get("peers").get("alice").get("deliveredKept");
    assertEquals("[2,1]", delivered.get("open").get("numbers").toString(), "in the order they were delivered");
    assertEquals("[\"bob\",null]", delivered.get("open").get("names").toString(), "a direct message keeps its recipient");
    assertEquals("[\"bob\",\"carol\"]", delivered.get("open").get("records").get(1).get("delivered").toString());
    assertEquals("[]", delivered.get("blocks").toString(), "no full block yet, so no piece");
    RouterState loaded = jsonMapper().treeToValue(form, RouterState.class).withPieces(id -> {
      throw new AssertionError("no piece to load");
    });
    assertEquals(List.of("bob", "carol"), loaded.sentMessage("alice", "m1").delivered());
    assertEquals(MessageState.DELIVERED, loaded.sentMessage("alice", "m2").state());
    assertEquals(MessageState.SENT, loaded.sentMessage("carol", "m3").state());
    assertEquals(form, jsonMapper().valueToTree(loaded), "written back the same");
  }

  @Test
  void aCheckpointReadWithoutItsPiecesSaysSoAndIsRefusedByTheRegistry() throws Exception {
    peers("alice", "bob");
    for (int i = 1; i <= KeptEntries.BLOCK; i++) {
      state.apply(direct("m" + i, "alice", "bob", "body " + i));
    }
    List<Long> pieces = new java.util.ArrayList<>();
    state.forEachPiece((id, content) -> pieces.add(id));
    assertEquals(1, pieces.size(), "one full block of alice's sent ids");

    RouterState read = jsonMapper().treeToValue(jsonMapper().valueToTree(state), RouterState.class);

    assertTrue(read.awaitsPieces());
    List<Long> named = new java.util.ArrayList<>();
    read.forEachPiece((id, content) -> named.add(id));
    assertEquals(pieces, named, "it still names its pieces, so a store can load them");
    assertTrue(!roundTrip(state).awaitsPieces());
  }

  @Test
  void onlyItsSenderFindsAMessageDeliveredOrNot() {
    peers("alice", "bob");
    state.apply(direct("m1", "alice", "bob", "one"));
    state.apply(direct("m2", "alice", "bob", "two"));
    state.apply(new RouterEvent.InboxAcked("bob", 1));

    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m1").state());
    assertEquals(MessageState.SENT, state.sentMessage("alice", "m2").state());
    for (String other : List.of("bob", "nobody")) {
      assertEquals(null, state.sentMessage(other, "m1"), other);
      assertEquals(null, state.sentMessage(other, "m2"), other);
    }
    assertEquals(null, state.sentMessage("alice", "m3"));
  }

  @Test
  void aCheckpointKeepsTheStateItWasTakenFromWhileTheStateGoesOn() throws Exception {
    peers("alice", "bob");
    state.apply(new RouterEvent.GroupCreated("team", "alice", AT));
    state.apply(direct("m1", "alice", "bob", "before"));

    RouterState checkpoint = state.copy();
    state.apply(direct("m2", "alice", "bob", "after"));
    state.apply(new RouterEvent.InboxAcked("bob", 2));
    state.apply(new RouterEvent.GroupJoined("team", "bob"));
    state.apply(new RouterEvent.PeerRegistered("carol", "key-of-carol", AT));

    for (RouterState seen : List.of(checkpoint, roundTrip(checkpoint))) {
      assertEquals(List.of(message(1, "m1", "alice", "bob", "before")), seen.peer("bob").pushesAfter("bob", 0, AsideStore.NONE));
      assertEquals(MessageState.SENT, seen.sentMessage("alice", "m1").state());
      assertEquals(null, seen.sentMessage("alice", "m2"));
      assertEquals(null, seen.peer("alice").msgIdFor("client-m2"));
      assertEquals(List.of("alice"), List.copyOf(seen.group("team").members()));
      assertEquals(null, seen.peer("carol"));
      assertEquals(1, seen.messageCount());
    }
    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m2").state());
    assertEquals(List.of(), state.peer("bob").pushesAfter("bob", 0, AsideStore.NONE));
  }

  @Test
  void aMessageWhoseBodyIsAsideKeepsOnlyItsEntryAndItsBodyIsDroppedOnceSettledAlsoAcrossACheckpoint() throws Exception {
    peers("alice", "bob", "carol");
    java.util.Map<Long, String> store = new java.util.HashMap<>(java.util.Map.of(1L, "to both", 2L, "to bob"));
    AsideStore stored = new AsideStore() {
      @Override
      public boolean keptAside() {
        return true;
      }

      @Override
      public String read(long number) {
        return store.get(number);
      }
    };
    state.apply(new RouterEvent.MessageAccepted("m1", "c1", "alice", "team", "team", List.of("bob", "carol"), "to both", AT, null, null, null, null, 7));
    state.apply(new RouterEvent.MessageAccepted("m2", "c2", "alice", "bob", null, List.of("bob"), "to bob", AT, null, null, null, null, 6));
    state.apply(new RouterEvent.InboxAcked("bob", 2));
    assertEquals(List.of(2L), state.bodiesToDrop(10), "m2 is delivered; m1 still waits for carol");
    assertEquals(7, state.peer("carol").inboxBytes(), "the quota counts the body's length, which the event says");

    RouterState restored = roundTrip(state);
    assertFalse(jsonMapper().writeValueAsString(state).contains("to both"), "the checkpoint has no body");
    assertEquals(List.of(2L), restored.bodiesToDrop(10), "what is left to drop survives a checkpoint");
    assertEquals(List.of(new ServerFrame.Message(1, "m1", "alice", "carol", "team", "to both", AT)), restored.peer("carol").pushesAfter("carol", 0, stored));
    restored.apply(new RouterEvent.BodiesDropped(List.of(2L)));
    restored.apply(new RouterEvent.InboxAcked("carol", 1));
    assertEquals(List.of(1L), restored.bodiesToDrop(10));
    assertEquals(0, restored.peer("carol").inboxBytes());
  }

  @Test
  void aSendersRunIsWhatItsLastSendSaysAndACheckpointKeepsIt() throws Exception {
    peers("alice", "bob");
    SendRun run = new SendRun(SendRun.parse("ab12-4").prefix(), 4);
    state.apply(new RouterEvent.MessageAccepted("m1", "ab12-4", "alice", "bob", null, List.of("bob"), null, AT, null, null, null, null, 2, 0L, null, run));
    assertEquals(run, state.peer("alice").run());
    assertEquals(run, roundTrip(state).peer("alice").run(), "a checkpoint keeps it");
    state.apply(new RouterEvent.MessageAccepted("m2", "zz-1", "alice", "bob", null, List.of("bob"), null, AT, null, null, null, null, 2, 1L, null, null));
    assertEquals(null, state.peer("alice").run(), "a send without one ends it (every event of a build before runs)");
    assertEquals(null, roundTrip(state).peer("alice").run());
  }

  @Test
  void aSettledRecordWaitsInTheStateAlsoAcrossACheckpointUntilAWriteKeepsItAside() throws Exception {
    peers("alice", "bob");
    state.apply(new RouterEvent.MessageAccepted("m1", "c1", "alice", "bob", null, List.of("bob"), null, AT, null, null, null, null, 2, 0L, null));
    state.apply(new RouterEvent.InboxAcked("bob", 1));
    assertEquals(List.of(1L), state.recordsToKeep(10).stream().map(java.util.Map.Entry::getKey).toList(), "m1 settled: its record waits");
    assertEquals(MessageState.DELIVERED, state.sentMessage("alice", "m1").state());
    assertEquals(null, state.sentMessage("bob", "m1"), "only for its sender");
    assertEquals(1, state.peer("alice").sentCount());

    RouterState restored = roundTrip(state);
    assertEquals(MessageState.DELIVERED, restored.sentMessage("alice", "m1").state(), "a checkpoint keeps what waits");
    assertEquals(1, restored.peer("alice").sentCount());
    MessageRecord record = restored.sentMessage("alice", "m1");
    restored.apply(new RouterEvent.RecordsKept(List.of(new RouterEvent.RecordsKept.Kept(1, "alice", 0, record, null))));
    assertEquals(List.of(), restored.recordsToKeep(10));
    assertEquals(null, restored.sentMessage("alice", "m1"), "the store has it now, not the state");
    assertEquals(1, restored.peer("alice").keptCount());
    MessageRecord stored = KeptRecordCodec.decode("alice", KeptRecordCodec.encode(record));
    assertEquals(List.of(record.state(), record.recipients(), record.delivered()), List.of(stored.state(), stored.recipients(), stored.delivered()),
        "as the store keeps it");
    assertEquals(1 + "bob".length(), KeptRecordCodec.encode(record).length, "a direct message its recipient has: the name");
  }

  @Test
  void aSnapshotInTheFormatOfVersionZeroOneStillLoads() throws Exception {
    // The snapshot form is unchanged by the switch to persistent collections: field names and shapes.
    String snapshot = """
        {"peers":{"alice":{"publicKey":"key-a","lastSeq":1,"inbox":[
                    {"type":"delivered","seq":1,"msgId":"m1","recipient":"bob","deliveredCount":1,"recipientCount":1}],
                   "sentIds":{"c1":"m1","c2":"m2"},"delivered":["m1"]},
                  "bob":{"publicKey":"key-b","lastSeq":2,"inbox":[
                    {"type":"message","seq":2,"msgId":"m2","from":"alice","to":"bob","group":null,"body":"two","sentAt":1700000000000}],
                   "sentIds":{},"delivered":[]}},
         "groups":{"team":{"creator":"alice","members":["bob","alice"]}},
         "messages":{"m1":{"from":"alice","to":"bob","recipients":["bob"],"delivered":["bob"]},
                     "m2":{"from":"alice","to":"bob","recipients":["bob"],"delivered":[]}},
         "messageCount":2}
        """;
    // Pekko's JSON mapper has the CBOR one's settings; JSON is just readable in a test.
    RouterState loaded = org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider.get(testKit.system())
        .getOrCreate("jackson-json", java.util.Optional.empty())
        .readValue(snapshot, RouterState.class);

    assertEquals("m2", loaded.peer("alice").msgIdFor("c2"));
    assertEquals(1, loaded.peer("bob").ackedSeq());
    assertEquals(List.of(message(2, "m2", "alice", "bob", "two")), loaded.peer("bob").pushesAfter("bob", 0, AsideStore.NONE));
    assertEquals(MessageState.DELIVERED, loaded.sentMessage("alice", "m1").state());
    assertEquals(List.of("alice", "bob"), List.copyOf(loaded.group("team").members()));
    assertFalse(loaded.group("team").isPrivate(), "a group from before private groups is public");
    assertEquals("alice", loaded.group("team").owner(), "and owned by its creator");
    assertFalse(loaded.blocks("bob", "alice"), "and nobody blocks anybody");
    assertEquals(2, loaded.messageCount());
    loaded.apply(new RouterEvent.InboxAcked("bob", 2));
    assertEquals(MessageState.DELIVERED, loaded.sentMessage("alice", "m2").state());
    assertEquals(2, loaded.peer("alice").lastSeq(), "the delivery notice follows alice's numbering");
  }

  @Test
  void aCheckpointKeepsEachMessagesDeadlineAndWhatExpiredSoTheRestoredStateExpiresTheSame() throws Exception {
    peers("alice", "bob", "carol");
    state.apply(new RouterEvent.MessageAccepted("m1", "c1", "alice", "bob", null, List.of("bob"), "soon", AT, null, null, null, AT + 5_000));
    state.apply(new RouterEvent.MessageAccepted("m2", "c2", "alice", "carol", null, List.of("carol"), "later", AT, null, null, null, AT + 9_000));
    state.apply(new RouterEvent.MessageExpired("m1", List.of("bob"), List.of(1L), AT + 5_000));

    RouterState restored = roundTrip(state);

    assertEquals(MessageState.EXPIRED, restored.sentMessage("alice", "m1").state());
    assertEquals(List.of("bob"), restored.sentMessage("alice", "m1").expired());
    assertEquals(AT + 9_000, restored.earliestDeadline(), "the deadline index is rebuilt from the undelivered messages");
    assertEquals(
        List.of(new RouterEvent.MessageExpired("m2", List.of("carol"), List.of(1L), AT + 9_000)),
        Decisions.expiries(restored, AT + 9_000, Decisions.EventCheck.ANY));
    assertEquals(0, restored.peer("bob").inboxMessages(), "bob's inbox lost m1 before the checkpoint");
  }

  // ---- helpers ----

  /** Pekko's JSON mapper has the CBOR one's settings; JSON is just readable in a test. */
  private static com.fasterxml.jackson.databind.ObjectMapper jsonMapper() {
    return org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider.get(testKit.system())
        .getOrCreate("jackson-json", java.util.Optional.empty());
  }

  private static <T> List<T> iterate(java.util.Iterator<T> items) {
    List<T> list = new java.util.ArrayList<>();
    items.forEachRemaining(list::add);
    return list;
  }

  /**
   * Serializes the state as the snapshot store would (serializer id, manifest, bytes), each of its pieces
   * apart, and reads it back with them.
   */
  private static RouterState roundTrip(RouterState state) throws java.io.NotSerializableException {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.serializerFor(RouterState.class);
    assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName(), "bound in reference.conf");
    Map<Long, byte[]> pieces = new java.util.HashMap<>();
    state.forEachPiece((id, content) -> pieces.put(id, serializer.toBinary(content.get())));
    byte[] bytes = serializer.toBinary(state);
    String manifest = Serializers.manifestFor(serializer, state);
    RouterState read = (RouterState) serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    return read.withPieces(id -> serialization.deserialize(pieces.get(id), serializer.identifier(), KeptBlock.class.getName()).get());
  }

  @Test
  void theInvitationsUsedToRegisterAreRememberedThroughACheckpointAndByReplayingTheEvents() throws Exception {
    List<RouterEvent> events = List.of(
        new RouterEvent.PeerRegistered("alice", "key-of-alice", AT, "inv-1"),
        new RouterEvent.PeerRegistered("bob", "key-of-bob", AT, null), // on an open router: no invitation
        new RouterEvent.PeerRegistered("carol", "key-of-carol", AT, "inv-2"));
    events.forEach(state::apply);
    RouterState replayed = new RouterState();
    events.forEach(replayed::apply);

    for (RouterState s : List.of(roundTrip(state), replayed)) {
      assertTrue(s.invitationUsed("inv-1"));
      assertTrue(s.invitationUsed("inv-2"));
      assertFalse(s.invitationUsed("inv-3"));
    }
  }

  private void peers(String... ids) {
    for (String id : ids) {
      state.apply(new RouterEvent.PeerRegistered(id, "key-of-" + id, AT));
    }
  }

  private static RouterEvent.MessageAccepted direct(String msgId, String from, String to, String body) {
    return new RouterEvent.MessageAccepted(msgId, "client-" + msgId, from, to, null, List.of(to), body, AT);
  }

  private static ServerFrame.Message message(long seq, String msgId, String from, String to, String body) {
    return new ServerFrame.Message(seq, msgId, from, to, null, body, AT);
  }

  private static List<Long> seqs(List<ServerFrame.Push> pushes) {
    return pushes.stream().map(ServerFrame.Push::seq).toList();
  }
}
