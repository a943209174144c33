package peerlink.session;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests all sessions of this node have sent to the router and not yet seen answered, together.
 *
 * <p>Why: Pekko's remote transport is at-most-once. It drops a message when its send queue to a node is full
 * ({@code pekko.remote.artery.advanced.outbound-message-queue-size}), logs it as a dead letter, and nobody
 * answers the request: its client waits the whole request timeout. Each session bounds its own requests, but
 * thousands of sessions on a backup, whose requests all cross to the primary, do not: one client pipelining
 * 10,001 sends through a backup lost 1,533 of them this way and waited 30 s for them. So a session takes a
 * permit for each request it sends and gives it back when the answer comes, the request times out or the
 * session ends; without a permit the request waits in the session, in order, and is sent when one is free.
 *
 * <p>Shared by the sessions of one node (like {@link LoginThrottle}): a permit is taken and given back by
 * atomic updates, without a message to another actor per request. A session that finds none leaves a wake-up
 * here, and each permit given back wakes the longest waiting one. A session sends at most
 * {@link RouterRequests#PER_TURN} requests per turn and then waits at the back again, so that a client that
 * pipelines thousands does not take every permit a batch of answers frees while another waits for one.
 */
public final class NodeRequestBudget {
  private final int size;
  private final AtomicInteger free;
  private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();

  public NodeRequestBudget(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("A node's request budget must be 1 or more, not " + size);
    }
    this.size = size;
    this.free = new AtomicInteger(size);
  }

  public int size() {
    return size;
  }

  /** Permits not taken now (for tests and reports). */
  public int free() {
    return free.get();
  }

  /** Takes a permit when one is free. */
  boolean tryTake() {
    while (true) {
      int now = free.get();
      if (now == 0) {
        return false;
      }
      if (free.compareAndSet(now, now - 1)) {
        return true;
      }
    }
  }

  /** Gives back {@code count} permits, waking as many waiting sessions. */
  void giveBack(int count) {
    if (count <= 0) {
      return;
    }
    free.addAndGet(count);
    for (int i = 0; i < count; i++) {
      Runnable next = waiting.poll();
      if (next == null) {
        return;
      }
      next.run();
    }
  }

  /** Runs {@code wake} once when a permit is given back. Try {@link #tryTake} again after this: one may have been. */
  void await(Runnable wake) {
    waiting.add(wake);
  }

  /**
   * Wakes the longest waiting session when a permit is free (a session that ended its turn with requests left,
   * or one woken for a permit it did not use, calls this so that a free permit never waits for a give-back).
   */
  void nudge() {
    if (free.get() > 0) {
      Runnable next = waiting.poll();
      if (next != null) {
        next.run();
      }
    }
  }

  /**
   * A session woken for a permit it does not use (it has nothing to send, is stopping, or cannot send now)
   * hands the wake-up on, so that no free permit is left while another session waits. {@code wake}, when not
   * null, is the session's own wake-up, taken back if it is still waiting.
   */
  void passOn(Runnable wake) {
    if (wake != null) {
      waiting.remove(wake);
    }
    nudge();
  }
}
