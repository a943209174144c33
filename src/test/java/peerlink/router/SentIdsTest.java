package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A peer's recent send ids: each found again while kept, the oldest forgotten first, in order in a checkpoint. */
class SentIdsTest {
  @Test
  void everyKeptIdIsFoundAndTheOldestAreForgottenFirst() {
    int sent = SentIds.KEPT + KeptEntries.BLOCK + 7;
    SentIds ids = SentIds.empty();
    for (int i = 1; i <= sent; i++) {
      ids = ids.plus("client-" + i, "m" + (100 + i));
    }

    assertEquals(SentIds.KEPT, ids.size());
    int oldestKept = sent - SentIds.KEPT + 1;
    for (int i = 1; i < oldestKept; i++) {
      assertNull(ids.msgIdFor("client-" + i), "forgotten: client-" + i);
    }
    for (int i = oldestKept; i <= sent; i++) {
      assertEquals("m" + (100 + i), ids.msgIdFor("client-" + i));
    }
    assertNull(ids.msgIdFor("client-0"));
    assertNull(ids.msgIdFor("never sent"));
  }

  @Test
  void anIdUsedAgainAfterItWasForgottenGetsItsNewMessage() {
    SentIds ids = SentIds.empty().plus("same", "m1");
    for (int i = 2; i <= SentIds.KEPT + 1; i++) {
      ids = ids.plus("other-" + i, "m" + i);
    }
    assertNull(ids.msgIdFor("same"));

    ids = ids.plus("same", "m99999");

    assertEquals("m99999", ids.msgIdFor("same"));
  }

  @Test
  void idsWhoseHashesCollideAreStillTold() {
    // "Aa" and "BB" have the same String.hashCode, and so land in the same slot of the index.
    SentIds ids = SentIds.empty();
    List<String> colliding = List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa");
    for (int i = 0; i < KeptEntries.BLOCK * 3; i++) {
      ids = ids.plus(i < colliding.size() ? colliding.get(i) : "filler-" + i, "m" + (i + 1));
    }

    for (int i = 0; i < colliding.size(); i++) {
      assertEquals("m" + (i + 1), ids.msgIdFor(colliding.get(i)), colliding.get(i));
    }
  }

  @Test
  void anInstanceTakenForACheckpointStillAnswersForItsOwnIdsAfterTheNewestMovedOn() {
    SentIds taken = SentIds.empty();
    for (int i = 1; i <= 100; i++) {
      taken = taken.plus("early-" + i, "m" + i);
    }
    SentIds newest = taken;
    for (int i = 101; i <= SentIds.KEPT + 100; i++) {
      newest = newest.plus("late-" + i, "m" + i);
    }

    assertEquals("m1", taken.msgIdFor("early-1"));
    assertEquals("m100", taken.msgIdFor("early-100"));
    assertNull(taken.msgIdFor("late-101"));
    assertNull(newest.msgIdFor("early-100"));
    assertEquals("m101", newest.msgIdFor("late-101"));
  }

  @Test
  void addingToAnOlderInstanceStartsALineOfItsOwnWithoutDisturbingTheNewest() {
    SentIds base = SentIds.empty().plus("a", "m1").plus("b", "m2");
    SentIds newest = base.plus("c", "m3");

    SentIds branch = base.plus("d", "m4");

    assertEquals("m4", branch.msgIdFor("d"));
    assertNull(branch.msgIdFor("c"));
    assertEquals("m3", newest.msgIdFor("c"));
    assertNull(newest.msgIdFor("d"));
    assertEquals("m5", newest.plus("e", "m5").msgIdFor("e"));
    assertEquals("m1", branch.plus("f", "m6").msgIdFor("a"));
  }

  @Test
  void theCheckpointFormListsThemOldestFirstAndReadsBackTheSame() {
    Map<String, String> inOrder = new LinkedHashMap<>();
    SentIds ids = SentIds.empty();
    for (int i = 1; i <= KeptEntries.BLOCK * 2 + 3; i++) {
      ids = ids.plus("c" + (1000 - i), "m" + i);
      inOrder.put("c" + (1000 - i), "m" + i);
    }

    assertEquals(new ArrayList<>(inOrder.entrySet()), new ArrayList<>(ids.inOrder().entrySet()));
    SentIds read = SentIds.of(ids.inOrder());
    assertEquals(new ArrayList<>(inOrder.entrySet()), new ArrayList<>(read.inOrder().entrySet()));
    assertEquals("m5", read.msgIdFor("c995"));
  }

  @Test
  void onlyRouterMessageIdsAreKept() {
    assertThrows(IllegalArgumentException.class, () -> SentIds.empty().plus("c1", "not-a-router-id"));
  }
}
