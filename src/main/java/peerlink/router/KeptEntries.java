package peerlink.router;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The newest entries of a bounded log, oldest first: each a router message number and a value. What a
 * peer keeps of its recent messages ({@link SentIds}, {@link DeliveredRecords}).
 *
 * <p>Compact on purpose. These are most of what the registry keeps for long, and every young collection
 * of the primary copies the entries made since the collections before it: a map entry with its key, value
 * and tree node is several objects to copy, where here an entry is a slot in two arrays (docs/performance.md,
 * "Compact kept records round"). Entries come in blocks of {@link #BLOCK}; a full block never changes, and
 * adding an entry copies only the open block, so a checkpoint can keep the instance it saw while the
 * registry goes on. When the values are keys (strings), each full block carries a small hash index of them.
 */
final class KeptEntries {
  static final int BLOCK = 32;
  private static final int INDEX_SIZE = BLOCK * 2;

  private final int capacity;
  private final boolean indexed;
  /** Full blocks, oldest first; the first {@link #forgotten} entries of the first one are no longer kept. */
  private final Block[] full;
  private final int forgotten;
  /** The newest entries, fewer than {@link #BLOCK}, as parallel arrays of exactly their length. */
  private final long[] openNumbers;
  private final Object[] openValues;

  /** An empty log of at most {@code capacity} entries; {@code indexed} when values are looked up ({@link #numberOf}). */
  KeptEntries(int capacity, boolean indexed) {
    this(capacity, indexed, new Block[0], 0, new long[0], new Object[0]);
  }

  private KeptEntries(int capacity, boolean indexed, Block[] full, int forgotten, long[] openNumbers, Object[] openValues) {
    if (capacity < BLOCK) {
      throw new IllegalArgumentException("keeps at least a block: " + capacity);
    }
    this.capacity = capacity;
    this.indexed = indexed;
    this.full = full;
    this.forgotten = forgotten;
    this.openNumbers = openNumbers;
    this.openValues = openValues;
  }

  int size() {
    return full.length * BLOCK - forgotten + openNumbers.length;
  }

  /** These entries and one more, the newest; the oldest goes once more than the capacity are kept. */
  KeptEntries plus(long number, Object value) {
    int open = openNumbers.length;
    long[] numbers = Arrays.copyOf(openNumbers, open + 1);
    Object[] values = Arrays.copyOf(openValues, open + 1);
    numbers[open] = number;
    values[open] = value;
    Block[] blocks = full;
    if (numbers.length == BLOCK) {
      blocks = Arrays.copyOf(full, full.length + 1);
      blocks[full.length] = new Block(numbers, values, indexed ? Block.index(values) : null);
      numbers = new long[0];
      values = new Object[0];
    }
    int drop = forgotten + (size() + 1 > capacity ? 1 : 0);
    if (drop == BLOCK) {
      blocks = Arrays.copyOfRange(blocks, 1, blocks.length);
      drop = 0;
    }
    return new KeptEntries(capacity, indexed, blocks, drop, numbers, values);
  }

  /** The value of the newest kept entry with this number, or null. */
  Object valueOf(long number) {
    for (int i = openNumbers.length - 1; i >= 0; i--) {
      if (openNumbers[i] == number) {
        return openValues[i];
      }
    }
    for (int b = full.length - 1; b >= 0; b--) {
      Block block = full[b];
      for (int i = BLOCK - 1; i >= firstKept(b); i--) {
        if (block.numbers[i] == number) {
          return block.values[i];
        }
      }
    }
    return null;
  }

  /** The number of the newest kept entry whose value equals {@code key}, or -1; only for an indexed log. */
  long numberOf(Object key) {
    if (!indexed) {
      throw new IllegalStateException("values are not indexed");
    }
    for (int i = openValues.length - 1; i >= 0; i--) {
      if (openValues[i].equals(key)) {
        return openNumbers[i];
      }
    }
    for (int b = full.length - 1; b >= 0; b--) {
      int i = full[b].find(key);
      if (i >= firstKept(b)) {
        return full[b].numbers[i];
      }
    }
    return -1;
  }

  private int firstKept(int block) {
    return block == 0 ? forgotten : 0;
  }

  /** Walks the kept entries, oldest first. */
  Cursor cursor() {
    return new Cursor();
  }

  final class Cursor {
    private int block;
    private int index = forgotten;
    private long number;
    private Object value;

    boolean hasNext() {
      return block < full.length || index < openNumbers.length;
    }

    /** Moves to the next entry, whose {@link #number} and {@link #value} it then gives. */
    void advance() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (block < full.length) {
        number = full[block].numbers[index];
        value = full[block].values[index];
        if (++index == BLOCK) {
          block++;
          index = 0;
        }
      } else {
        number = openNumbers[index];
        value = openValues[index++];
      }
    }

    long number() {
      return number;
    }

    Object value() {
      return value;
    }
  }

  /** {@link #BLOCK} entries, never changed once made; {@code index} maps a value's hash to its position + 1. */
  private record Block(long[] numbers, Object[] values, byte[] index) {
    static byte[] index(Object[] values) {
      byte[] index = new byte[INDEX_SIZE];
      for (int i = 0; i < values.length; i++) {
        int slot = slot(values[i]);
        while (index[slot] != 0) {
          slot = (slot + 1) % INDEX_SIZE;
        }
        index[slot] = (byte) (i + 1);
      }
      return index;
    }

    /** The position of the last entry whose value equals {@code key}, or -1. */
    int find(Object key) {
      int found = -1;
      for (int slot = slot(key); index[slot] != 0; slot = (slot + 1) % INDEX_SIZE) {
        int i = index[slot] - 1;
        if (i > found && values[i].equals(key)) {
          found = i;
        }
      }
      return found;
    }

    private static int slot(Object value) {
      int h = value.hashCode();
      return ((h ^ (h >>> 16)) & 0x7fffffff) % INDEX_SIZE;
    }
  }
}
