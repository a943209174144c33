package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replication manager, the authority on epochs and the in-sync set, under the
 * EventSourcedBehaviorTestKit (in-memory journal; commands, events and state checked to round-trip
 * through Jackson CBOR).
 */
@ExtendWith(LogCapturingExtension.class)
class ReplicationManagerTest {
  private static final String A = "pekko://peerlink@127.0.0.1:9008";
  private static final String B = "pekko://peerlink@127.0.0.1:9009";
  private static final String C = "pekko://peerlink@127.0.0.1:9010";

  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final TestClock clock = new TestClock();
  private static final EventSourcedBehaviorTestKit<RmCommand, RmEvent, RmState> rm =
      EventSourcedBehaviorTestKit.create(testKit.system(), ReplicationManager.create(clock));

  @BeforeEach
  void clear() {
    rm.clear(); // empty journal, fresh behavior
    clock.set(1_000);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<RmCommand, RmEvent, RmState, RmCommand.PromoteReply> promote(
      EventSourcedBehaviorTestKit<RmCommand, RmEvent, RmState> kit, String node, long storeEpoch, String copiedFrom, long copiedEpoch) {
    return kit.runCommand(replyTo -> new RmCommand.Promote(node, storeEpoch, copiedFrom, copiedEpoch, replyTo));
  }

  private static RmCommand.PromoteReply promote(String node, long storeEpoch) {
    return promote(rm, node, storeEpoch, null, 0).reply();
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<RmCommand, RmEvent, RmState, RmCommand.IsrReply> changeIsr(
      long epoch, String primary, List<String> isr) {
    return rm.runCommand(replyTo -> new RmCommand.ChangeIsr(epoch, primary, isr, "test", replyTo));
  }

  @Test
  void theFirstPromotionIsGrantedEpochOne() {
    clock.set(5_000);
    var result = promote(rm, A, 0, null, 0);

    assertEquals(new RmCommand.Granted(1), result.reply());
    assertEquals(List.of(new RmEvent.Promoted(1, A, 5_000, "first primary")), result.events());
    assertEquals(1, result.state().epoch());
    assertEquals(A, result.state().primary());
    assertEquals(List.of(A), result.state().isr());
  }

  @Test
  void aMemberOfTheInSyncSetIsGrantedTheNextEpochAndBecomesTheSetsOnlyMember() {
    promote(A, 0);
    changeIsr(1, A, List.of(A, B));

    var result = promote(rm, B, 1, null, 0);

    assertEquals(new RmCommand.Granted(2), result.reply());
    RmEvent.Promoted promoted = assertInstanceOf(RmEvent.Promoted.class, result.events().get(0));
    assertEquals("took over from " + A, promoted.reason());
    assertEquals(2, result.state().epoch());
    assertEquals(B, result.state().primary());
    assertEquals(List.of(B), result.state().isr(), "backups count again only once they caught up with B");
  }

  @Test
  void aRestartedPrimaryIsGrantedANewEpochToo() {
    promote(A, 0);

    assertEquals(new RmCommand.Granted(2), promote(A, 1));
    assertEquals("restarted", ((RmEvent.Promoted) promote(rm, A, 2, null, 0).events().get(0)).reason());
  }

  @Test
  void theNewEpochIsAboveBothTheRmsEpochAndTheNodesStoreEpoch() {
    promote(A, 0);
    changeIsr(1, A, List.of(A, B));

    assertEquals(new RmCommand.Granted(8), promote(B, 7));
  }

  @Test
  void aNodeOutsideTheInSyncSetIsDeniedWithTheSetAndAReason() {
    promote(A, 0);
    changeIsr(1, A, List.of(A, B));

    var result = promote(rm, C, 1, null, 0);

    RmCommand.Denied denied = assertInstanceOf(RmCommand.Denied.class, result.reply());
    assertEquals(1, denied.epoch());
    assertEquals(List.of(A, B), denied.isr());
    assertTrue(denied.reason().contains("not in sync"), denied.reason());
    assertTrue(denied.reason().contains("[" + A + ", " + B + "]"), denied.reason());
    assertTrue(result.hasNoEvents());
    assertEquals(A, result.state().primary());
    assertEquals(1, result.state().epoch());
  }

  @Test
  void aNodeThatCopiedFromAnInSyncMemberAtTheCurrentEpochIsGranted() {
    promote(A, 0);
    changeIsr(1, A, List.of(A, B));

    var result = promote(rm, C, 1, B, 1);

    assertEquals(new RmCommand.Granted(2), result.reply());
    assertEquals("caught up from " + B + ", took over from " + A, ((RmEvent.Promoted) result.events().get(0)).reason());
    assertEquals(List.of(C), result.state().isr());
  }

  @Test
  void aCopyFromAnOlderEpochOrFromANodeOutsideTheSetIsNotEnough() {
    promote(A, 0);
    changeIsr(1, A, List.of(A, B));
    promote(B, 1); // epoch 2, in sync: B only

    assertInstanceOf(RmCommand.Denied.class, promote(rm, C, 1, B, 1).reply(), "copied at epoch 1, the rm is at 2");
    assertInstanceOf(RmCommand.Denied.class, promote(rm, C, 2, A, 2).reply(), "A is no longer in sync");
    assertInstanceOf(RmCommand.Granted.class, promote(rm, C, 2, B, 2).reply());
  }

  @Test
  void anInSyncChangeFromTheCurrentPrimaryIsRecordedAndSurvivesARestart() {
    promote(A, 0);
    clock.set(2_000);

    var result = changeIsr(1, A, List.of(A, B));

    assertEquals(new RmCommand.IsrChanged(1, List.of(A, B)), result.reply());
    assertEquals(List.of(new RmEvent.IsrChanged(1, A, List.of(A, B), 2_000, "test")), result.events());
    RmState recovered = rm.restart().state();
    assertEquals(new RmState(1, A, List.of(A, B), result.state().history()), recovered);
    assertEquals(List.of("promotion", "in-sync"), recovered.history().stream().map(RmStatus.HistoryEntry::kind).toList());
    assertEquals(2_000, recovered.history().get(1).at());
    // After the restart the recorded set still decides promotions.
    assertEquals(new RmCommand.Granted(2), promote(B, 1));
  }

  @Test
  void anInSyncChangeFromAStaleEpochOrFromAnotherPrimaryIsRefused() {
    promote(A, 0);
    changeIsr(1, A, List.of(A, B));
    promote(B, 1); // B is primary of epoch 2

    var stale = changeIsr(1, A, List.of(A));
    var other = changeIsr(2, C, List.of(C));

    RmCommand.IsrRefused refusedStale = assertInstanceOf(RmCommand.IsrRefused.class, stale.reply());
    assertEquals(2, refusedStale.epoch());
    assertTrue(refusedStale.reason().contains(B), refusedStale.reason());
    assertInstanceOf(RmCommand.IsrRefused.class, other.reply());
    assertTrue(stale.hasNoEvents());
    assertTrue(other.hasNoEvents());
    assertEquals(new RmState(2, B, List.of(B), other.state().history()), other.state());
  }

  @Test
  void anInSyncChangeWithAHigherEpochFromAPrimaryThatStartedAloneIsAdopted() {
    var result = changeIsr(3, A, List.of(A, B));

    assertEquals(new RmCommand.IsrChanged(3, List.of(A, B)), result.reply());
    assertEquals(3, result.state().epoch());
    assertEquals(A, result.state().primary());
    assertEquals(List.of(A, B), result.state().isr());
    assertEquals(new RmCommand.Granted(4), promote(B, 3), "B is in the adopted set");
  }

  @Test
  void theHistoryKeepsOnlyTheLatestEntries() {
    promote(A, 0);
    RmState state = null;
    for (int i = 1; i <= 60; i++) {
      clock.set(10_000 + i);
      state = changeIsr(1, A, List.of(A)).state();
    }

    assertEquals(RmState.HISTORY, state.history().size());
    assertEquals(10_011, state.history().get(0).at(), "the promotion and the first ten changes are forgotten");
    assertEquals(10_060, state.history().get(RmState.HISTORY - 1).at());
    assertEquals(RmState.HISTORY, rm.restart().state().history().size());
  }

  @Test
  void reportsAndClusterNewsAreNeverJournaled() {
    promote(A, 0);
    ReplicationReport report = new ReplicationReport(1, 1, A, 3, List.of(), 0, 0);

    var reported = rm.runCommand(new RmCommand.Report(report));
    var news = rm.runCommand(new RmCommand.ClusterNews("failure", B + " is unreachable"));

    assertTrue(reported.hasNoEvents());
    assertTrue(news.hasNoEvents());
  }

  /**
   * GetStatus reads the cluster's members, so it needs a system with the cluster provider: this one is
   * never joined (no members, nothing sent), which is enough for everything else the status holds.
   */
  @Test
  void theStatusHoldsTheRecordTheLastReportAndTheHistoryWithClusterNewsInTimeOrder() {
    Config cluster = ConfigFactory.parseString(
        "pekko.actor.provider = cluster\n"
            + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
            + "pekko.remote.artery.canonical.port = 0\n");
    ActorTestKit clusterKit = ActorTestKit.create(
        "rm-status", cluster.withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()));
    try {
      TestClock time = new TestClock();
      EventSourcedBehaviorTestKit<RmCommand, RmEvent, RmState> kit =
          EventSourcedBehaviorTestKit.create(clusterKit.system(), ReplicationManager.create(time));
      time.set(2_000);
      promote(kit, A, 0, null, 0);
      time.set(3_000);
      kit.<RmCommand.IsrReply>runCommand(replyTo -> new RmCommand.ChangeIsr(1, A, List.of(A, B), B + " caught up", replyTo));
      time.set(2_500); // news is stamped when it arrives; the display sorts by time
      kit.runCommand(new RmCommand.ClusterNews("failure", C + " is unreachable (heartbeats missing)"));
      ReplicationReport report = new ReplicationReport(3_100, 1, A, 12, List.of(new ReplicationReport.BackupProgress(B, "in-sync", 12)), 7, 2_900);
      kit.runCommand(new RmCommand.Report(report));

      RmStatus status = kit.<RmStatus>runCommand(RmCommand.GetStatus::new).reply();

      assertEquals(1, status.epoch());
      assertEquals(A, status.primary());
      assertEquals(List.of(A, B), status.isr());
      assertEquals(report, status.lastReport());
      assertEquals(List.of(), status.members(), "this node never joined a cluster");
      assertEquals(List.of(2_000L, 2_500L, 3_000L), status.history().stream().map(RmStatus.HistoryEntry::at).toList());
      assertEquals(List.of("promotion", "failure", "in-sync"), status.history().stream().map(RmStatus.HistoryEntry::kind).toList());
      assertEquals(C + " is unreachable (heartbeats missing)", status.history().get(1).text());
    } finally {
      clusterKit.shutdownTestKit();
    }
  }

  /** A clock the test sets. */
  private static final class TestClock extends Clock {
    private final AtomicLong millis = new AtomicLong();

    void set(long at) {
      millis.set(at);
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
