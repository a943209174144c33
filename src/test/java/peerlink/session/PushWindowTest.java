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

/**
 * Flow control of pushes, counted in sequence numbers from the client's last acknowledgement, and the pages
 * it asks the router for: it holds at most about half a window more than the client has.
 */
class PushWindowTest {

  @Test
  void atMostWindowSizePushesAreOutBeforeAnAck() {
    PushWindow window = new PushWindow(2);
    window.start(0, 0);
    window.page(5, pushes(1, 5));

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
    window.start(10, 10);
    window.page(14, pushes(11, 14));

    assertEquals(List.of(11L, 12L), drain(window));
    assertEquals(10, window.ackedUpTo());
  }

  @Test
  void pushesAlreadyQueuedOrAtOrBelowTheResumePointAreDropped() {
    PushWindow window = new PushWindow(10);
    window.start(2, 2);

    window.page(3, pushes(1, 3));
    window.page(4, pushes(3, 4));
    window.page(5, pushes(2, 5));

    assertEquals(List.of(3L, 4L, 5L), drain(window));
  }

  @Test
  void anAckBeyondWhatWasSentIsRefusedAndChangesNothing() {
    PushWindow window = new PushWindow(2);
    window.start(0, 0);
    window.page(3, pushes(1, 3));
    drain(window);

    assertFalse(window.acknowledge(3), "3 is queued but was never sent");
    assertEquals(0, window.ackedUpTo());
    assertNull(window.next());
  }

  @Test
  void anAckBelowAnEarlierOneIsAcceptedButDoesNotMoveBack() {
    PushWindow window = new PushWindow(5);
    window.start(0, 0);
    window.page(3, pushes(1, 3));
    drain(window);

    assertTrue(window.acknowledge(3));
    assertTrue(window.acknowledge(1));

    assertEquals(3, window.ackedUpTo());
  }

  @Test
  void anAckUpToTheResumePointIsValidBeforeAnythingWasSent() {
    PushWindow window = new PushWindow(5);
    window.start(7, 7);

    assertTrue(window.acknowledge(7));
    assertFalse(window.acknowledge(8));
  }

  @Test
  void nothingIsSentWhenNothingWaits() {
    PushWindow window = new PushWindow(1);
    window.start(0, 0);

    assertNull(window.next());
  }

  @Test
  void livePushesAreTakenWhileTheyFollowOnAndThereIsRoomAndTheRestIsLeftForAPage() {
    PushWindow window = new PushWindow(2);
    window.start(0, 0);

    window.live(pushes(1, 5)); // 1 and 2 go on the wire, 3 may wait (half a window), 4 and 5 stay in the router
    assertEquals(3, window.queuedUpTo());
    assertEquals(List.of(1L, 2L), drain(window));
    assertFalse(window.wantsPage(), "half a window waits already");
    assertTrue(window.acknowledge(2));
    assertEquals(List.of(3L), drain(window));
    assertTrue(window.wantsPage(), "4 and 5 are in the router's inbox");

    window.live(pushes(7, 7)); // 6 is missing: 7 is not taken out of order
    assertEquals(3, window.queuedUpTo());
    window.page(7, pushes(4, 7));
    assertEquals(List.of(4L), drain(window));
    assertFalse(window.wantsPage(), "everything the router has is here");
    assertTrue(window.acknowledge(4));
    assertEquals(List.of(5L, 6L), drain(window));
    assertTrue(window.acknowledge(6));
    assertEquals(List.of(7L), drain(window));
  }

  @Test
  void aBacklogLongerThanTheWindowIsFetchedAsTheClientAcknowledges() {
    PushWindow window = new PushWindow(10);
    window.start(0, 100_000); // a login whose ok says 100,000 pushes wait in the router

    assertTrue(window.wantsPage());
    window.page(100_000, pushes(1, 6));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), drain(window));
    assertTrue(window.wantsPage());
    window.page(100_000, pushes(7, 15));
    assertEquals(List.of(7L, 8L, 9L, 10L), drain(window));
    assertFalse(window.wantsPage(), "a full window is out and half a window waits");
    assertTrue(window.acknowledge(5));
    assertEquals(List.of(11L, 12L, 13L, 14L, 15L), drain(window));
    assertTrue(window.wantsPage(), "the client made room: the next page is due");
    window.live(pushes(100_001, 100_001));
    assertEquals(15, window.queuedUpTo(), "a new push does not jump the backlog");
  }

  @Test
  void heavyPushesBeyondTheWindowWaitHereUpToAboutOnePageOfWeight() {
    PushWindow window = new PushWindow(1000);
    window.start(0, 0);

    window.live(heavy(1, 1003));
    assertEquals(1000, window.queuedUpTo(), "a whole window goes on the wire; the rest is left to pages");
    assertEquals(1000, drain(window).size());
    assertTrue(window.wantsPage());
    window.page(1003, heavy(1001, 1001)); // a page holds one such push (PageLimits.MAX_WEIGHT)
    assertTrue(window.wantsPage(), "40,000 characters wait, less than a page");
    window.page(1003, heavy(1002, 1002));
    assertFalse(window.wantsPage(), "80,000 characters wait, more than a page");
  }

  @Test
  void anEmptyPageMeansTheInboxHasNothingMore() {
    PushWindow window = new PushWindow(10);
    window.start(0, 5); // the ok said 5, but another connection of the peer acknowledged them meanwhile

    window.page(5, List.of());

    assertFalse(window.wantsPage());
    window.live(pushes(6, 6));
    assertTrue(window.wantsPage(), "6 does not follow 0: a page brings it");
    window.page(6, pushes(6, 6));
    assertEquals(List.of(6L), drain(window));
  }

  private static List<ServerFrame.Push> heavy(long from, long to) {
    String body = "x".repeat(40_000);
    return LongStream.rangeClosed(from, to)
        .mapToObj(seq -> (ServerFrame.Push) new ServerFrame.Message(seq, "m" + seq, "bob", "alice", null, body, 0))
        .toList();
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
