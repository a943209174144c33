package peerlink.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * The rm's durable record: the latest epoch, its primary, the in-sync set, and the last promotions and
 * in-sync changes (bounded).
 */
public record RmState(long epoch, String primary, List<String> isr, List<RmStatus.HistoryEntry> history)
    implements ReplicationSerializable {
  static final int HISTORY = 50;

  static RmState empty() {
    return new RmState(0, null, List.of(), List.of());
  }

  RmState apply(RmEvent event) {
    if (event instanceof RmEvent.Promoted p) {
      return new RmState(p.epoch(), p.primary(), List.of(p.primary()), remember(p.at(), "promotion",
          p.primary() + " became primary at epoch " + p.epoch() + (p.reason() == null ? "" : " (" + p.reason() + ")")));
    }
    RmEvent.IsrChanged c = (RmEvent.IsrChanged) event;
    return new RmState(c.epoch(), c.primary(), c.isr(), remember(c.at(), "in-sync", "in-sync set " + c.isr() + ": " + c.reason()));
  }

  private List<RmStatus.HistoryEntry> remember(long at, String kind, String text) {
    List<RmStatus.HistoryEntry> next = new ArrayList<>(history);
    next.add(new RmStatus.HistoryEntry(at, kind, text));
    return next.size() > HISTORY ? List.copyOf(next.subList(next.size() - HISTORY, next.size())) : List.copyOf(next);
  }
}
