package peerlink.replication;

import peerlink.storage.InSyncRecord;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.StoreHistory;
import peerlink.storage.StorePosition;

/**
 * What a router node's store says about itself, for the rm: its id, the history it holds, how far it is
 * and how far it is known acknowledged, and the in-sync set last recorded in it. The rm decides promotions
 * on this, never on a node's address alone.
 */
public record StoreInfo(
    String storeId,
    StoreHistory history,
    StorePosition position,
    StorePosition committed,
    boolean holdsAcknowledgedWrites,
    InSyncRecord inSync)
    implements ReplicationSerializable {

  public static StoreInfo of(LevelDbEventLog store) {
    return new StoreInfo(store.storeId(), store.history(), store.position(), store.committed(), store.holdsAcknowledgedWrites(), store.inSyncRecord());
  }

  public String lineage() {
    return history.lineage();
  }

  /** Whether this store holds every write up to {@code target} of its history. */
  public boolean holds(StorePosition target) {
    return history.holds(position, target);
  }

  /** One line for logs and the status: short id, lineage, position. */
  public String describe() {
    return "store " + StoreHistory.shortId(storeId) + (history.empty() ? " (new, empty)" : " of lineage " + StoreHistory.shortId(lineage()) + " at " + position);
  }
}
