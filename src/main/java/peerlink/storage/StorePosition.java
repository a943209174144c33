package peerlink.storage;

import java.nio.ByteBuffer;

/**
 * How far a node's store is in the replicated history: the primary's epoch it last accepted writes from,
 * and the number of that epoch's writes it has applied. Stored in the same batch as every write.
 */
public record StorePosition(long epoch, long writeId) implements Comparable<StorePosition> {
  public static final StorePosition EMPTY = new StorePosition(0, 0);

  byte[] encode() {
    return ByteBuffer.allocate(2 * Long.BYTES).putLong(epoch).putLong(writeId).array();
  }

  static StorePosition decode(byte[] value) {
    ByteBuffer buffer = ByteBuffer.wrap(value);
    return new StorePosition(buffer.getLong(), buffer.getLong());
  }

  /** Positions in the order of the history: by epoch, then by write. */
  @Override
  public int compareTo(StorePosition other) {
    int byEpoch = Long.compare(epoch, other.epoch);
    return byEpoch != 0 ? byEpoch : Long.compare(writeId, other.writeId);
  }

  @Override
  public String toString() {
    return "epoch " + epoch + " write " + writeId;
  }
}
