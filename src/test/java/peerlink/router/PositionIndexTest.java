package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hash-to-positions table: finds what was added and not removed, whatever the collisions and growth. */
class PositionIndexTest {
  @Test
  void findsTheNewestPositionAcceptedAmongThoseOfAHash() {
    PositionIndex index = new PositionIndex();
    index.add(7, 1);
    index.add(7, 5);
    index.add(8, 6);
    index.add(7, 3);

    assertEquals(5, index.newest(7, position -> true));
    assertEquals(3, index.newest(7, position -> position != 5));
    assertEquals(-1, index.newest(7, position -> false));
    assertEquals(6, index.newest(8, position -> true));
    assertEquals(-1, index.newest(9, position -> true));
  }

  @Test
  void removingOneEntryOfACollidingRunKeepsTheOthersReachable() {
    PositionIndex index = new PositionIndex();
    // Equal hashes share a home slot, so they form one probe run that removals must close up.
    for (long position = 0; position < 10; position++) {
      index.add(42, position);
    }
    index.remove(42, 0);
    index.remove(42, 4);
    index.remove(42, 9);
    index.remove(42, 100); // not there: nothing happens

    assertEquals(7, index.size());
    List<Long> left = new ArrayList<>();
    for (long position = 0; position < 10; position++) {
      long asked = position;
      if (index.newest(42, p -> p == asked) == asked) {
        left.add(position);
      }
    }
    assertEquals(List.of(1L, 2L, 3L, 5L, 6L, 7L, 8L), left);
  }

  /** Random adds and removes against a plain map of lists; few distinct hashes, so runs collide and wrap. */
  @Test
  void agreesWithAPlainMapUnderRandomAddsAndRemoves() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    PositionIndex index = new PositionIndex();
    Map<Integer, List<Long>> expected = new HashMap<>();
    List<long[]> live = new ArrayList<>();
    for (long position = 0; position < 50_000; position++) {
      int hash = random.nextInt(64) * (random.nextBoolean() ? 1 : -1_000_003);
      index.add(hash, position);
      expected.computeIfAbsent(hash, h -> new ArrayList<>()).add(position);
      live.add(new long[] {hash, position});
      while (live.size() > 2_000 || (!live.isEmpty() && random.nextInt(3) == 0)) {
        long[] gone = live.remove(random.nextInt(live.size()));
        index.remove((int) gone[0], gone[1]);
        expected.get((int) gone[0]).remove(gone[1]);
      }
    }

    assertEquals(live.size(), index.size(), "seed " + seed);
    for (Map.Entry<Integer, List<Long>> hash : expected.entrySet()) {
      for (long position : hash.getValue()) {
        assertEquals(position, index.newest(hash.getKey(), p -> p == position), "seed " + seed);
      }
      long newest = hash.getValue().stream().mapToLong(Long::longValue).max().orElse(-1);
      assertEquals(newest, index.newest(hash.getKey(), p -> true), "seed " + seed);
    }
  }
}
