package peerlink.replication;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import peerlink.storage.SnapshotInfo;

/**
 * What a router node's {@link ReplicationLeader} tells the rm every second: what its store holds (every
 * node; what an rm that lost its record learns the deployment from) and, on the primary, how far each
 * backup is. Why apart: the reports only read the leader's state, and reading them should not take
 * reading the write path.
 */
final class LeaderReports {
  private LeaderReports() {}

  /** What this node's store holds; with the in-sync set (by node and by store) when it is the primary. */
  static RmCommand.StoreReport store(String self, StoreInfo info, WritePath writes, Membership membership, Supplier<String> ownStore,
      ActorRef<RmCommand.RmNotice> notices, Supplier<String> diskProblem) {
    List<String> leaderIsr = writes.epoch() == 0 ? List.of() : List.copyOf(membership.isr());
    return new RmCommand.StoreReport(self, info, writes.epoch(), leaderIsr, leaderIsr.stream().map(node -> membership.storeOf(node, ownStore)).toList(),
        notices, diskProblem.get());
  }

  /**
   * The primary's progress: each backup's acknowledged writes and the latest checkpoint. The checkpoint's
   * info, not the snapshot: this runs every second on the write path's actor, and a checkpoint can be tens of megabytes.
   */
  static ReplicationReport progress(long nowMillis, String self, WritePath writes, Membership membership, Optional<SnapshotInfo> checkpoint) {
    long checkpointSeqNr = 0;
    long checkpointAt = 0;
    if (checkpoint.isPresent()) {
      checkpointSeqNr = checkpoint.get().sequenceNr();
      checkpointAt = checkpoint.get().timestamp();
    }
    return new ReplicationReport(nowMillis, writes.epoch(), self, writes.writeId(), membership.progress(), checkpointSeqNr, checkpointAt);
  }
}
