package peerlink.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The ids of the pieces one snapshot refers to, sorted and without repeats, and how they are stored:
 * 8 bytes each, big-endian. Sorted, two snapshots' references are compared in one pass, which deleting a
 * snapshot does for every snapshot left (tens of thousands of ids each) on the writer's thread.
 */
public final class PieceRefs {
  public static final PieceRefs NONE = new PieceRefs(new long[0]);

  private final long[] ids;

  private PieceRefs(long[] sortedDistinct) {
    this.ids = sortedDistinct;
  }

  /** The ids given, in any order; repeats count once. */
  public static PieceRefs of(long... ids) {
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0) {
        throw new IllegalArgumentException("piece ids are not negative: " + sorted[i]);
      }
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[distinct++] = sorted[i];
      }
    }
    return new PieceRefs(Arrays.copyOf(sorted, distinct));
  }

  static PieceRefs decode(byte[] stored) {
    long[] ids = new long[stored.length / Long.BYTES];
    ByteBuffer.wrap(stored).asLongBuffer().get(ids);
    return new PieceRefs(ids);
  }

  byte[] encode() {
    ByteBuffer buffer = ByteBuffer.allocate(ids.length * Long.BYTES);
    buffer.asLongBuffer().put(ids);
    return buffer.array();
  }

  public boolean contains(long id) {
    return Arrays.binarySearch(ids, id) >= 0;
  }

  public int size() {
    return ids.length;
  }

  public boolean isEmpty() {
    return ids.length == 0;
  }

  /** The ids, in order; a copy. */
  public long[] ids() {
    return ids.clone();
  }

  /** The ids in this and in {@code other}. */
  PieceRefs union(PieceRefs other) {
    long[] merged = new long[ids.length + other.ids.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < ids.length || j < other.ids.length) {
      long next = j == other.ids.length || (i < ids.length && ids[i] <= other.ids[j]) ? ids[i] : other.ids[j];
      merged[n++] = next;
      while (i < ids.length && ids[i] == next) {
        i++;
      }
      while (j < other.ids.length && other.ids[j] == next) {
        j++;
      }
    }
    return new PieceRefs(Arrays.copyOf(merged, n));
  }

  /** The ids in this and not in {@code other}. */
  PieceRefs minus(PieceRefs other) {
    long[] left = new long[ids.length];
    int n = 0;
    int j = 0;
    for (long id : ids) {
      while (j < other.ids.length && other.ids[j] < id) {
        j++;
      }
      if (j == other.ids.length || other.ids[j] != id) {
        left[n++] = id;
      }
    }
    return new PieceRefs(Arrays.copyOf(left, n));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PieceRefs refs && Arrays.equals(ids, refs.ids);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ids);
  }

  @Override
  public String toString() {
    return "PieceRefs" + Arrays.toString(ids);
  }
}
