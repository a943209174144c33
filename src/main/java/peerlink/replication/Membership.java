package peerlink.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Who the primary writes to: the router members, the in-sync set, the learners catching up, what each
 * backup acknowledged, and the backups left out (they cannot write, or follow another history). It decides
 * when the in-sync set should grow (a learner has every completed write) or shrink (a member left, fell out
 * of sync, cannot write or diverged), and proposes one change at a time: the rm records it before it counts.
 * Why a plain class: these are the rules that keep acknowledged writes on every in-sync store, and they are
 * easier to read and test apart from the messages that carry them. Owned by {@link ReplicationLeader}, which
 * sends the proposals; it takes the time as an argument.
 */
final class Membership {
  /** A change of the in-sync set to ask the rm for. */
  record Proposal(Set<String> next, String reason) {}

  private final String self;
  private final Set<String> routerMembers = new HashSet<>();
  // Each backup's store id (from its installed copy): the in-sync set is recorded by store, not by address.
  private final Map<String, String> storeIdByNode = new HashMap<>();
  // Backups whose stores refused to follow this history, with why: no copy is sent to them again.
  private final Map<String, String> diverged = new HashMap<>();
  // Backups that said they cannot write: the last reason (logged when it changes).
  private final Map<String, String> cannotWrite = new HashMap<>();
  private Set<String> isr = new TreeSet<>();
  // Backups catching up, with the last write they have (-1: their full copy is not installed yet).
  private final Map<String, Long> learners = new HashMap<>();
  private final Map<String, Long> ackedByNode = new HashMap<>();
  private Set<String> proposed;
  private String proposedReason;
  private long proposedAt;

  Membership(String self) {
    this.self = self;
  }

  // ---- the cluster

  /** A router node is Up (a new incarnation: its store may have been replaced, so it is no longer taken as diverged). */
  void memberUp(String node) {
    routerMembers.add(node);
    diverged.remove(node);
  }

  /** A router node left the cluster; it no longer catches up. */
  void memberGone(String node) {
    routerMembers.remove(node);
    learners.remove(node);
  }

  boolean isMember(String node) {
    return routerMembers.contains(node);
  }

  /** Whether another router node than this one is a member. */
  boolean othersAreMembers() {
    return routerMembers.stream().anyMatch(m -> !m.equals(self));
  }

  /** The router members other than this node. */
  List<String> others() {
    return routerMembers.stream().filter(m -> !m.equals(self)).toList();
  }

  /** A node that came Up and is neither in sync nor catching up needs a copy. */
  boolean needsCopy(String node) {
    return !node.equals(self) && !isr.contains(node) && !learners.containsKey(node);
  }

  /** Router members that are neither in the in-sync set nor catching up, and do not follow another history. */
  List<String> leftOut() {
    return routerMembers.stream()
        .filter(node -> !node.equals(self) && !isr.contains(node) && !learners.containsKey(node) && !diverged.containsKey(node))
        .toList();
  }

  // ---- primary terms

  /** This node became the primary: it alone is in sync, and every backup starts over. */
  void becamePrimary() {
    isr = new TreeSet<>(Set.of(self));
    learners.clear();
    ackedByNode.clear();
    diverged.clear();
  }

  /** This node stepped down: it has no in-sync set, no learners and no change on the way. */
  void steppedDown() {
    isr = new TreeSet<>();
    learners.clear();
    cannotWrite.clear();
    proposed = null;
  }

  // ---- who writes

  Set<String> isr() {
    return isr;
  }

  boolean inSync(String node) {
    return isr.contains(node);
  }

  /** Every replica a write is sent to: the in-sync set and the learners. */
  Set<String> receivers() {
    Set<String> all = new TreeSet<>(isr);
    learners.forEach((node, acked) -> all.add(node));
    return all;
  }

  /** The replicas whose acknowledgement a write needs: the in-sync set, plus a backup about to join it. */
  Set<String> required() {
    Set<String> needed = new TreeSet<>(isr);
    if (proposed != null) {
      needed.addAll(proposed);
    }
    return needed;
  }

  /** A replica acknowledged a write of this epoch. */
  void acked(String node, long writeId) {
    ackedByNode.merge(node, writeId, Math::max);
    learners.computeIfPresent(node, (n, before) -> Math.max(before, writeId));
  }

  // ---- learners and their copies

  boolean isLearner(String node) {
    return learners.containsKey(node);
  }

  /** A copy left for this backup: it learns, and has nothing until the copy is installed. */
  void copySent(String node) {
    learners.put(node, -1L);
  }

  /** Whether the backup still waits for the copy it was sent. */
  boolean awaitsCopy(String node) {
    return learners.getOrDefault(node, 0L) == -1L;
  }

  /** A backup installed a copy: its store is known (whatever the copy's epoch); false when it could not write before and now can. */
  boolean copyInstalled(String node, String storeId) {
    storeIdByNode.put(node, storeId);
    return cannotWrite.remove(node) != null;
  }

