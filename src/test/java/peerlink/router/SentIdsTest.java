package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A peer's recent send ids: each found again while kept, the oldest forgotten first, full blocks as checkpoint pieces. */
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
  void aCheckpointNamesEachFullBlockAsAPieceAndReadsBackTheSameIds() {
    SentIds ids = SentIds.empty();
    int sent = SentIds.KEPT + 5; // the first block has 5 forgotten entries
    for (int i = 1; i <= sent; i++) {
      ids = ids.plus("c" + i, "m" + (1000 + i));
    }
    Map<Long, Object> pieces = new HashMap<>();
    ids.forEachPiece((id, content) -> pieces.put(id, content.get()));

    KeptForm form = ids.form();
    assertEquals((SentIds.KEPT + 5) / KeptEntries.BLOCK, pieces.size(), "every full block, the partly forgotten first one too");
    assertEquals(5, form.forgotten());
    assertEquals(Set.copyOf(pieces.keySet()), Arrays.stream(form.blocks()).boxed().collect(Collectors.toSet()));
    assertEquals((SentIds.KEPT + 5) % KeptEntries.BLOCK, form.open().numbers().length);

    SentIds read = SentIds.restore(form, pieces::get);
    assertEquals(SentIds.KEPT, read.size());
    assertNull(read.msgIdFor("c5"));
    for (int i = 6; i <= sent; i++) {
      assertEquals("m" + (1000 + i), read.msgIdFor("c" + i));
    }
    SentIds next = read.plus("c-next", "m99999");
    assertEquals("m99999", next.msgIdFor("c-next"));
    assertNull(next.msgIdFor("c6"), "the oldest is forgotten first, as before the checkpoint");
  }

  @Test
  void theSameBlockIsTheSamePieceInEveryCheckpointAndAForgottenOneNeverComesBack() {
    SentIds ids = SentIds.empty();
    for (int i = 1; i <= 3 * KeptEntries.BLOCK; i++) {
      ids = ids.plus("c" + i, "m" + i);
    }
    Map<Long, Object> first = piecesOf(ids);
    for (int i = 3 * KeptEntries.BLOCK + 1; i <= SentIds.KEPT + 2 * KeptEntries.BLOCK; i++) {
      ids = ids.plus("c" + i, "m" + i);
    }
    SentIds read = SentIds.restore(ids.form(), piecesOf(ids)::get); // across a checkpoint, as after a failover
    for (int i = SentIds.KEPT + 2 * KeptEntries.BLOCK + 1; i <= SentIds.KEPT + 2 * KeptEntries.BLOCK + 10; i++) {
      read = read.plus("c" + i, "m" + i);
    }
    Map<Long, Object> later = piecesOf(read);

    // The first two blocks are forgotten whole, the third only in part, so it is kept in both.
    long[] firstIds = first.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    assertEquals(3, firstIds.length);
    assertTrue(!later.containsKey(firstIds[0]) && !later.containsKey(firstIds[1]));
    assertTrue(later.containsKey(firstIds[2]));
    KeptBlock before = (KeptBlock) first.get(firstIds[2]);
    KeptBlock after = (KeptBlock) later.get(firstIds[2]);
    assertArrayEquals(before.numbers(), after.numbers());
    assertArrayEquals(before.names(), after.names());
  }

  private static Map<Long, Object> piecesOf(SentIds ids) {
    Map<Long, Object> pieces = new HashMap<>();
    ids.forEachPiece((id, content) -> pieces.put(id, content.get()));
    return pieces;
  }

  @Test
  void theFormBeforePiecesStillLoads() {
    Map<String, String> inOrder = new LinkedHashMap<>();
    for (int i = 1; i <= KeptEntries.BLOCK * 2 + 3; i++) {
      inOrder.put("c" + (1000 - i), "m" + i);
    }

    SentIds read = SentIds.of(inOrder);

    assertEquals(inOrder.size(), read.size());
    assertEquals("m5", read.msgIdFor("c995"));
    assertEquals("m67", read.msgIdFor("c933"));
  }

  @Test
  void onlyRouterMessageIdsAreKept() {
    assertThrows(IllegalArgumentException.class, () -> SentIds.empty().plus("c1", "not-a-router-id"));
  }
}
