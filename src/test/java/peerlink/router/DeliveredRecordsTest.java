package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sender's kept delivered messages: bounded, oldest forgotten first, unchanged once handed to a checkpoint. */
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
    assertEquals("m" + oldestKept, records.ids().iterator().next());
    assertEquals(DeliveredRecords.KEPT, new ArrayList<>(records.ids()).size());
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
  void idsAndRecordsComeOldestFirstForTheCheckpoint() {
    DeliveredRecords records = DeliveredRecords.empty();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= KeptEntries.BLOCK * 2 + 5; i++) {
      records = records.plus("m" + (1000 + i), direct("peer" + i));
      ids.add("m" + (1000 + i));
    }

    assertEquals(ids, new ArrayList<>(records.ids()));
    List<String> recipients = new ArrayList<>();
    for (Iterator<Map.Entry<String, MessageRecord>> it = records.records("alice"); it.hasNext(); ) {
      Map.Entry<String, MessageRecord> entry = it.next();
      assertEquals(ids.get(recipients.size()), entry.getKey());
      recipients.add(entry.getValue().to());
    }
    assertEquals("peer1", recipients.get(0));
    assertEquals("peer" + ids.size(), recipients.get(ids.size() - 1));
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
