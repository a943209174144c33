package peerlink.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The primary's full copies to backups that are behind: which backups wait for one, which copies are on
 * their way and when to take one as lost, and which backups (that could not write) are offered one again
 * later. Why it keeps time itself: nothing acknowledges a copy's chunks, so a copy whose chunks were lost
 * (a backup's new incarnation reached through a fresh association, or a listing that still named its old
 * replica) would otherwise never be sent again. A plain class owned by {@link ReplicationLeader}, which
 * sends the copies; it takes the time as an argument so its rules can be tested without waiting.
 *
 * @param <R> how a backup's replica is addressed (an actor reference in the leader, anything in tests)
 */
final class CatchUpCopies<R> {
  /**
   * A full copy not installed after this long is sent again, and the wait doubles up to {@link #MAX_WAIT}.
   * A backup that could not write is offered a copy again after this long too.
   */
  static final Duration FIRST_WAIT = Duration.ofSeconds(10);
  static final Duration MAX_WAIT = Duration.ofSeconds(160);

  /**
   * A full copy (or an offer to continue) on its way to a backup: to which replica, when, and how long to wait
   * before sending a copy (again).
   */
  private record Sent<R>(R target, long sentAtNanos, Duration patience, boolean offer) {}

  /** A copy taken as lost: to which backup, after how long. */
  record Overdue(String node, Duration patience) {}

  // Backups a copy is due for, in the order they became due; sent between two writes.
  private final Set<String> pending = new LinkedHashSet<>();
  private final Map<String, Sent<R>> sent = new HashMap<>();
  // Backups that said they cannot write, and when to offer them a copy again.
  private final Map<String, Long> offerAgainAt = new HashMap<>();
  // Backups offered to continue from the promotion's position (at most once each while this node is primary).
  private final Set<String> offeredToContinue = new HashSet<>();

  /** A copy is due for this backup; false when it already was. */
  boolean want(String node) {
    return pending.add(node);
  }

  /** The backups a copy is due for, in order (a copy, so the caller may send while it iterates). */
  List<String> pending() {
    return List.copyOf(pending);
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /**
   * Whether {@code node} is first offered to continue from where this primary began its epoch instead of a
   * full copy: only while the epoch has no write yet ({@code writesInEpoch} 0), and once per backup, so a
   * backup that cannot continue (or whose answer was lost) gets a full copy next.
   */
  boolean offerContinue(String node, long writesInEpoch) {
    return writesInEpoch == 0 && offeredToContinue.add(node);
  }

  /** A copy leaves for {@code node}: the first waits {@link #FIRST_WAIT}, each one sent again waits twice as long as the one before. */
  Duration sending(String node, R target, long nowNanos) {
    pending.remove(node);
    Sent<R> before = sent.get(node);
    Duration wait = before == null || before.offer() ? FIRST_WAIT : min(before.patience().multipliedBy(2), MAX_WAIT);
    sent.put(node, new Sent<>(target, nowNanos, wait, false));
    return wait;
  }

  /**
   * An offer to continue leaves for {@code node} (see {@link #offerContinue}): waited for like a copy, but the
   * full copy that may follow it waits {@link #FIRST_WAIT} again, as the offer was not a copy that went missing.
   */
  void offering(String node, R target, long nowNanos) {
    pending.remove(node);
    sent.put(node, new Sent<>(target, nowNanos, FIRST_WAIT, true));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Copies sent but not installed yet, and not already due again.
   *
   * @param awaitsCopy whether a backup still waits for the copy it was sent (a learner that acknowledged nothing yet)
   */
  List<String> onTheWay(Predicate<String> awaitsCopy) {
    return sent.keySet().stream().filter(node -> awaitsCopy.test(node) && !pending.contains(node)).toList();
  }

  /**
   * A copy went to a replica that is no longer the one named for its node: it is due again, for the new
   * one. Returns the backups whose copy is due again.
   */
  List<String> redirect(Map<String, R> current, Predicate<String> awaitsCopy) {
    List<String> redirected = new ArrayList<>();
    for (String node : onTheWay(awaitsCopy)) {
      R replica = current.get(node);
      if (replica != null && !replica.equals(sent.get(node).target())) {
        redirected.add(node);
        pending.add(node);
      }
    }
    return redirected;
  }

  /** A copy not installed within its patience is taken as lost and is due again. Returns those copies. */
  List<Overdue> overdue(long nowNanos, Predicate<String> awaitsCopy) {
    List<Overdue> late = new ArrayList<>();
    for (String node : onTheWay(awaitsCopy)) {
      Sent<R> copy = sent.get(node);
      if (nowNanos - copy.sentAtNanos() >= copy.patience().toNanos()) {
        late.add(new Overdue(node, copy.patience()));
        pending.add(node);
      }
    }
    return late;
  }

  /** The backup installed its copy: nothing more to wait for. */
  void installed(String node) {
    sent.remove(node);
  }

  /** The backup gets no copy now (it left, cannot write, or follows another history). */
  void forget(String node) {
    pending.remove(node);
    sent.remove(node);
  }

  /** A backup that cannot write is offered a copy again after {@link #FIRST_WAIT}, not every second. */
  void offerAgainLater(String node, long nowNanos) {
    offerAgainAt.put(node, nowNanos + FIRST_WAIT.toNanos());
  }

  /** Whether the backup waits for a later offer. */
  boolean offersLater(String node) {
    return offerAgainAt.containsKey(node);
  }

  /** Backups whose wait is over are due a copy again. */
  void offerDue(long nowNanos) {
    offerAgainAt.entrySet().removeIf(entry -> {
      if (nowNanos - entry.getValue() < 0) {
        return false;
      }
      pending.add(entry.getKey());
      return true;
    });
  }

  /** This node stepped down: no copies are due or on their way any more. */
  void clear() {
    offeredToContinue.clear();
    offerAgainAt.clear();
    pending.clear();
    sent.clear();
  }
}
