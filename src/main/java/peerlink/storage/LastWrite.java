package peerlink.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last replicated write a store applied: its position and its mutations. A store keeps only the write's
 * keys (which were put, which deleted), not its values: nothing was written after it, so the values it put
 * are the store's current ones. Why keep it at all: one write is in flight at a time, so at a crash or a stop
 * the stores of the in-sync set differ by at most that write, and the node promoted next can hand a backup
 * one write behind exactly what it lacks instead of a full copy of the store.
 */
public record LastWrite(StorePosition position, List<Mutation> mutations) {
  public LastWrite {
    mutations = List.copyOf(mutations);
  }

  /**
   * The keys of {@code mutations} at {@code position}, in order, as the store keeps them. Written with every
   * replicated write, so it only copies: a key changed twice in the write is sorted out by {@link #decode}.
   */
  static byte[] encodeKeys(StorePosition position, List<Mutation> mutations) {
    int size = 2 * Long.BYTES + Integer.BYTES;
    for (Mutation m : mutations) {
      size += 1 + Integer.BYTES + m.key().length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putLong(position.epoch()).putLong(position.writeId()).putInt(mutations.size());
    for (Mutation m : mutations) {
      out.put((byte) (m.isDelete() ? 1 : 0)).putInt(m.key().length).put(m.key());
    }
    return out.array();
  }

  /** A put of each key the write put, with the value {@code values} gives now, and a delete of each key it deleted; null if a put's value is gone. */
  static LastWrite decode(byte[] keys, java.util.function.Function<byte[], byte[]> values) {
    ByteBuffer in = ByteBuffer.wrap(keys);
    StorePosition position = new StorePosition(in.getLong(), in.getLong());
    int count = in.getInt();
    Map<ByteBuffer, Boolean> deleted = new LinkedHashMap<>(); // the last change of each key wins, in its place
    for (int i = 0; i < count; i++) {
      boolean delete = in.get() == 1;
      byte[] key = new byte[in.getInt()];
      in.get(key);
      ByteBuffer wrapped = ByteBuffer.wrap(key);
      deleted.remove(wrapped);
      deleted.put(wrapped, delete);
    }
    List<Mutation> mutations = new ArrayList<>(deleted.size());
    for (Map.Entry<ByteBuffer, Boolean> entry : deleted.entrySet()) {
      byte[] key = entry.getKey().array();
      if (entry.getValue()) {
        mutations.add(Mutation.delete(key));
      } else {
        byte[] value = values.apply(key);
        if (value == null) {
          return null; // not this store's last write any more (cannot happen while nothing is written after it)
        }
        mutations.add(Mutation.put(key, value));
      }
    }
    return new LastWrite(position, mutations);
  }
}
