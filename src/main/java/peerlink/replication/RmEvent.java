package peerlink.replication;

import java.util.List;
import peerlink.storage.StorePosition;

/**
 * What the rm journals: each promotion, each change of the in-sync set, and the progress of acknowledged
 * writes. The store ids, lineage and positions are absent (null) in events written before stores had ids.
 */
public sealed interface RmEvent extends ReplicationSerializable {
  /** {@code store} became primary at {@code epoch} from position {@code from}; {@code lineage} is its history. */
  record Promoted(long epoch, String primary, long at, String reason, String store, String lineage, StorePosition from) implements RmEvent {}

  record IsrChanged(long epoch, String primary, List<String> isr, long at, String reason, List<String> isrStores, String lineage,
      StorePosition acked) implements RmEvent {}

  /** Writes up to {@code acked} were acknowledged (from the primary's report; a lower bound). */
  record Progress(long epoch, StorePosition acked) implements RmEvent {}
}
