package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
  @Test
  void tellsNewReorderedAndDuplicateApartPerStream() {
    DeliveryLedger ledger = new DeliveryLedger(2);
    assertEquals(DeliveryLedger.Outcome.NEW, ledger.received(0, 7, 0));
    assertEquals(DeliveryLedger.Outcome.NEW, ledger.received(0, 7, 2));
    assertEquals(DeliveryLedger.Outcome.REORDERED, ledger.received(0, 7, 1));
    assertEquals(DeliveryLedger.Outcome.DUPLICATE, ledger.received(0, 7, 2));
    // Another sender, and another recipient, have their own sequence numbers.
    assertEquals(DeliveryLedger.Outcome.NEW, ledger.received(0, 8, 0));
    assertEquals(DeliveryLedger.Outcome.NEW, ledger.received(1, 7, 0));
    assertEquals(5, ledger.distinctReceived());
  }

  @Test
  void countsWhatWasAcknowledgedButNeverArrived() {
    DeliveryLedger ledger = new DeliveryLedger(1);
    ledger.acked(0, 1, 0);
    ledger.acked(0, 1, 1);
    ledger.acked(0, 1, 2);
    ledger.received(0, 1, 1);
    ledger.received(0, 1, 5); // arrived without its SENT having been seen: not a loss
    assertEquals(2, ledger.ackedButMissing());
  }
}
