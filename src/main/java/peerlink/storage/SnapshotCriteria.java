package peerlink.storage;

/**
 * Bounds (all inclusive) that select snapshots by sequence number and timestamp, mirroring Pekko's
 * {@code SnapshotSelectionCriteria} so that the storage layer needs no Pekko types.
 */
public record SnapshotCriteria(long maxSequenceNr, long maxTimestamp, long minSequenceNr, long minTimestamp) {

  /** Every snapshot, so the newest one wins. */
  public static SnapshotCriteria latest() {
    return new SnapshotCriteria(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0);
  }

  /** Whether a snapshot with this sequence number and timestamp lies within the bounds. */
  public boolean matches(long sequenceNr, long timestamp) {
    return sequenceNr <= maxSequenceNr && sequenceNr >= minSequenceNr
        && timestamp <= maxTimestamp && timestamp >= minTimestamp;
  }
}
