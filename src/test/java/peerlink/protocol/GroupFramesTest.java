package peerlink.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frames of private groups, owners and blocks as JSON, and the replies a version 1 or 2 connection gets
 * instead of version 3's: the same as before private groups existed.
 */
class GroupFramesTest {
  private final FrameCodec codec = new FrameCodec(Limits.DEFAULT);

  @Test
  void createGroupReadsPrivateAndAPublicGroupIsWrittenWithoutIt() {
    assertEquals(new ClientFrame.CreateGroup("g1", "team", true), decode("{\"type\":\"create_group\",\"id\":\"g1\",\"group\":\"team\",\"private\":true}"));
    assertEquals(new ClientFrame.CreateGroup("g1", "team"), decode("{\"type\":\"create_group\",\"id\":\"g1\",\"group\":\"team\"}"));
    assertEquals("{\"type\":\"create_group\",\"id\":\"g1\",\"group\":\"team\"}", FrameCodec.encode(new ClientFrame.CreateGroup("g1", "team")));
    assertEquals(
        "{\"type\":\"create_group\",\"id\":\"g1\",\"group\":\"team\",\"private\":true}", FrameCodec.encode(new ClientFrame.CreateGroup("g1", "team", true)));
  }

  @Test
  void theOwnersRequestsAndBlocksReadTheirFieldsAndNameAMissingOne() {
    assertEquals(new ClientFrame.Invite("i1", "team", "bob"), decode("{\"type\":\"invite\",\"id\":\"i1\",\"group\":\"team\",\"peer\":\"bob\"}"));
    assertEquals(new ClientFrame.RemoveMember("x1", "team", "bob"), decode("{\"type\":\"remove\",\"id\":\"x1\",\"group\":\"team\",\"peer\":\"bob\"}"));
    assertEquals(new ClientFrame.Ban("b1", "team", "bob"), decode("{\"type\":\"ban\",\"id\":\"b1\",\"group\":\"team\",\"peer\":\"bob\"}"));
    assertEquals(new ClientFrame.Unban("u1", "team", "bob"), decode("{\"type\":\"unban\",\"id\":\"u1\",\"group\":\"team\",\"peer\":\"bob\"}"));
    assertEquals(new ClientFrame.GiveGroup("o1", "team", "bob"), decode("{\"type\":\"give_group\",\"id\":\"o1\",\"group\":\"team\",\"peer\":\"bob\"}"));
    assertEquals(new ClientFrame.DeleteGroup("d1", "team"), decode("{\"type\":\"delete_group\",\"id\":\"d1\",\"group\":\"team\"}"));
    assertEquals(new ClientFrame.Block("k1", "bob"), decode("{\"type\":\"block\",\"id\":\"k1\",\"peer\":\"bob\"}"));
    assertEquals(new ClientFrame.Unblock("k2", "bob"), decode("{\"type\":\"unblock\",\"id\":\"k2\",\"peer\":\"bob\"}"));
    FrameCodec.Decoded missing = codec.decodeClientMessage("{\"type\":\"ban\",\"id\":\"b1\",\"group\":\"team\"}").get(0);
    assertEquals(ErrorCode.BAD_FRAME, missing.error().code());
    assertEquals("Missing field 'peer'.", missing.error().getMessage());
  }

  @Test
  void versionThreeListsNameOwnersAndPrivateGroupsAndOlderVersionsGetTheListsAsBefore() {
    ServerFrame.MemberList members = new ServerFrame.MemberList("l1", "team", List.of("alice"), null, "alice");
    ServerFrame.GroupList groups = new ServerFrame.GroupList("l2", List.of(new ServerFrame.GroupInfo("team", 1, true, true, null)), "team");

    assertSame(members, OlderReplies.forVersion(members, 3));
    assertSame(groups, OlderReplies.forVersion(groups, 3));
    for (Integer older : new Integer[] {null, 1, 2}) {
      assertEquals(new ServerFrame.MemberList("l1", "team", List.of("alice"), null), OlderReplies.forVersion(members, older));
      assertEquals(new ServerFrame.GroupList("l2", List.of(new ServerFrame.GroupInfo("team", 1, true)), "team"), OlderReplies.forVersion(groups, older));
    }
    assertEquals(
        "{\"type\":\"member_list\",\"id\":\"l1\",\"group\":\"team\",\"members\":[\"alice\"]}",
        OlderReplies.inVersion(FrameCodec.encode(members), 2, codec), "a reply that came in parts, too");
    String status = FrameCodec.encode(new ServerFrame.MessageStatus("q1", "m1", "SENT", List.of("bob"), List.of()));
    assertSame(status, OlderReplies.inVersion(status, 1, codec), "other replies go as they are");
    assertFalse(FrameCodec.encode(OlderReplies.forVersion(groups, 1)).contains("private"));
  }

  private ClientFrame decode(String json) {
    FrameCodec.Decoded decoded = codec.decodeClientMessage(json).get(0);
    if (decoded.error() != null) {
      throw decoded.error();
    }
    return decoded.frame();
  }
}
