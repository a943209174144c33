package peerlink.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The primary's writes within its epoch: the queue of writes waiting their turn, the one write in flight
 * (numbered, cut into parts), which replicas acknowledged it, and the recoveries waiting for the writes
 * before them. Why one write at a time: a replica applies writes in order and the next write is planned
 * against the store the previous one left, so everything that arrives meanwhile waits and forms the next
 * turn. Epoch 0 means this node is not the primary. A plain class owned by {@link ReplicationLeader}, which
 * plans, sends and times the writes.
 */
final class WritePath {
  /** The write every receiver is sent; completes when every required replica acknowledged it. */
  static final class InFlight {
    final long writeId;
    final List<byte[]> parts;
    final CompletableFuture<Void> done;
    final long createdNanos;
    final Set<String> ackedBy = new HashSet<>();
    final long firstSentAt;
    long sentAt;

    InFlight(long writeId, List<byte[]> parts, CompletableFuture<Void> done, long createdNanos, long nowNanos) {
      this.writeId = writeId;
      this.parts = parts;
      this.done = done;
      this.createdNanos = createdNanos;
      this.firstSentAt = nowNanos;
    }
  }

  private final ArrayDeque<ReplicationLeader.Write> queue = new ArrayDeque<>();
  // Recoveries on the primary wait for the writes before them, so they never read a store that a late write still changes.
  private final List<CompletableFuture<Void>> waitingForWrites = new ArrayList<>();
  private long epoch;
  private String lineage;
  private long writeId;
  private InFlight inFlight;

  /** This node is the primary of {@code epoch}, whose store is at {@code writeId} of it. */
  void begin(long epoch, long writeId, String lineage) {
    this.epoch = epoch;
    this.writeId = writeId;
    this.lineage = lineage;
  }

  boolean isPrimary() {
    return epoch > 0;
  }

  long epoch() {
    return epoch;
  }

  String lineage() {
    return lineage;
  }

  /** The number of the last write started. */
  long writeId() {
    return writeId;
  }

  /** The last write that completed: the one in flight has not. */
  long completed() {
    return inFlight == null ? writeId : writeId - 1;
  }

  /** No write in flight and none waiting. */
  boolean idle() {
    return inFlight == null && queue.isEmpty();
  }

  boolean busy() {
    return inFlight != null;
  }

  InFlight inFlight() {
    return inFlight;
  }

  /** A recovery that waits until every write before it completed. */
  void waitForWrites(CompletableFuture<Void> done) {
    waitingForWrites.add(done);
  }

  void add(ReplicationLeader.Write write) {
    queue.addLast(write);
  }

  /** A write of the leader's own (the in-sync record, the replicated marker) goes before the others. */
  void addFirst(ReplicationLeader.Write write) {
    queue.addFirst(write);
  }

  /** The next write, or null when none waits: then the recoveries waiting for the writes may go on. */
  ReplicationLeader.Write next() {
    ReplicationLeader.Write next = queue.pollFirst();
    if (next == null) {
      waitingForWrites.forEach(f -> f.complete(null));
      waitingForWrites.clear();
    }
    return next;
  }

  /** The write takes the next number and is in flight. */
  InFlight start(ReplicationLeader.Write write, List<byte[]> parts, long nowNanos) {
    inFlight = new InFlight(++writeId, parts, write.done(), write.createdNanos(), nowNanos);
    return inFlight;
  }

  /** Whether the write in flight went out at least {@code afterNanos} ago (a message to an unreachable replica can be lost). */
  boolean resendDue(long nowNanos, long afterNanos) {
    return inFlight != null && nowNanos - inFlight.sentAt >= afterNanos;
  }

  /** A replica acknowledged {@code ackedWriteId}; true when it is the in-flight write. */
  boolean isInFlight(long ackedWriteId) {
    return inFlight != null && ackedWriteId == inFlight.writeId;
  }

  /** The write in flight, taken off when every required replica has it; null otherwise. */
  InFlight finishIfAckedBy(Set<String> required) {
    if (inFlight != null && inFlight.ackedBy.containsAll(required)) {
      InFlight finished = inFlight;
      inFlight = null;
      return finished;
    }
    return null;
  }

  /** This node is no longer the primary: every write and every waiting recovery fails with {@code failure}. */
  void stop(RuntimeException failure) {
    if (inFlight != null) {
      inFlight.done.completeExceptionally(failure);
      inFlight = null;
    }
    queue.forEach(w -> w.done().completeExceptionally(failure));
    queue.clear();
    waitingForWrites.forEach(f -> f.completeExceptionally(failure));
    waitingForWrites.clear();
    epoch = 0;
  }
}
