package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sender's kept delivered messages: bounded, oldest forgotten first, unchanged once handed to a checkpoint, full blocks as its pieces. */
class DeliveredRecordsTest {
  @Test
  void keepsTheNewestAndForgetsTheOldestFirstAcrossBlocks() {
    int added = DeliveredRecords.KEPT + KeptEntries.BLOCK + 3;
    DeliveredRecords records = DeliveredRecords.empty();
    for (int i = 1; i <= added; i++) {
      records = records.plus("m" + i, direct("bob"));
    }

    assertEquals(DeliveredRecords.KEPT, records.size());
    int oldestKept = added - DeliveredRecords.KEPT + 1;
    assertNull(records.find("alice", "m" + (oldestKept - 1)), "forgotten");
    assertEquals(List.of("bob"), records.find("alice", "m" + oldestKept).delivered());
    assertEquals(List.of("bob"), records.find("alice", "m" + added).delivered());
  }

  @Test
  void aDirectMessageComesBackWholeAndAGroupMessageAsItWasKept() {
    MessageRecord group = delivered(new MessageRecord("alice", "team", List.of("bob", "carol")), "carol", "bob");
    DeliveredRecords records = DeliveredRecords.empty().plus("m1", direct("bob")).plus("m2", group);

    MessageRecord direct = records.find("alice", "m1");
    assertEquals("alice", direct.from());
    assertEquals("bob", direct.to());
    assertEquals(List.of("bob"), direct.recipients());
    assertEquals(List.of("bob"), direct.delivered());
    assertEquals(MessageState.DELIVERED, direct.state());
    assertSame(group, records.find("alice", "m2"));
    assertEquals(List.of("carol", "bob"), records.find("alice", "m2").delivered());
  }

  @Test
  void aCheckpointKeepsFullBlocksAsPiecesAndTheOpenOneInlineAndReadsBackTheSameRecords() {
    MessageRecord group = delivered(new MessageRecord("alice", "team", List.of("bob", "carol")), "carol", "bob");
    DeliveredRecords records = DeliveredRecords.empty();
    int added = KeptEntries.BLOCK * 2 + 5;
    for (int i = 1; i <= added; i++) {
      records = records.plus("m" + (1000 + i), i % 7 == 0 ? group : direct("peer" + i));
    }
    Map<Long, Object> pieces = new HashMap<>();
    records.forEachPiece((id, content) -> pieces.put(id, content.get()));
    KeptForm form = records.form();

    assertEquals(2, pieces.size());
    assertEquals(5, form.open().numbers().length);
    // Names travel in a checkpoint as their own strings; a loaded record uses the registry's instances.
    String interned = new String("peer1");
    DeliveredRecords read = DeliveredRecords.restore(form, pieces::get, name -> name.equals("peer1") ? interned : name);

    assertEquals(added, read.size());
    for (int i = 1; i <= added; i++) {
      MessageRecord found = read.find("alice", "m" + (1000 + i));
      assertEquals(i % 7 == 0 ? List.of("carol", "bob") : List.of("peer" + i), found.delivered(), "m" + (1000 + i));
    }
    assertSame(interned, read.find("alice", "m1001").to());
  }

  @Test
  void anInstanceTakenForACheckpointDoesNotChangeWhenMoreAreAdded() {
    DeliveredRecords taken = DeliveredRecords.empty();
    for (int i = 1; i <= KeptEntries.BLOCK - 1; i++) {
      taken = taken.plus("m" + i, direct("bob"));
    }
    DeliveredRecords later = taken;
    for (int i = KeptEntries.BLOCK; i <= DeliveredRecords.KEPT + 2 * KeptEntries.BLOCK; i++) {
      later = later.plus("m" + i, direct("carol"));
    }

    assertEquals(KeptEntries.BLOCK - 1, taken.size());
    assertEquals("bob", taken.find("alice", "m1").to());
    assertNull(taken.find("alice", "m" + KeptEntries.BLOCK));
    assertNull(later.find("alice", "m1"));
  }

  @Test
  void anythingButARouterMessageIdIsNotFound() {
    DeliveredRecords records = DeliveredRecords.empty().plus("m7", direct("bob")).plus("m0", direct("carol"));

    assertEquals("bob", records.find("alice", "m7").to());
    assertEquals("carol", records.find("alice", "m0").to());
    for (String asked : List.of("m007", "m07", "m", "7", "M7", "m7x", "m-7", "", "m99999999999999999999")) {
      assertNull(records.find("alice", asked), asked);
    }
    assertThrows(IllegalArgumentException.class, () -> records.plus("client-7", direct("bob")));
  }

  private static MessageRecord direct(String to) {
    return delivered(new MessageRecord("alice", to, List.of(to)), to);
  }

  private static MessageRecord delivered(MessageRecord record, String... acknowledgers) {
    for (String acknowledger : acknowledgers) {
      record = record.deliveredTo(acknowledger);
    }
    return record;
  }
}
