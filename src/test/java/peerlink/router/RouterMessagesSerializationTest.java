package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.NotSerializableException;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.PageLimits;
import peerlink.protocol.ServerFrame;

/**
 * Sessions live on the gateway's node and the router singleton may live on another, so every message
 * between them (and every journal event) must come back equal from Pekko's Jackson CBOR serializer.
 */
class RouterMessagesSerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final ActorRef<ToSession> session = testKit.<ToSession>createTestProbe().ref();
  private static final long AT = 1_700_000_000_000L;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static Stream<Object> sessionToRouter() {
    return Stream.of(
        new RouterCommand.RegisterPeer("r1", "alice", "public-key", 0, session),
        new RouterCommand.Authenticate("l1", "alice", "nonce", "signature", null, 7, session),
        new RouterCommand.Authenticate("l2", "alice", "nonce", "signature", "verified-public-key", 0, session),
        new RouterCommand.Execute("alice", new ClientFrame.Send("c1", "bob", "hi ✓"), session),
        new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g1", "team"), session),
        new RouterCommand.Execute("alice", new ClientFrame.JoinGroup("j1", "team"), session),
        new RouterCommand.Execute("alice", new ClientFrame.LeaveGroup("l1", "team"), session),
        new RouterCommand.Execute("alice", new ClientFrame.ListGroups("lg"), session),
        new RouterCommand.Execute("alice", new ClientFrame.ListMembers("lm", "team"), session),
        new RouterCommand.Execute("alice", new ClientFrame.QueryStatus("s1", "m1"), session),
        new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g2", "secret", true), session),
        new RouterCommand.Execute("alice", new ClientFrame.Invite("i1", "secret", "bob"), session),
        new RouterCommand.Execute("alice", new ClientFrame.RemoveMember("x1", "secret", "bob"), session),
        new RouterCommand.Execute("alice", new ClientFrame.Ban("b1", "secret", "bob"), session),
        new RouterCommand.Execute("alice", new ClientFrame.Unban("u1", "secret", "bob"), session),
        new RouterCommand.Execute("alice", new ClientFrame.GiveGroup("o1", "secret", "bob"), session),
        new RouterCommand.Execute("alice", new ClientFrame.DeleteGroup("d1", "secret"), session),
        new RouterCommand.Execute("alice", new ClientFrame.Block("k1", "bob"), session),
        new RouterCommand.Execute("alice", new ClientFrame.Unblock("k2", "bob"), session),
        new RouterCommand.Acknowledge("alice", 12, session),
        new RouterCommand.Resume("alice", 12, "nonce", "signature", session),
        new RouterCommand.Resume("alice", 12, null, null, session),
        new RouterCommand.FetchPushes("alice", 12, session));
  }

  static Stream<Object> routerToSession() {
    ServerFrame.Message direct = new ServerFrame.Message(1, "m1", "bob", "alice", null, "hi", AT);
    ServerFrame.Message inGroup = new ServerFrame.Message(2, "m2", "bob", "alice", "team", "hi team", AT);
    ServerFrame.Delivered delivered = new ServerFrame.Delivered(3, "m9", "carol", 1, 2);
    return Stream.of(
        new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false)),
        new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "DELIVERED", 1, true)),
        new ToSession.Reply(ServerFrame.Ok.plain("g1")),
        new ToSession.Reply(new ServerFrame.Error("c1", "UNKNOWN_RECIPIENT", "No peer or group is named 'x'.")),
        new ToSession.Reply(new ServerFrame.Error(null, "BAD_ACK", "Acknowledged 5 but the last push to you was 3.")),
        new ToSession.Reply(new ServerFrame.GroupList("lg", List.of(new ServerFrame.GroupInfo("team", 3, true)))),
        new ToSession.Reply(new ServerFrame.MemberList("lm", "team", List.of("alice", "bob"))),
        new ToSession.Reply(new ServerFrame.MemberList("lm", "team", List.of("alice", "bob"), "bob", "carol")),
        new ToSession.Reply(new ServerFrame.GroupList("lg", List.of(new ServerFrame.GroupInfo("secret", 2, false, true, true)))),
        new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false,
            List.of(new ServerFrame.Rejection("bob", "BLOCKED", "bob does not accept messages from you.")))),
        new ToSession.Reply(new ServerFrame.MessageStatus("s1", "m1", "SENT", List.of("bob", "carol"), List.of("bob"))),
        new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 3), List.of(direct, inGroup, delivered)),
        new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r1", "alice", 0), List.of()),
        new ToSession.Pushed(List.of(direct, delivered)),
        new ToSession.Resumed("alice", 9, List.of(direct, delivered)),
        new ToSession.ResumeRefused("alice"),
        new ToSession.Page(9, List.of(inGroup)),
        new ToSession.Page(9, List.of()),
        new ToSession.ReplyPart("lm", "{\"type\":\"member_list\",", false),
        new ToSession.Replaced());
  }

  static Stream<Object> journalEvents() {
    return Stream.of(
        new RouterEvent.PeerRegistered("alice", "public-key", AT),
        new RouterEvent.GroupCreated("team", "alice", AT),
        new RouterEvent.GroupJoined("team", "bob"),
        new RouterEvent.GroupLeft("team", "bob"),
        new RouterEvent.GroupCreated("secret", "alice", AT, true),
        new RouterEvent.GroupInvited("secret", "bob"),
        new RouterEvent.GroupMemberRemoved("secret", "bob"),
        new RouterEvent.GroupBanned("secret", "bob"),
        new RouterEvent.GroupUnbanned("secret", "bob"),
        new RouterEvent.GroupGiven("secret", "bob"),
        new RouterEvent.GroupDeleted("secret"),
        new RouterEvent.PeerBlocked("bob", "alice"),
        new RouterEvent.PeerUnblocked("bob", "alice"),
        new RouterEvent.MessageAccepted("m3", "c3", "alice", "team", "team", List.of("carol"), "hi", AT, null, List.of("dave"), List.of("bob"), null),
        new RouterEvent.MessageAccepted("m1", "c1", "alice", "team", "team", List.of("bob", "carol"), "hi", AT),
        new RouterEvent.MessageAccepted("m2", "c2", "alice", "bob", null, List.of("bob"), "", AT),
        new RouterEvent.MessageAccepted("m4", "c4", "alice", "bob", null, List.of("bob"), null, AT, null, null, null, null, 5), // body aside
        new RouterEvent.MessageAccepted("m5", "c5", "alice", "bob", null, List.of("bob"), null, AT, null, null, null, null, 5, 10_000L, "c0"), // id aside, forgetting one
        new RouterEvent.MessageAccepted("m6", "ab-7", "alice", "bob", null, List.of("bob"), null, AT, null, null, null, null, 5, 3L, null,
            new SendRun(-4_611_686_018_427_387_904L, 7)), // with the sender's run
        new RouterEvent.BodiesDropped(List.of(1L, 2L, 9_000_000_000L)),
        new RouterEvent.InboxAcked("bob", 4));
  }

  @ParameterizedTest
  @MethodSource("sessionToRouter")
  void aSessionCommandComesBackEqualFromCbor(Object message) throws NotSerializableException {
    assertEquals(message, roundTrip(message));
  }

  @ParameterizedTest
  @MethodSource("routerToSession")
  void aRouterAnswerComesBackEqualFromCbor(Object message) throws NotSerializableException {
    assertEquals(message, roundTrip(message));
  }

  /** A backup's /ready asks the router singleton on the primary's node, and reads its answer from there. */
  static Stream<Object> readinessCheck() {
    return Stream.of(
        new RouterCommand.CheckReady(testKit.<RouterHealth>createTestProbe().ref()),
        new RouterHealth(true, null),
        new RouterHealth(false, "the registry failed to recover (it retries): not the primary: waiting for the replication manager"));
  }

  @ParameterizedTest
  @MethodSource("readinessCheck")
  void aReadinessCheckAndItsAnswerComeBackEqualFromCbor(Object message) throws NotSerializableException {
    assertEquals(message, roundTrip(message));
  }

  @ParameterizedTest
  @MethodSource("journalEvents")
  void aJournalEventComesBackEqualFromCbor(Object event) throws NotSerializableException {
    assertEquals(event, roundTrip(event));
  }

  /**
   * The heaviest messages between nodes, by PageLimits' count, in real CBOR bytes: names of 64 characters and
   * bodies of 3-byte characters (UTF-8's worst case per character) must still fit the remote transport's
   * default frame of 256 KiB, and the bound the node checks its configuration against.
   */
  static Stream<Object> heaviest() {
    String name = "é".repeat(64);
    int maxMessage = 64 * 1024;
    ServerFrame.Message oneMaximal = new ServerFrame.Message(1, "m1", name, name, name, "€".repeat(maxMessage / 3), AT);
    List<ServerFrame.Push> many = new java.util.ArrayList<>();
    for (int seq = 1; seq <= 2000; seq++) {
      many.add(new ServerFrame.Message(seq, "m" + seq, name, name, name, "€".repeat(100), AT));
    }
    List<ServerFrame.Push> firstPage = PageLimits.pages(many, PageLimits::weight).get(0);
    List<ServerFrame.Push> heavyOnes = new java.util.ArrayList<>();
    for (int seq = 1; seq <= 5; seq++) {
      heavyOnes.add(new ServerFrame.Message(seq, "m" + seq, name, name, name, "€".repeat(20_000), AT));
    }
    return Stream.of(
        new ToSession.Page(1, firstPage),
        new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", name, 1), PageLimits.pages(heavyOnes, PageLimits::weight).get(0)),
        new ToSession.Pushed(List.of(oneMaximal)),
        new ToSession.ReplyPart("l1", "€".repeat(PageLimits.MAX_WEIGHT), false),
        new RouterCommand.Execute(name, new ClientFrame.Send("c1", name, "€".repeat(maxMessage / 3)), session));
  }

  @ParameterizedTest
  @MethodSource("heaviest")
  void theHeaviestMessageBetweenNodesFitsTheRemoteTransportsFrame(Object message) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    int bytes = serialization.serialize(message).get().length;
    assertTrue(bytes <= PageLimits.requiredFrameBytes(64 * 1024), bytes + " bytes");
    assertTrue(PageLimits.requiredFrameBytes(64 * 1024) <= 256 * 1024, "the default frame carries the default message size");
  }

  @Test
  void aDirectMessageIsJournaledWithoutTheFieldsItDoesNotUse() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    String cbor = new String(
        serialization.serialize(new RouterEvent.MessageAccepted("m2", "c2", "alice", "bob", null, List.of("bob"), "hi", AT)).get(),
        java.nio.charset.StandardCharsets.ISO_8859_1);

    for (String unused : List.of("group", "receipts", "rejected", "blocked", "expiresAt")) {
      assertFalse(cbor.contains(unused), "'" + unused + "' is null and costs its name in every journaled send: " + cbor);
    }
  }

  private static Object roundTrip(Object message) throws NotSerializableException {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName());
    byte[] bytes = serialization.serialize(message).get();
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
  }
}
