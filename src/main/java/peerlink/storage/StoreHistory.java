package peerlink.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Which replicated history a store holds: the {@code lineage} (an id chosen once, when a deployment's
 * first primary started on an empty store, and carried by every copy) and the position each epoch began
 * from. With them a replica can tell whether a copy holds every write it knows to be acknowledged, and
 * the rm whether a store holds the acknowledged position, without comparing contents.
 */
public record StoreHistory(String lineage, List<EpochStart> epochs) {
  /** The lineage given to a store written before lineages existed: every such store of a deployment shares it. */
  public static final String LEGACY = "legacy";
  /** Promotions remembered; older ones are forgotten (a copy from that far back is judged by its lineage alone). */
  static final int MAX_EPOCHS = 1_000;

  public static final StoreHistory NONE = new StoreHistory(null, List.of());

  public StoreHistory {
    epochs = List.copyOf(epochs);
  }

  public boolean empty() {
    return lineage == null;
  }

  /** This history with epoch {@code epoch} begun at {@code from}; {@code newLineage} names it if it had none. */
  public StoreHistory begin(long epoch, StorePosition from, String newLineage) {
    List<EpochStart> next = new ArrayList<>(epochs);
    next.add(new EpochStart(epoch, from));
    if (next.size() > MAX_EPOCHS) {
      next = next.subList(next.size() - MAX_EPOCHS, next.size());
    }
    return new StoreHistory(lineage == null ? newLineage : lineage, next);
  }

  /**
   * Whether a store with this history, standing at {@code position}, holds every write up to
   * {@code target} of the same lineage. Within one epoch writes are applied strictly in order, so the
   * store holds {@code target} when it is at or past it; across epochs it must have continued from a
   * point at or past {@code target} in {@code target}'s own epoch.
   */
  public boolean holds(StorePosition position, StorePosition target) {
    if (target.equals(StorePosition.EMPTY) || target.epoch() == 0) {
      return true;
    }
    if (target.epoch() > position.epoch()) {
      return false;
    }
    if (target.epoch() == position.epoch()) {
      return target.writeId() <= position.writeId();
    }
    for (EpochStart start : epochs) {
      if (start.epoch() > target.epoch()) {
        // The first epoch after target's: it went on from target's epoch only if it began there.
        return start.from().epoch() == target.epoch() && start.from().writeId() >= target.writeId();
      }
    }
    // No record of the epochs after target's (a legacy store, or more promotions than are remembered).
    return epochs.isEmpty() || epochs.get(0).epoch() > target.epoch();
  }

  /** Where the history begins: nothing at or before this position is data (its first epoch, write 0). */
  public StorePosition genesis() {
    return epochs.isEmpty() ? StorePosition.EMPTY : new StorePosition(epochs.get(0).epoch(), 0);
  }

  byte[] encode() {
    byte[] id = lineage.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(Integer.BYTES + id.length + Integer.BYTES + epochs.size() * 3 * Long.BYTES);
    out.putInt(id.length).put(id).putInt(epochs.size());
    for (EpochStart start : epochs) {
      out.putLong(start.epoch()).putLong(start.from().epoch()).putLong(start.from().writeId());
    }
    return out.array();
  }

  static StoreHistory decode(byte[] value) {
    ByteBuffer in = ByteBuffer.wrap(value);
    byte[] id = new byte[in.getInt()];
    in.get(id);
    int count = in.getInt();
    List<EpochStart> epochs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      epochs.add(new EpochStart(in.getLong(), new StorePosition(in.getLong(), in.getLong())));
    }
    return new StoreHistory(new String(id, StandardCharsets.UTF_8), epochs);
  }

  @Override
  public String toString() {
    return lineage == null ? "no history" : "lineage " + shortId(lineage) + " " + epochs;
  }

  /** The first 8 characters of an id, as logs and the status show it. */
  public static String shortId(String id) {
    return id == null ? "-" : id.length() <= 8 ? id : id.substring(0, 8);
  }
}
