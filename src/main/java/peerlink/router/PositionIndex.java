package peerlink.router;

import java.util.function.LongPredicate;

/**
 * The positions of a {@link KeptEntries}' entries by the hash of their values: a hash table (open
 * addressing, linear probing) from an int hash to the positions with that hash, so that one value is
 * found among 10,000 kept ones in constant time. Probing each block's own little index instead took a
 * tenth of the primary's CPU at 3,800 sends/s, all of it on the registry's one thread
 * (docs/performance.md, "Sent-id lookup round").
 *
 * <p>Mutable, and made of primitive arrays only: a reference stored into an old array would dirty a card
 * that every young collection then scans, which is what made an index of maps cost more than it saved
 * (docs/performance.md, "GC round", item 4). Not thread-safe; {@link SentIds} confines it to the
 * registry's thread.
 */
final class PositionIndex {
  private static final int MIN_SLOTS = 16;

  private int[] hashes = new int[MIN_SLOTS];
  /** The position in each slot plus one; 0 marks a free slot. */
  private long[] positions = new long[MIN_SLOTS];
  private int size;

  int size() {
    return size;
  }

  void add(int hash, long position) {
    if ((size + 1) * 4L > positions.length * 3L) {
      resize(positions.length * 2);
    }
    insert(hash, position);
    size++;
  }

  /** Removes the entry of this hash and position; nothing happens if there is none. */
  void remove(int hash, long position) {
    int mask = positions.length - 1;
    for (int slot = home(hash, mask); positions[slot] != 0; slot = (slot + 1) & mask) {
      if (positions[slot] == position + 1 && hashes[slot] == hash) {
        closeGap(slot, mask);
        size--;
        return;
      }
    }
  }

  /** The highest position with this hash that {@code matches} accepts, or -1. */
  long newest(int hash, LongPredicate matches) {
    int mask = positions.length - 1;
    long newest = -1;
    for (int slot = home(hash, mask); positions[slot] != 0; slot = (slot + 1) & mask) {
      long position = positions[slot] - 1;
      if (hashes[slot] == hash && position > newest && matches.test(position)) {
        newest = position;
      }
    }
    return newest;
  }

  private void insert(int hash, long position) {
    int mask = positions.length - 1;
    int slot = home(hash, mask);
    while (positions[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    hashes[slot] = hash;
    positions[slot] = position + 1;
  }

  /**
   * Frees {@code slot} and moves later entries of its probe run back into the gap where their home slot
   * allows, so every entry stays reachable from its home without tombstones (Knuth's algorithm R).
   */
  private void closeGap(int gap, int mask) {
    for (int slot = (gap + 1) & mask; positions[slot] != 0; slot = (slot + 1) & mask) {
      int home = home(hashes[slot], mask);
      boolean staysPut = gap <= slot ? gap < home && home <= slot : gap < home || home <= slot;
      if (!staysPut) {
        hashes[gap] = hashes[slot];
        positions[gap] = positions[slot];
        gap = slot;
      }
    }
    positions[gap] = 0;
  }

  private void resize(int slots) {
    int[] oldHashes = hashes;
    long[] oldPositions = positions;
    hashes = new int[slots];
    positions = new long[slots];
    for (int i = 0; i < oldPositions.length; i++) {
      if (oldPositions[i] != 0) {
        insert(oldHashes[i], oldPositions[i] - 1);
      }
    }
  }

  /** Spreads the hash (String hashes of similar ids differ mostly in their low bits) over the table. */
  private static int home(int hash, int mask) {
    int h = hash * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
