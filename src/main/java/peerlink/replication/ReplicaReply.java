package peerlink.replication;

import peerlink.storage.StorePosition;

/** What a replica answers the primary. {@code node} is the replica's cluster address. */
public sealed interface ReplicaReply extends ReplicationSerializable {
  String node();

  /** The write is durable on this replica (or was already). */
  record Acked(String node, long epoch, long writeId) implements ReplicaReply {}

  /** This replica follows a newer primary: the sender is stale and must stop acknowledging writes. */
  record Refused(String node, long epoch) implements ReplicaReply {}

  /** This replica lacks earlier writes of the epoch; it needs a full copy first. */
  record OutOfSync(String node, StorePosition position) implements ReplicaReply {}

  /** A full copy of store {@code sourceStore} is in place at this position, in the store {@code storeId}. */
  record CopyApplied(String node, StorePosition position, String storeId, String sourceStore) implements ReplicaReply {}

  /**
   * This replica holds acknowledged writes of another history than the sender's, or more than the
   * sender's copy holds: it took nothing, and stays as it is until an operator decides.
   */
  record Diverged(String node, String storeId, String reason) implements ReplicaReply {}

  /**
   * This replica cannot take writes now: its disk is below the free space it keeps, or a write to its store
   * failed. It took nothing; the primary leaves it out of the in-sync set and offers it a full copy later.
   */
  record CannotWrite(String node, String reason) implements ReplicaReply {}
}
