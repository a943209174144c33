package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The primary's rules for the in-sync set, without actors: who is written to, whose acknowledgement a
 * write needs, and when the set grows or shrinks. The primary is P; B and C are backups.
 */
class MembershipTest {
  private static final String P = "pekko://peerlink@127.0.0.1:1";
  private static final String B = "pekko://peerlink@127.0.0.1:2";
  private static final String C = "pekko://peerlink@127.0.0.1:3";
  private static final long NOW = 1_000_000_000L;

  private final Membership membership = new Membership(P);

  @BeforeEach
  void primaryWithTwoBackupsUp() {
    membership.memberUp(P);
    membership.memberUp(B);
    membership.memberUp(C);
    membership.becamePrimary();
  }

  /** B joins the in-sync set: a copy, installed at write 5, the write path at 5, and the rm's yes. */
  private void bInSync() {
    membership.copySent(B);
    membership.learnerAt(B, 5);
    assertNotNull(membership.growIfCaughtUp(B, 5, NOW));
    membership.accepted();
  }

  @Test
  void aNewPrimaryIsAloneInSyncAndEveryOtherMemberNeedsACopy() {
    assertEquals(Set.of(P), membership.isr());
    assertEquals(List.of(B, C), membership.others().stream().sorted().toList());
    assertTrue(membership.needsCopy(B));
    assertFalse(membership.needsCopy(P), "the primary copies nothing to itself");
  }

  @Test
  void aLearnerIsWrittenToButItsAcknowledgementIsNotWaitedFor() {
    membership.copySent(B);

    assertEquals(Set.of(P, B), membership.receivers());
    assertEquals(Set.of(P), membership.required());
    assertTrue(membership.awaitsCopy(B));
    assertFalse(membership.needsCopy(B), "it is catching up already");
  }

  @Test
  void aLearnerWithEveryCompletedWriteIsProposedForTheInSyncSet() {
    membership.copySent(B);
    membership.learnerAt(B, 5);

    Membership.Proposal proposal = membership.growIfCaughtUp(B, 5, NOW);

    assertEquals(new Membership.Proposal(Set.of(P, B), B + " caught up"), proposal);
  }

  @Test
  void aLearnerBehindTheCompletedWritesIsNotProposed() {
    membership.copySent(B);
    membership.learnerAt(B, 4);

    assertNull(membership.growIfCaughtUp(B, 5, NOW));
  }

  @Test
  void aBackupAboutToJoinMustAcknowledgeEveryWriteAlready() {
    membership.copySent(B);
    membership.learnerAt(B, 5);
    membership.growIfCaughtUp(B, 5, NOW);

    assertEquals(Set.of(P, B), membership.required(), "a write completed before the rm answers must be on B too");
  }

  @Test
  void onlyOneChangeIsProposedAtATime() {
    membership.copySent(B);
    membership.learnerAt(B, 5);
    membership.copySent(C);
    membership.learnerAt(C, 5);

    assertNotNull(membership.growIfCaughtUp(B, 5, NOW));
    assertNull(membership.growIfCaughtUp(C, 5, NOW), "C waits until the rm answered B's change");
    membership.accepted();
    assertNotNull(membership.growIfCaughtUp(C, 5, NOW));
  }

  @Test
  void anAcceptedChangeCountsAndTheJoinedBackupIsNoLongerALearner() {
    bInSync();

    assertEquals(Set.of(P, B), membership.isr());
    assertFalse(membership.isLearner(B));
    assertFalse(membership.proposing());
    assertEquals(Set.of(P, B), membership.receivers());
  }

  @Test
  void aMemberOfTheInSyncSetThatLeftTheClusterIsProposedOutFirst() {
    bInSync();
    membership.copySent(C);
    membership.learnerAt(C, 5);
    membership.memberGone(B);

    Membership.Proposal proposal = membership.reconsider(5, NOW);

    assertEquals(new Membership.Proposal(Set.of(P), B + " left the cluster"), proposal);
  }

  @Test
  void reconsideringWithNobodyGoneProposesALearnerThatCaughtUp() {
    membership.copySent(C);
    membership.learnerAt(C, 5);

    assertEquals(new Membership.Proposal(Set.of(P, C), C + " caught up"), membership.reconsider(5, NOW));
  }

  @Test
  void aBackupThatCannotWriteLeavesTheLearnersAndIsProposedOutOfTheInSyncSet() {
    bInSync();

    assertTrue(membership.cannotWrite(B, "disk full"));
    assertFalse(membership.cannotWrite(B, "disk full"), "the same reason again is not news");
    assertEquals(new Membership.Proposal(Set.of(P), "B cannot write"), membership.shrink(B, "B cannot write", NOW));
  }

  @Test
  void shrinkingWithoutABackupThatIsNotInSyncProposesNothing() {
    membership.copySent(B);

    assertNull(membership.shrink(B, "B fell out of sync", NOW));
  }

  @Test
  void aBackupThatCanWriteAgainIsToldWhenItInstallsACopy() {
    membership.cannotWrite(B, "disk full");

    assertTrue(membership.copyInstalled(B, "store-b"));
    assertFalse(membership.copyInstalled(B, "store-b"));
    assertEquals("store-b", membership.storeOf(B, () -> "store-p"));
    assertEquals("store-p", membership.storeOf(P, () -> "store-p"));
    assertEquals("unknown", membership.storeOf(C, () -> "store-p"));
  }

  @Test
  void aDivergedBackupIsNotLeftOutForACopyUntilANewIncarnationComesUp() {
    assertTrue(membership.diverged(B, "another history"));
    assertEquals(List.of(C), membership.leftOut());

    membership.memberUp(B);

    assertEquals(List.of(B, C), membership.leftOut().stream().sorted().toList());
  }

  @Test
  void anUnansweredChangeIsProposedAgainAfterTheTimeout() {
    membership.copySent(B);
    membership.learnerAt(B, 5);
    membership.growIfCaughtUp(B, 5, NOW);

    assertNull(membership.askAgainIfUnanswered(NOW + 5, 5), "not later than the timeout");
    assertEquals(new Membership.Proposal(Set.of(P, B), B + " caught up"), membership.askAgainIfUnanswered(NOW + 6, 5));
  }

  @Test
  void aLostAnswerIsAskedForAgainAtTheNextCheck() {
    membership.copySent(B);
    membership.learnerAt(B, 5);
    membership.growIfCaughtUp(B, 5, NOW);
    membership.answerLost();

    assertNotNull(membership.askAgainIfUnanswered(NOW, 5));
  }

  @Test
  void steppingDownForgetsTheInSyncSetAndTheChangeOnTheWay() {
    bInSync();
    membership.copySent(C);
    membership.learnerAt(C, 5);
    membership.growIfCaughtUp(C, 5, NOW);

    membership.steppedDown();

    assertEquals(Set.of(), membership.isr());
    assertEquals(Set.of(), membership.receivers());
    assertFalse(membership.proposing());
  }

  @Test
  void theReportNamesEachBackupWrittenToWithItsLastWrite() {
    bInSync();
    membership.acked(B, 7);
    membership.copySent(C);

    assertEquals(List.of(new ReplicationReport.BackupProgress(B, "in-sync", 7), new ReplicationReport.BackupProgress(C, "catching-up", -1)),
        membership.progress());
  }
}