  /** A learner's copy of this epoch is installed at {@code writeId}: it has every write up to there. */
  void learnerAt(String node, long writeId) {
    learners.put(node, writeId);
    ackedByNode.merge(node, writeId, Math::max);
  }

  /** The backup's store id as recorded in the in-sync set; {@code own} gives this node's. */
  String storeOf(String node, Supplier<String> own) {
    return node.equals(self) ? own.get() : storeIdByNode.getOrDefault(node, "unknown");
  }

  // ---- backups that are left out

  /** A backup fell out of sync: it is no longer a learner (it gets a new copy unless it diverged). */
  void outOfSync(String node) {
    learners.remove(node);
  }

  /** A backup cannot write; true when the reason is new (worth a log line). It is no longer a learner. */
  boolean cannotWrite(String node, String reason) {
    boolean changed = !reason.equals(cannotWrite.put(node, reason));
    learners.remove(node);
    return changed;
  }

  /** A backup's store will not follow this history; true when the reason is new (worth a log line). */
  boolean diverged(String node, String reason) {
    boolean changed = !reason.equals(diverged.put(node, reason));
    learners.remove(node);
    return changed;
  }

  boolean isDiverged(String node) {
    return diverged.containsKey(node);
  }

  // ---- changing the in-sync set

  /**
   * Proposes a change, unless one is already waiting for the rm's answer (one change at a time: the next
   * one is found again when this one is answered). Returns the proposal to send, or null.
   */
  Proposal propose(Set<String> next, String reason, long nowNanos) {
    if (proposed != null) {
      return null;
    }
    proposed = next;
    proposedReason = reason;
    proposedAt = nowNanos;
    return new Proposal(next, reason);
  }

  /** A learner that has every completed write joins the in-sync set. Returns the proposal to send, or null. */
  Proposal growIfCaughtUp(String node, long completed, long nowNanos) {
    Long acked = learners.get(node);
    if (acked != null && acked >= completed && proposed == null && !isr.contains(node)) {
      Set<String> bigger = new TreeSet<>(isr);
      bigger.add(node);
      return propose(bigger, node + " caught up", nowNanos);
    }
    return null;
  }

  /** A backup that is in the in-sync set leaves it, for {@code reason}. Returns the proposal to send, or null. */
  Proposal shrink(String node, String reason, long nowNanos) {
    if (isr.contains(node)) {
      Set<String> smaller = new TreeSet<>(isr);
      smaller.remove(node);
      return propose(smaller, reason, nowNanos);
    }
    return null;
  }

  /**
   * The next change the set needs: first a member of the in-sync set that left the cluster, then a learner
   * that caught up. Returns the proposal to send, or null.
   */
  Proposal reconsider(long completed, long nowNanos) {
    for (String node : isr) {
      if (!node.equals(self) && !routerMembers.contains(node)) {
        Set<String> smaller = new TreeSet<>(isr);
        smaller.remove(node);
        return propose(smaller, node + " left the cluster", nowNanos);
      }
    }
    Proposal proposal = null;
    for (String node : learners.keySet()) {
      Proposal grow = growIfCaughtUp(node, completed, nowNanos);
      if (proposal == null) {
        proposal = grow;
      }
    }
    return proposal;
  }

  /** Whether a change waits for the rm's answer. */
  boolean proposing() {
    return proposed != null;
  }

  /** The change waiting for the rm's answer, or null. */
  Proposal proposal() {
    return proposed == null ? null : new Proposal(proposed, proposedReason);
  }

  /** The rm did not answer: the next check asks again at once. */
  void answerLost() {
    proposedAt = 0;
  }

  /** A change the rm did not answer within {@code timeoutNanos} is proposed again. Returns it, or null. */
  Proposal askAgainIfUnanswered(long nowNanos, long timeoutNanos) {
    if (proposed != null && nowNanos - proposedAt > timeoutNanos) {
      Set<String> retry = proposed;
      proposed = null;
      return propose(retry, proposedReason, nowNanos);
    }
    return null;
  }

  /** The rm recorded the proposed change: it counts now, and the backups that joined are no longer learners. */
  void accepted() {
    Set<String> grown = new TreeSet<>(proposed);
    grown.removeAll(isr);
    isr = new TreeSet<>(proposed);
    grown.forEach(learners::remove);
    proposed = null;
  }

  // ---- reporting

  /** Each backup written to, whether it is in sync, and the last write it has (-1: none yet). */
  List<ReplicationReport.BackupProgress> progress() {
    List<ReplicationReport.BackupProgress> backups = new ArrayList<>();
    for (String node : receivers()) {
      if (!node.equals(self)) {
        backups.add(new ReplicationReport.BackupProgress(
            node, isr.contains(node) ? "in-sync" : "catching-up", ackedByNode.getOrDefault(node, learners.getOrDefault(node, -1L))));
      }
    }
    return backups;
  }
}
