package peerlink.session;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import peerlink.router.RouterCommand;

/**
 * One session's requests to the router that are not answered yet, in the order the client sent them: the
 * ones sent (each holding a permit of the node's {@link NodeRequestBudget}) and, behind them, the ones waiting
 * for a permit or for the router's next instance. Sent in order, never one before an earlier one, so a
 * sender's messages keep their order; all are resent to a new instance after a failover.
 */
final class RouterRequests {
  private final NodeRequestBudget budget;
  private final Runnable wake;
  private final Map<String, RouterCommand> pending = new LinkedHashMap<>();
  /** Ids sent to the router, each holding a permit. */
  private final Set<String> sent = new HashSet<>();
  /** Ids not sent yet, in order. */
  private final ArrayDeque<String> unsent = new ArrayDeque<>();
  /** A wake-up is waiting in the budget. */
  private boolean awaiting;

  /** {@code wake} tells the session that a permit may be free (it then calls {@link #woken}). */
  RouterRequests(NodeRequestBudget budget, Runnable wake) {
    this.budget = budget;
    this.wake = wake;
  }

  /**
   * Requests a session sends when its turn comes, before it waits behind the others: a batch of answers frees
   * hundreds of permits at once, and the first session woken would otherwise take them all. A turn costs the
   * session one message to itself. (What a client sending one request waits for under a flood is mostly the
   * requests ahead of it in the router's queue, which the budget's size bounds: reference.conf.)
   */
  static final int PER_TURN = 32;

  /** Adds a request; it is sent at once through {@code send} when it may go now and nothing waits before it. */
  void add(String id, RouterCommand command, boolean mayGo, Consumer<RouterCommand> send) {
    pending.put(id, command);
    unsent.add(id);
    if (mayGo && !awaiting) {
      sendWaiting(send);
    }
  }

  /** Sends the waiting requests, in order, while permits are free, at most {@link #PER_TURN} of them. */
  void sendWaiting(Consumer<RouterCommand> send) {
    int turn = 0;
    while (!unsent.isEmpty()) {
      if (turn == PER_TURN) {
        waitForTurn();
        budget.nudge(); // a permit may be free: the longest waiting session (perhaps this one) gets it
        return;
      }
      if (!budget.tryTake()) {
        if (awaiting) {
          return;
        }
        waitForTurn();
        if (!budget.tryTake()) {
          return; // woken when a permit is given back
        }
      }
      String id = unsent.poll();
      sent.add(id);
      send.accept(pending.get(id));
      turn++;
    }
  }

  private void waitForTurn() {
    if (!awaiting) {
      awaiting = true;
      budget.await(wake);
    }
  }

  /** The budget woke this session: sends what waits when {@code mayGo}, else lets another session have the permit. */
  void woken(boolean mayGo, Consumer<RouterCommand> send) {
    awaiting = false;
    if (mayGo && !unsent.isEmpty()) {
      sendWaiting(send);
    } else {
      budget.passOn(null);
    }
  }

  /** After a failover: sends again, in order, what the lost instance never answered, then what waits. */
  void resend(Consumer<RouterCommand> send) {
    pending.forEach((id, command) -> {
      if (sent.contains(id)) {
        send.accept(command);
      }
    });
    sendWaiting(send);
  }

  /** Request {@code id} is answered or given up: false when it was not pending. Its permit goes back. */
  boolean remove(String id) {
    if (pending.remove(id) == null) {
      return false;
    }
    if (sent.remove(id)) {
      budget.giveBack(1);
    } else {
      unsent.remove(id);
    }
    return true;
  }

  boolean contains(String id) {
    return pending.containsKey(id);
  }

  int size() {
    return pending.size();
  }

  Set<String> ids() {
    return pending.keySet();
  }

  /** Forgets every request (the connection is closing or gone) and gives back their permits. */
  void clear() {
    int permits = sent.size();
    pending.clear();
    sent.clear();
    unsent.clear();
    budget.giveBack(permits);
    if (awaiting) {
      awaiting = false;
      budget.passOn(wake);
    }
  }
}
