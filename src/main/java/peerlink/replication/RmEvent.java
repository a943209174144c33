package peerlink.replication;

import java.util.List;

/** What the rm journals: each promotion, and each change of the in-sync set. */
public sealed interface RmEvent extends ReplicationSerializable {
  record Promoted(long epoch, String primary, long at, String reason) implements RmEvent {}

  record IsrChanged(long epoch, String primary, List<String> isr, long at, String reason) implements RmEvent {}
}
