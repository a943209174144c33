package peerlink.replication;

import java.util.ArrayList;
import java.util.List;
import peerlink.storage.StorePosition;

/**
 * The rm's durable record: the latest epoch, its primary, the in-sync set (node addresses and, in the same
 * order, store ids), the history's lineage, the latest position known acknowledged, and the last promotions
 * and in-sync changes (bounded). A record without a lineage was written before stores had ids: the rm then
 * trusts it as little as no record at all.
 */
public record RmState(
    long epoch,
    String primary,
    List<String> isr,
    List<RmStatus.HistoryEntry> history,
    String primaryStore,
    List<String> isrStores,
    String lineage,
    StorePosition acked)
    implements ReplicationSerializable {
  static final int HISTORY = 50;

  public RmState {
    isr = isr == null ? List.of() : List.copyOf(isr);
    isrStores = isrStores == null ? List.of() : List.copyOf(isrStores);
    history = history == null ? List.of() : List.copyOf(history);
    acked = acked == null ? StorePosition.EMPTY : acked;
  }

  static RmState empty() {
    return new RmState(0, null, List.of(), List.of(), null, List.of(), null, StorePosition.EMPTY);
  }

  /** Whether this rm knows the deployment's history well enough to judge stores by it. */
  boolean trustworthy() {
    return lineage != null;
  }

  RmState apply(RmEvent event) {
    if (event instanceof RmEvent.Promoted p) {
      return new RmState(p.epoch(), p.primary(), List.of(p.primary()), remember(p.at(), "promotion",
          p.primary() + " became primary at epoch " + p.epoch() + (p.reason() == null ? "" : " (" + p.reason() + ")")),
          p.store(), p.store() == null ? List.of() : List.of(p.store()), p.lineage(),
          p.lineage() == null ? StorePosition.EMPTY : new StorePosition(p.epoch(), 0));
    }
    if (event instanceof RmEvent.Progress progress) {
      boolean newer = progress.epoch() == epoch && progress.acked().compareTo(acked) > 0;
      return newer ? new RmState(epoch, primary, isr, history, primaryStore, isrStores, lineage, progress.acked()) : this;
    }
    RmEvent.IsrChanged c = (RmEvent.IsrChanged) event;
    StorePosition nextAcked = c.acked() != null && c.acked().compareTo(acked) > 0 ? c.acked() : acked;
    return new RmState(c.epoch(), c.primary(), c.isr(), remember(c.at(), "in-sync", "in-sync set " + c.isr() + ": " + c.reason()),
        storeOf(c.primary(), c.isr(), c.isrStores()), c.isrStores(), c.lineage() == null ? lineage : c.lineage(), nextAcked);
  }

  private static String storeOf(String node, List<String> nodes, List<String> stores) {
    int index = nodes.indexOf(node);
    return stores == null || index < 0 || index >= stores.size() ? null : stores.get(index);
  }

  private List<RmStatus.HistoryEntry> remember(long at, String kind, String text) {
    List<RmStatus.HistoryEntry> next = new ArrayList<>(history);
    next.add(new RmStatus.HistoryEntry(at, kind, text));
    return next.size() > HISTORY ? List.copyOf(next.subList(next.size() - HISTORY, next.size())) : List.copyOf(next);
  }
}
