package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The primary's writes in one epoch, without actors: numbered in turn, one in flight, done when the required replicas have it. */
class WritePathTest {
  private final WritePath writes = new WritePath();

  private static ReplicationLeader.Write write() {
    return new ReplicationLeader.Write(store -> List.of(), new CompletableFuture<>(), 0);
  }

  @Test
  void aNodeIsNotThePrimaryUntilItsEpochBegins() {
    assertFalse(writes.isPrimary());
    writes.begin(3, 500, "lineage");
    assertTrue(writes.isPrimary());
    assertEquals(500, writes.completed());
  }

  @Test
  void writesAreNumberedOnFromTheStoresPositionAndTheOneInFlightIsNotCompleted() {
    writes.begin(3, 500, "lineage");
    ReplicationLeader.Write first = write();
    writes.add(first);

    WritePath.InFlight inFlight = writes.start(writes.next(), List.of(), 0);

    assertEquals(501, inFlight.writeId);
    assertEquals(500, writes.completed());
    assertTrue(writes.isInFlight(501));
    assertFalse(writes.isInFlight(500));
  }

  @Test
  void theLeadersOwnWritesGoFirst() {
    ReplicationLeader.Write registry = write();
    ReplicationLeader.Write record = write();
    writes.add(registry);
    writes.addFirst(record);

    assertSame(record, writes.next());
    assertSame(registry, writes.next());
  }

  @Test
  void aWriteIsDoneOnlyWhenEveryRequiredReplicaAcknowledgedIt() {
    writes.begin(3, 0, "lineage");
    writes.add(write());
    WritePath.InFlight inFlight = writes.start(writes.next(), List.of(), 0);

    inFlight.ackedBy.add("p");
    assertNull(writes.finishIfAckedBy(Set.of("p", "b")));
    inFlight.ackedBy.add("b");
    assertSame(inFlight, writes.finishIfAckedBy(Set.of("p", "b")));
    assertFalse(writes.busy());
    assertEquals(1, writes.completed());
  }

  @Test
  void aWriteUnansweredForTheResendTimeIsSentAgain() {
    writes.begin(3, 0, "lineage");
    writes.add(write());
    WritePath.InFlight inFlight = writes.start(writes.next(), List.of(), 0);
    inFlight.sentAt = 100;

    assertFalse(writes.resendDue(100 + 1999, 2000));
    assertTrue(writes.resendDue(100 + 2000, 2000));
  }

  @Test
  void recoveriesWaitingForTheWritesGoOnWhenTheQueueIsEmpty() {
    writes.begin(3, 0, "lineage");
    CompletableFuture<Void> recovery = new CompletableFuture<>();
    writes.add(write());
    writes.waitForWrites(recovery);

    writes.start(writes.next(), List.of(), 0);
    assertFalse(recovery.isDone());
    assertNull(writes.next());
    assertTrue(recovery.isDone());
  }

  @Test
  void steppingDownFailsTheWriteInFlightTheQueueAndTheWaitingRecoveries() {
    writes.begin(3, 0, "lineage");
    ReplicationLeader.Write inFlight = write();
    ReplicationLeader.Write queued = write();
    CompletableFuture<Void> recovery = new CompletableFuture<>();
    writes.add(inFlight);
    writes.add(queued);
    writes.waitForWrites(recovery);
    writes.start(writes.next(), List.of(), 0);

    writes.stop(new IllegalStateException("no longer the primary"));

    assertTrue(inFlight.done().isCompletedExceptionally());
    assertTrue(queued.done().isCompletedExceptionally());
    assertTrue(recovery.isCompletedExceptionally());
    assertFalse(writes.isPrimary());
    assertTrue(writes.idle());
  }
}
