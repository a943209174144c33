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

  /** A full copy is in place at this position. */
  record CopyApplied(String node, StorePosition position) implements ReplicaReply {}
}
