package peerlink.replication;

import java.util.List;
import peerlink.storage.StorePosition;

/**
 * Everything the rm knows, for {@code bin/peerlink rm} and {@code bin/peerlink status}: the record
 * (epoch, primary, in-sync nodes and their stores, lineage, acknowledged position), the members, each
 * router node's store as it last reported it, the primary's last report and the history.
 */
public record RmStatus(
    long epoch,
    String primary,
    List<String> isr,
    List<Member> members,
    ReplicationReport lastReport,
    List<HistoryEntry> history,
    List<String> isrStores,
    String lineage,
    StorePosition acked,
    List<Store> stores,
    String primaryStore)
    implements ReplicationSerializable {

  public record Member(String address, String status, List<String> roles, boolean reachable) {}

  /**
   * A router node's store as it last reported itself; {@code lineage} null for a new, empty store;
   * {@code diskProblem} why the node's disk is below the free space it keeps, or null.
   */
  public record Store(String node, String storeId, String lineage, StorePosition position, StorePosition committed, long reportedAt,
      String diskProblem) {}

  /** A failure detected or a promotion, with its epoch-millisecond time. */
  public record HistoryEntry(long at, String kind, String text) {}
}
