package peerlink.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a version 1 or 2 connection gets of time-to-live: no {@code expired} push, no {@code expired} field,
 * and SENT where version 3 says EXPIRED (docs/protocol.md, section 2).
 */
class OlderExpiryFramesTest {
  private final FrameCodec codec = new FrameCodec(Limits.DEFAULT);

  private final ServerFrame.MessageStatus expired =
      new ServerFrame.MessageStatus("q1", "m1", "EXPIRED", List.of("bob", "carol"), List.of("carol"), null, List.of("bob"));

  @Test
  void versionThreeIsToldOfExpiryAndOlderVersionsSeeAMessageThatIsNeverAcknowledged() {
    assertSame(expired, OlderReplies.forVersion(expired, 3));
    for (Integer older : new Integer[] {null, 1, 2}) {
      assertEquals(
          "{\"type\":\"message_status\",\"id\":\"q1\",\"msgId\":\"m1\",\"state\":\"SENT\",\"recipients\":[\"bob\",\"carol\"],\"delivered\":[\"carol\"]}",
          FrameCodec.encode(OlderReplies.forVersion(expired, older)), "version " + older);
    }
  }

  @Test
  void aResentSendOfAnExpiredMessageSaysSentToAnOlderVersion() {
    ServerFrame.Ok resent = ServerFrame.Ok.sent("s1", "m1", "EXPIRED", 1, true);

    assertSame(resent, OlderReplies.forVersion(resent, 3));
    assertEquals(ServerFrame.Ok.sent("s1", "m1", "SENT", 1, true), OlderReplies.forVersion(resent, 2));
  }

  @Test
  void theExpiredPushIsWrittenWithItsTypeAndReadBack() {
    ServerFrame.Expired push = new ServerFrame.Expired(3, "m1", "bob", 1, 2);
    String json = "{\"type\":\"expired\",\"seq\":3,\"msgId\":\"m1\",\"recipient\":\"bob\",\"expiredCount\":1,\"recipientCount\":2}";

    assertEquals(json, FrameCodec.encode(push));
    assertEquals(push, codec.decodeServer(json));
  }

  @Test
  void anOlderVersionIsNotSentExpiredPushesButEveryOtherPush() {
    ServerFrame.Expired push = new ServerFrame.Expired(3, "m1", "bob", 1, 1);
    ServerFrame.Delivered delivered = new ServerFrame.Delivered(4, "m2", "bob", 1, 1);

    assertTrue(OlderReplies.knows(push, 3));
    for (Integer older : new Integer[] {null, 1, 2}) {
      assertFalse(OlderReplies.knows(push, older), "version " + older);
      assertTrue(OlderReplies.knows(delivered, older), "version " + older);
    }
  }

  @Test
  void aStatusThatCameInPartsLosesItsExpiredFieldForAnOlderVersionToo() {
    String json = FrameCodec.encode(expired);

    assertSame(json, OlderReplies.inVersion(json, 3, codec));
    assertFalse(OlderReplies.inVersion(json, 1, codec).contains("xpired"), OlderReplies.inVersion(json, 1, codec));
  }
}
