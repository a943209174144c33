package peerlink.session;

import java.util.ArrayDeque;
import java.util.List;
import peerlink.protocol.PageLimits;
import peerlink.protocol.ServerFrame;

/**
 * Flow control for pushes: at most {@code size} unacknowledged pushes are on the wire, and besides them at
 * most half a window, or about a page's weight ({@link PageLimits#MAX_WEIGHT}), waits here; the rest stay
 * in the router's inbox until this window has room and asks for the next page ({@link #wantsPage}). So a
 * client coming back to a backlog of any size costs its session a bounded amount of memory, and no message
 * from the router grows with it. Duplicates (a push already queued or sent) are dropped by sequence number.
 *
 * <p>The session writes what {@link #next} gives after every message it handles, so between messages
 * everything waiting here is beyond the client's window.
 */
final class PushWindow {
  private final int size;
  private final ArrayDeque<ServerFrame.Push> waiting = new ArrayDeque<>();
  private long waitingWeight;
  /** The highest sequence number queued here or sent. */
  private long queuedUpTo;
  private long sentUpTo;
  private long ackedUpTo;
  /** The highest sequence number the router is known to have for this peer; past {@link #queuedUpTo}, pages are due. */
  private long routerUpTo;

  PushWindow(int size) {
    this.size = size;
  }

  /** Starts after authentication: the client has everything up to {@code ackedUpTo}, the router has pushes up to {@code routerUpTo}. */
  void start(long ackedUpTo, long routerUpTo) {
    this.ackedUpTo = ackedUpTo;
    this.sentUpTo = ackedUpTo;
    this.queuedUpTo = ackedUpTo;
    this.routerUpTo = Math.max(ackedUpTo, routerUpTo);
  }

  /**
   * A page the router read from the inbox, after {@link #queuedUpTo} as it was when this window asked: taken
   * whole (pushes acknowledged meanwhile on another connection may leave a gap before it). An empty page
   * means the inbox holds nothing more, whatever {@code lastSeq} says.
   */
  void page(long lastSeq, List<ServerFrame.Push> pushes) {
    for (ServerFrame.Push push : pushes) {
      if (push.seq() > queuedUpTo) {
        add(push);
      }
    }
    routerUpTo = pushes.isEmpty() ? queuedUpTo : Math.max(routerUpTo, lastSeq);
  }

  /**
   * Pushes the router forwards as it makes them: one is taken when it follows the last one here and there is
   * room; otherwise it stays in the inbox, and a later page brings it.
   */
  void live(List<ServerFrame.Push> pushes) {
    for (ServerFrame.Push push : pushes) {
      routerUpTo = Math.max(routerUpTo, push.seq());
      if (push.seq() == queuedUpTo + 1 && roomFor(push.seq())) {
        add(push);
      }
    }
  }

  /** Whether to ask the router for the next page: it has pushes not queued here, and this window has room for them. */
  boolean wantsPage() {
    return routerUpTo > queuedUpTo && roomFor(queuedUpTo + 1);
  }

  /** Returns false when the client acknowledges more than it was sent. */
  boolean acknowledge(long upTo) {
    if (upTo > sentUpTo) {
      return false;
    }
    ackedUpTo = Math.max(ackedUpTo, upTo);
    return true;
  }

  long ackedUpTo() {
    return ackedUpTo;
  }

  /** The last push held here or sent: the next page starts after it. */
  long queuedUpTo() {
    return queuedUpTo;
  }

  /** Takes the next push that fits in the window, or null. */
  ServerFrame.Push next() {
    if (waiting.isEmpty() || waiting.peekFirst().seq() - ackedUpTo > size) {
      return null;
    }
    ServerFrame.Push push = waiting.pollFirst();
    waitingWeight -= PageLimits.weight(push);
    sentUpTo = push.seq();
    return push;
  }

  /**
   * A push the client's window takes at once goes straight on the wire; beyond the window, up to half a window
   * more may wait here while less than a page's weight does: enough to keep the client busy while the next page
   * is fetched. (Within one {@link #live} call the weight may count pushes about to be written, which only
   * leaves more to a page.)
   */
  private boolean roomFor(long seq) {
    long ahead = seq - ackedUpTo;
    return ahead <= size || (ahead <= size + size / 2 && waitingWeight < PageLimits.MAX_WEIGHT);
  }

  private void add(ServerFrame.Push push) {
    waiting.addLast(push);
    waitingWeight += PageLimits.weight(push);
    queuedUpTo = push.seq();
  }
}
