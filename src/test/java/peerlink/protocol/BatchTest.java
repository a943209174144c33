package peerlink.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Version 2 batches: several frames in one WebSocket message, written by FrameBatch and read by FrameCodec. */
class BatchTest {
  private final FrameCodec codec = new FrameCodec(Limits.DEFAULT);

  @Test
  void framesAreJoinedByLineFeedsUntilTheBudgetIsFull() {
    FrameBatch batch = new FrameBatch(20);

    assertNull(batch.add("{\"a\":1}"));
    assertNull(batch.add("{\"b\":2}"));
    String full = batch.add("{\"c\":3}"); // 7 + 1 + 7 + 1 + 7 > 20

    assertEquals("{\"a\":1}\n{\"b\":2}", full);
    assertEquals("{\"c\":3}", batch.take());
    assertTrue(batch.isEmpty());
    assertNull(batch.take());
  }

  @Test
  void aFrameLargerThanTheBudgetStillGoesOutAlone() {
    FrameBatch batch = new FrameBatch(10);
    String big = "{\"body\":\"" + "x".repeat(50) + "\"}";

    assertNull(batch.add(big));
    assertEquals(big, batch.add("{\"a\":1}"));
    assertEquals("{\"a\":1}", batch.take());
  }

  @Test
  void anActorAsksForOneFlushPerBurstAndTheFlushSendsWhatWaits() {
    FrameBatch batch = new FrameBatch(20);
    List<String> sent = new java.util.ArrayList<>();
    int[] flushRequests = {0};

    batch.write("{\"a\":1}", sent::add, () -> flushRequests[0]++);
    batch.write("{\"b\":2}", sent::add, () -> flushRequests[0]++);
    batch.write("{\"c\":3}", sent::add, () -> flushRequests[0]++); // does not fit: the first two go now

    assertEquals(1, flushRequests[0]);
    assertEquals(List.of("{\"a\":1}\n{\"b\":2}"), sent);
    batch.flush(sent::add);
    assertEquals(List.of("{\"a\":1}\n{\"b\":2}", "{\"c\":3}"), sent);
    batch.flush(sent::add);
    assertEquals(2, sent.size(), "nothing waits, nothing is sent");
    batch.write("{\"d\":4}", sent::add, () -> flushRequests[0]++);
    assertEquals(2, flushRequests[0], "a new burst asks again");
  }

  @Test
  void aBatchFromTheServerSplitsIntoItsFrames() {
    FrameBatch batch = new FrameBatch(FrameBatch.DEFAULT_MAX_CHARS);
    batch.add(FrameCodec.encode(ServerFrame.Ok.authenticated("l1", "bob", 0)));
    batch.add(FrameCodec.encode(new ServerFrame.Message(1, "m1", "alice", "bob", null, "line one\nline two", 5L)));

    List<String> frames = FrameCodec.serverFrames(batch.take());

    assertEquals(2, frames.size(), "a line feed inside a body is escaped in JSON, so it never splits a frame");
    assertInstanceOf(ServerFrame.Ok.class, codec.decodeServer(frames.get(0)));
    assertEquals("line one\nline two", ((ServerFrame.Message) codec.decodeServer(frames.get(1))).body());
  }

  @Test
  void aClientMessageMayHoldSeveralFramesEachDecodedOnItsOwn() {
    List<FrameCodec.Decoded> frames =
        codec.decodeClientMessage(
            "{\"type\":\"send\",\"id\":\"s1\",\"to\":\"bob\",\"body\":\"one\"}\n"
                + "{\"type\":\"send\",\"id\":\"s2\",\"to\":\"bob\"}\n"
                + "{\"type\":\"ack\",\"upTo\":3}");

    assertEquals(3, frames.size());
    assertEquals(new ClientFrame.Send("s1", "bob", "one"), frames.get(0).frame());
    assertEquals("s2", frames.get(1).id());
    assertEquals(ErrorCode.BAD_FRAME, frames.get(1).error().code(), "no body: refused, with its id");
    assertEquals(new ClientFrame.Ack(3L), frames.get(2).frame(), "the frame after a bad one is still read");
  }

  @Test
  void aVersionOneFrameWithLineFeedsInsideIsStillOneFrame() {
    List<FrameCodec.Decoded> frames = codec.decodeClientMessage("{\n  \"type\": \"ack\",\n  \"upTo\": 7\n}\n");

    assertEquals(1, frames.size());
    assertEquals(new ClientFrame.Ack(7L), frames.get(0).frame());
  }

  @Test
  void malformedJsonEndsTheMessageWithOneError() {
    List<FrameCodec.Decoded> frames =
        codec.decodeClientMessage("{\"type\":\"ack\",\"upTo\":1}\n{\"type\":\"send\",\n{\"type\":\"ack\",\"upTo\":2}");

    assertEquals(2, frames.size());
    assertEquals(new ClientFrame.Ack(1L), frames.get(0).frame());
    assertEquals(ErrorCode.BAD_FRAME, frames.get(1).error().code());
    assertTrue(frames.get(1).error().getMessage().startsWith("Malformed JSON"), frames.get(1).error().getMessage());
  }

  @Test
  void anEmptyMessageOrANonObjectIsABadFrame() {
    assertEquals(ErrorCode.BAD_FRAME, codec.decodeClientMessage("").get(0).error().code());
    assertEquals(ErrorCode.BAD_FRAME, codec.decodeClientMessage("  \n ").get(0).error().code());
    List<FrameCodec.Decoded> frames = codec.decodeClientMessage("[1,2] {\"type\":\"ack\",\"upTo\":1}");
    assertEquals(ErrorCode.BAD_FRAME, frames.get(0).error().code());
    assertEquals(new ClientFrame.Ack(1L), frames.get(1).frame());
  }

  @Test
  void framesPastTheLimitPerMessageAreRefusedOnceNotOneByOne() {
    String message = "{\"type\":\"ack\",\"upTo\":1}".repeat(Limits.MAX_FRAMES_PER_MESSAGE + 500);

    List<FrameCodec.Decoded> frames = codec.decodeClientMessage(message);

    assertEquals(Limits.MAX_FRAMES_PER_MESSAGE + 1, frames.size());
    assertEquals(new ClientFrame.Ack(1L), frames.get(Limits.MAX_FRAMES_PER_MESSAGE - 1).frame());
    assertEquals(ErrorCode.FRAME_TOO_LARGE, frames.get(Limits.MAX_FRAMES_PER_MESSAGE).error().code());
  }

  @Test
  void theSizeLimitAppliesToTheWholeMessage() {
    FrameCodec small = new FrameCodec(Limits.forMessageSize(10)); // frame limit 4156 bytes
    String send = "{\"type\":\"send\",\"id\":\"s1\",\"to\":\"bob\",\"body\":\"hi\"}\n";

    List<FrameCodec.Decoded> frames = small.decodeClientMessage(send.repeat(100));

    assertEquals(1, frames.size());
    assertEquals(ErrorCode.FRAME_TOO_LARGE, frames.get(0).error().code());
    assertEquals("s1", frames.get(0).id());
  }
}
