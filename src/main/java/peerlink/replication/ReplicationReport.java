package peerlink.replication;

import java.util.List;

/**
 * The primary's view of replication at {@code at}: its epoch and write count, each backup's acknowledged
 * writes (lag = writeId - acked), and the latest checkpoint (snapshot) of the registry.
 */
public record ReplicationReport(
    long at,
    long epoch,
    String primary,
    long writeId,
    List<BackupProgress> backups,
    long checkpointSeqNr,
    long checkpointAt)
    implements ReplicationSerializable {

  /** {@code state}: "in-sync", or "catching-up" while it installs a copy and follows as a learner. */
  public record BackupProgress(String node, String state, long ackedWriteId) {}
}
