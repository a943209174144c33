package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RecentBodiesTest {

  @Test
  void keepsTheNewestBodiesWithinItsBudgetAndEvictsTheOldestFirst() {
    RecentBodies recent = new RecentBodies(10);
    recent.remember(1, "aaaa");
    recent.remember(2, "bbbb");
    assertEquals(8, recent.chars());
    recent.remember(3, "cccc"); // 12 > 10: the oldest goes

    assertNull(recent.get(1));
    assertEquals("bbbb", recent.get(2));
    assertEquals("cccc", recent.get(3));
    assertEquals(8, recent.chars());
  }

  @Test
  void aDroppedBodyLeavesAndFreesItsShare() {
    RecentBodies recent = new RecentBodies(10);
    recent.remember(1, "aaaa");
    recent.forget(1);
    recent.forget(7); // never there: nothing changes

    assertNull(recent.get(1));
    assertEquals(0, recent.chars());
  }

  @Test
  void aBodyLargerThanTheBudgetIsNotKeptAndEvictsNothing() {
    RecentBodies recent = new RecentBodies(10);
    recent.remember(1, "aaaa");
    recent.remember(2, "x".repeat(11));

    assertNull(recent.get(2));
    assertEquals("aaaa", recent.get(1));
  }
}
