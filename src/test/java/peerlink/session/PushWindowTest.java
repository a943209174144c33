package peerlink.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import peerlink.protocol.ServerFrame;

/** Flow control of pushes, counted in sequence numbers from the client's last acknowledgement. */
class PushWindowTest {

  @Test
  void atMostWindowSizePushesAreOutBeforeAnAck() {
    PushWindow window = new PushWindow(2);
    window.start(0);
    window.offer(pushes(1, 5));

    assertEquals(List.of(1L, 2L), drain(window));
    assertTrue(window.acknowledge(1));
    assertEquals(List.of(3L), drain(window));
    assertTrue(window.acknowledge(3));
    assertEquals(List.of(4L, 5L), drain(window));
    assertEquals(List.of(), drain(window));
  }

  @Test
  void theWindowCountsFromTheResumePoint() {
    PushWindow window = new PushWindow(2);
    window.start(10);
    window.offer(pushes(11, 14));

    assertEquals(List.of(11L, 12L), drain(window));
    assertEquals(10, window.ackedUpTo());
  }

  @Test
  void pushesAlreadyQueuedOrAtOrBelowTheResumePointAreDropped() {
    PushWindow window = new PushWindow(10);
    window.start(2);

    window.offer(pushes(1, 3));
    window.offer(pushes(3, 4));
    window.offer(pushes(2, 5));

    assertEquals(List.of(3L, 4L, 5L), drain(window));
  }

  @Test
  void anAckBeyondWhatWasSentIsRefusedAndChangesNothing() {
    PushWindow window = new PushWindow(2);
    window.start(0);
    window.offer(pushes(1, 3));
    drain(window);

    assertFalse(window.acknowledge(3), "3 is queued but was never sent");
    assertEquals(0, window.ackedUpTo());
    assertNull(window.next());
  }

  @Test
  void anAckBelowAnEarlierOneIsAcceptedButDoesNotMoveBack() {
    PushWindow window = new PushWindow(5);
    window.start(0);
    window.offer(pushes(1, 3));
    drain(window);

    assertTrue(window.acknowledge(3));
    assertTrue(window.acknowledge(1));

    assertEquals(3, window.ackedUpTo());
  }

  @Test
  void anAckUpToTheResumePointIsValidBeforeAnythingWasSent() {
    PushWindow window = new PushWindow(5);
    window.start(7);

    assertTrue(window.acknowledge(7));
    assertFalse(window.acknowledge(8));
  }

  @Test
  void nothingIsSentWhenNothingWaits() {
    PushWindow window = new PushWindow(1);
    window.start(0);

    assertNull(window.next());
  }

  private static List<ServerFrame.Push> pushes(long from, long to) {
    return LongStream.rangeClosed(from, to)
        .mapToObj(seq -> (ServerFrame.Push) new ServerFrame.Message(seq, "m" + seq, "bob", "alice", null, "body " + seq, 0))
        .toList();
  }

  private static List<Long> drain(PushWindow window) {
    List<Long> sent = new ArrayList<>();
    for (ServerFrame.Push push = window.next(); push != null; push = window.next()) {
      sent.add(push.seq());
    }
    return sent;
  }
}
