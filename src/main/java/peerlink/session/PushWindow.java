package peerlink.session;

import java.util.ArrayDeque;
import java.util.List;
import peerlink.protocol.ServerFrame;

/**
 * Flow control for pushes: at most {@code size} unacknowledged pushes are on the wire; the rest wait here
 * until the client acknowledges. Duplicates (a push already queued or sent) are dropped by sequence number.
 */
final class PushWindow {
  private final int size;
  private final ArrayDeque<ServerFrame.Push> waiting = new ArrayDeque<>();
  private long queuedUpTo;
  private long sentUpTo;
  private long ackedUpTo;

  PushWindow(int size) {
    this.size = size;
  }

  /** Starts after authentication: the client has everything up to {@code ackedUpTo}. */
  void start(long ackedUpTo) {
    this.ackedUpTo = ackedUpTo;
    this.sentUpTo = ackedUpTo;
    this.queuedUpTo = ackedUpTo;
  }

  void offer(List<ServerFrame.Push> pushes) {
    for (ServerFrame.Push push : pushes) {
      if (push.seq() > queuedUpTo) {
        waiting.addLast(push);
        queuedUpTo = push.seq();
      }
    }
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

  /** Takes the next push that fits in the window, or null. */
  ServerFrame.Push next() {
    if (waiting.isEmpty() || waiting.peekFirst().seq() - ackedUpTo > size) {
      return null;
    }
    ServerFrame.Push push = waiting.pollFirst();
    sentUpTo = push.seq();
    return push;
  }
}
