package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * When the primary sends a backup a full copy, and when it sends it again, without actors or waiting: the
 * time is an argument, and a replica is named by a string.
 */
class CatchUpCopiesTest {
  private static final String B = "b";
  private static final long SECOND = 1_000_000_000L;
  /** B has not installed the copy it was sent. */
  private static final Predicate<String> WAITING = node -> true;

  private final CatchUpCopies<String> copies = new CatchUpCopies<>();

  @Test
  void aCopyDueIsPendingUntilItIsSent() {
    assertTrue(copies.want(B));
    assertFalse(copies.want(B), "due once");
    assertEquals(List.of(B), copies.pending());

    copies.sending(B, "replica-b", 0);

    assertFalse(copies.hasPending());
    assertEquals(List.of(B), copies.onTheWay(WAITING));
  }

  @Test
  void aCopyNotInstalledWithinTenSecondsIsSentAgain() {
    copies.sending(B, "replica-b", 0);

    assertEquals(List.of(), copies.overdue(10 * SECOND - 1, WAITING));
    assertEquals(List.of(new CatchUpCopies.Overdue(B, Duration.ofSeconds(10))), copies.overdue(10 * SECOND, WAITING));
    assertEquals(List.of(B), copies.pending());
  }

  @Test
  void eachCopySentAgainWaitsTwiceAsLongUpToAMaximum() {
    long now = 0;
    List<Long> waits = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      waits.add(copies.sending(B, "replica-b", now).toSeconds());
    }

    assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 160L, 160L), waits);
  }

  @Test
  void aBackupIsOfferedToContinueOnceAndOnlyBeforeTheEpochsFirstWrite() {
    assertFalse(copies.offerContinue(B, 3), "after writes of the epoch, only a full copy will do");
    assertTrue(copies.offerContinue(B, 0));
    assertFalse(copies.offerContinue(B, 0), "an offer it did not take (or whose answer was lost) is followed by a full copy");
    assertTrue(copies.offerContinue("c", 0), "each backup gets its own offer");

    copies.clear(); // stepped down; a later epoch offers again
    assertTrue(copies.offerContinue(B, 0));
  }

  @Test
  void anOfferNotAnsweredIsFollowedByACopyThatWaitsOnlyTheFirstWait() {
    copies.offering(B, "replica-b", 0);
    assertEquals(List.of(new CatchUpCopies.Overdue(B, Duration.ofSeconds(10))), copies.overdue(10 * SECOND, WAITING));

    assertEquals(Duration.ofSeconds(10), copies.sending(B, "replica-b", 10 * SECOND), "the offer was not a copy that went missing");
    assertEquals(Duration.ofSeconds(20), copies.sending(B, "replica-b", 20 * SECOND));
  }

  @Test
  void anInstalledCopyIsNotSentAgain() {
    copies.sending(B, "replica-b", 0);
    copies.installed(B);

    assertEquals(List.of(), copies.overdue(1000 * SECOND, WAITING));
  }

  @Test
  void aCopyWhoseLearnerAlreadyAcknowledgesWritesIsNotOnTheWay() {
    copies.sending(B, "replica-b", 0);

    assertEquals(List.of(), copies.overdue(1000 * SECOND, node -> false));
  }

  @Test
  void aCopySentToAReplicaTheListingNoLongerNamesGoesToTheNewOne() {
    copies.sending(B, "replica-b", 0);

    assertEquals(List.of(), copies.redirect(Map.of(B, "replica-b"), WAITING), "the same replica: nothing to do");
    assertEquals(List.of(), copies.redirect(Map.of(), WAITING), "no replica listed: it is sent when one registers");
    assertEquals(List.of(B), copies.redirect(Map.of(B, "replica-b-again"), WAITING));
    assertEquals(List.of(B), copies.pending());
  }

  @Test
  void aBackupThatCannotWriteIsOfferedACopyAgainAfterTenSeconds() {
    copies.want(B);
    copies.forget(B);
    copies.offerAgainLater(B, 0);

    assertTrue(copies.offersLater(B));
    copies.offerDue(10 * SECOND - 1);
    assertFalse(copies.hasPending());
    copies.offerDue(10 * SECOND);
    assertEquals(List.of(B), copies.pending());
    assertFalse(copies.offersLater(B));
  }

  @Test
  void steppingDownForgetsEveryCopy() {
    copies.want("c");
    copies.sending(B, "replica-b", 0);
    copies.offerAgainLater("d", 0);

    copies.clear();

    assertFalse(copies.hasPending());
    assertEquals(List.of(), copies.onTheWay(WAITING));
    assertFalse(copies.offersLater("d"));
  }
}
