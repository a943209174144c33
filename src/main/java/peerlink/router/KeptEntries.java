package peerlink.router;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * The newest entries of a bounded log, oldest first: each a router message number and a value. What a
 * peer keeps of its recent messages ({@link SentIds}, {@link DeliveredRecords}).
 *
 * <p>Compact on purpose. These are most of what the registry keeps for long, and every young collection
 * of the primary copies the entries made since the collections before it: a map entry with its key, value
 * and tree node is several objects to copy, where here an entry is a slot in two arrays (docs/performance.md,
 * "Compact kept records round"). Entries come in blocks of {@link #BLOCK}; a full block never changes, and
 * adding an entry copies only the open block, so a checkpoint can keep the instance it saw while the
 * registry goes on.
 *
 * <p>Every entry has a position: how many entries were added before it to this log and to the logs it was
 * made from by {@link #plus}. Positions never change, so an index kept beside the log can name entries by
 * them ({@link PositionIndex}).
 */
final class KeptEntries {
  static final int BLOCK = 32;

  private final int capacity;
  /** Full blocks, oldest first; the first {@link #forgotten} entries of the first one are no longer kept. */
  private final Block[] full;
  /** The position of the first entry of the first full block (or of the open block, when none is full). */
  private final long base;
  private final int forgotten;
  /** The newest entries, fewer than {@link #BLOCK}, as parallel arrays of exactly their length. */
  private final long[] openNumbers;
  private final Object[] openValues;

  /** An empty log of at most {@code capacity} entries. */
  KeptEntries(int capacity) {
    this(capacity, new Block[0], 0, 0, new long[0], new Object[0]);
  }

  private KeptEntries(int capacity, Block[] full, long base, int forgotten, long[] openNumbers, Object[] openValues) {
    if (capacity < BLOCK) {
      throw new IllegalArgumentException("keeps at least a block: " + capacity);
    }
    this.capacity = capacity;
    this.full = full;
    this.base = base;
    this.forgotten = forgotten;
    this.openNumbers = openNumbers;
    this.openValues = openValues;
  }

  int size() {
    return full.length * BLOCK - forgotten + openNumbers.length;
  }

  /** The position of the oldest kept entry (equal to {@link #end} when none is kept). */
  long start() {
    return base + forgotten;
  }

  /** The position the next entry added will get. */
  long end() {
    return base + (long) full.length * BLOCK + openNumbers.length;
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
      blocks[full.length] = new Block(numbers, values);
      numbers = new long[0];
      values = new Object[0];
    }
    long first = base;
    int drop = forgotten + (size() + 1 > capacity ? 1 : 0);
    if (drop == BLOCK) {
      blocks = Arrays.copyOfRange(blocks, 1, blocks.length);
      first += BLOCK;
      drop = 0;
    }
    return new KeptEntries(capacity, blocks, first, drop, numbers, values);
  }

  /** The value of the kept entry at {@code position}; null if it is not kept. */
  Object valueAt(long position) {
    if (position < start() || position >= end()) {
      return null;
    }
    long offset = position - base;
    int block = (int) (offset / BLOCK);
    return block < full.length ? full[block].values[(int) (offset % BLOCK)] : openValues[(int) (offset - (long) full.length * BLOCK)];
  }

  /** The number of the kept entry at {@code position}, which must be kept. */
  long numberAt(long position) {
    if (position < start() || position >= end()) {
      throw new IndexOutOfBoundsException("not kept: " + position);
    }
    long offset = position - base;
    int block = (int) (offset / BLOCK);
    return block < full.length ? full[block].numbers[(int) (offset % BLOCK)] : openNumbers[(int) (offset - (long) full.length * BLOCK)];
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

  /** The log as a checkpoint left it: positions from {@code base}, the first {@code forgotten} of the first full block gone. */
  static KeptEntries restore(int capacity, long base, int forgotten, List<Block> full, long[] openNumbers, Object[] openValues) {
    for (Block block : full) {
      if (block.numbers().length != BLOCK || block.values().length != BLOCK) {
        throw new IllegalArgumentException("a full block holds " + BLOCK + " entries, not " + block.numbers().length);
      }
    }
    if (forgotten < 0 || forgotten >= BLOCK || (full.isEmpty() && forgotten > 0) || openNumbers.length >= BLOCK
        || openNumbers.length != openValues.length) {
      throw new IllegalArgumentException("not a kept log: " + full.size() + " blocks, " + forgotten + " forgotten, "
          + openNumbers.length + " open");
    }
    KeptEntries restored = new KeptEntries(capacity, full.toArray(Block[]::new), base, forgotten, openNumbers, openValues);
    if (restored.size() > capacity) {
      throw new IllegalArgumentException("keeps " + restored.size() + " entries, more than " + capacity);
    }
    return restored;
  }

  /** Each full block, oldest first, the first one even if some of its entries are forgotten. */
  void forEachFullBlock(Consumer<Block> each) {
    for (Block block : full) {
      each.accept(block);
    }
  }

  /** The position of the first full block's first entry (forgotten or not). */
  long base() {
    return base;
  }

  /** How many entries of the first full block are no longer kept. */
  int forgotten() {
    return forgotten;
  }

  /** The open block's entries, never changed: the arrays are exactly as long as the open block. */
  Block open() {
    return new Block(openNumbers, openValues);
  }

  /** Entries of the log: {@link #BLOCK} of them, never changed once made, or the open block. Not to be written to. */
  record Block(long[] numbers, Object[] values) {}
}
