package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.storage.StorePosition;

/**
 * The replication manager, the authority on epochs and the in-sync set, under the
 * EventSourcedBehaviorTestKit (in-memory journal; commands, events and state checked to round-trip
 * through Jackson CBOR).
 */
@ExtendWith(LogCapturingExtension.class)
class ReplicationManagerTest {
  private static final String A = Stores.A;
  private static final String B = Stores.B;
  private static final String C = Stores.C;

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
      EventSourcedBehaviorTestKit<RmCommand, RmEvent, RmState> kit, String node, StoreInfo store) {
    return kit.runCommand(replyTo -> new RmCommand.Promote(node, store, null, null, replyTo));
  }

  private static RmCommand.PromoteReply promote(String node, StoreInfo store) {
    return promote(rm, node, store).reply();
  }

  /** A's new store becomes the first primary; returns the lineage the rm gave it. */
  private static String firstPrimaryA() {
    var result = promote(rm, A, Stores.fresh("sa"));
    return ((RmCommand.Granted) result.reply()).lineage();
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<RmCommand, RmEvent, RmState, RmCommand.IsrReply> changeIsr(
      long epoch, String primary, List<String> isr, List<String> stores, String lineage, StorePosition acked) {
    return rm.runCommand(replyTo -> new RmCommand.ChangeIsr(epoch, primary, isr, stores, lineage, acked, "test", replyTo));
  }

  @Test
  void theFirstPromotionOfANewStoreStartsANewHistoryAtEpochOne() {
    clock.set(5_000);
    var result = promote(rm, A, Stores.fresh("sa"));

    RmCommand.Granted granted = assertInstanceOf(RmCommand.Granted.class, result.reply());
    assertEquals(1, granted.epoch());
    assertNotNull(granted.lineage(), "the rm names the new history");
    assertEquals(List.of(new RmEvent.Promoted(1, A, 5_000, "first primary of a new deployment", "sa", granted.lineage(), StorePosition.EMPTY)),
        result.events());
    assertEquals(List.of("sa"), result.state().isrStores());
    assertEquals(granted.lineage(), result.state().lineage());
  }

  /** Issue 19: the node whose store was lost comes back at the same address; the rm, restarted too, must not promote it. */
  @Test
  void afterARestartOfTheRmANodeWhoseStoreWasReplacedIsDeniedAndTheInSyncStoreIsGranted() {
    String lineage = firstPrimaryA();
    changeIsr(1, A, List.of(A, B), List.of("sa", "sb"), lineage, new StorePosition(1, 20));
    rm.restart();

    RmCommand.Denied denied = assertInstanceOf(RmCommand.Denied.class, promote(A, Stores.fresh("sa-after-the-wipe")));
    assertTrue(denied.reason().contains("new (empty)"), denied.reason());
    assertEquals(List.of(B), denied.copyFrom());

    var granted = promote(rm, B, Stores.at("sb", lineage, 1, 21));
    assertEquals(new RmCommand.Granted(2, null), granted.reply());
    assertEquals(List.of("sb"), granted.state().isrStores());
  }

  @Test
  void anInSyncChangeIsRecordedWithItsStoresAndTheAcknowledgedPositionAndSurvivesARestart() {
    String lineage = firstPrimaryA();
    clock.set(2_000);

    var result = changeIsr(1, A, List.of(A, B), List.of("sa", "sb"), lineage, new StorePosition(1, 7));

    assertEquals(new RmCommand.IsrChanged(1, List.of(A, B)), result.reply());
    assertEquals(List.of(new RmEvent.IsrChanged(1, A, List.of(A, B), 2_000, "test", List.of("sa", "sb"), lineage, new StorePosition(1, 7))),
        result.events());
    RmState recovered = rm.restart().state();
    assertEquals(result.state(), recovered);
    assertEquals(List.of("promotion", "in-sync"), recovered.history().stream().map(RmStatus.HistoryEntry::kind).toList());
    assertEquals(new StorePosition(1, 7), recovered.acked());
    assertInstanceOf(RmCommand.Denied.class, promote(B, Stores.at("sb", lineage, 1, 3)), "behind the acknowledged 1/7");
    assertEquals(new RmCommand.Granted(2, null), promote(B, Stores.at("sb", lineage, 1, 8)));
  }

  @Test
  void anInSyncChangeFromAStaleEpochAnotherPrimaryOrAnotherHistoryIsRefused() {
    String lineage = firstPrimaryA();
    changeIsr(1, A, List.of(A, B), List.of("sa", "sb"), lineage, new StorePosition(1, 1));
    promote(B, Stores.at("sb", lineage, 1, 2)); // B is primary of epoch 2

    var stale = changeIsr(1, A, List.of(A), List.of("sa"), lineage, new StorePosition(1, 1));
    var other = changeIsr(2, C, List.of(C), List.of("sc"), lineage, new StorePosition(2, 1));
    var otherHistory = changeIsr(2, B, List.of(B, C), List.of("sb", "sc"), "another", new StorePosition(2, 1));

    RmCommand.IsrRefused refusedStale = assertInstanceOf(RmCommand.IsrRefused.class, stale.reply());
    assertEquals(2, refusedStale.epoch());
    assertTrue(refusedStale.reason().contains(B), refusedStale.reason());
    assertInstanceOf(RmCommand.IsrRefused.class, other.reply());
    assertTrue(assertInstanceOf(RmCommand.IsrRefused.class, otherHistory.reply()).reason().contains("another history"));
    assertTrue(stale.hasNoEvents() && other.hasNoEvents() && otherHistory.hasNoEvents());
  }

  @Test
  void withoutARecordAnInSyncChangeWithAHigherEpochFromAPrimaryThatStartedAloneIsAdopted() {
    var result = changeIsr(3, A, List.of(A, B), List.of("sa", "sb"), "L", new StorePosition(3, 4));

    assertEquals(new RmCommand.IsrChanged(3, List.of(A, B)), result.reply());
    assertEquals(3, result.state().epoch());
    assertEquals(A, result.state().primary());
    assertEquals("sa", result.state().primaryStore());
    assertEquals(new RmCommand.Granted(4, null), promote(B, Stores.at("sb", "L", 3, 5)), "B's store is in the adopted set");
  }

  @Test
  void aNodeActingAsPrimaryThatTheRecordDoesNotNameIsToldToStepDown() {
    String lineage = firstPrimaryA();
    TestProbe<RmCommand.RmNotice> notices = testKit.createTestProbe(RmCommand.RmNotice.class);

    rm.runCommand(new RmCommand.StoreReport(B, Stores.at("sb", "another", 1, 0), 1, List.of(B), List.of("sb"), notices.getRef()));
    RmCommand.StepDown stepDown = notices.expectMessageClass(RmCommand.StepDown.class);
    rm.runCommand(new RmCommand.StoreReport(A, Stores.at("sa", lineage, 1, 0), 1, List.of(A), List.of("sa"), notices.getRef()));

    assertTrue(stepDown.reason().contains("another history"), stepDown.reason());
    notices.expectNoMessage(java.time.Duration.ofMillis(200)); // the recorded primary is left alone
  }

  @Test
  void anRmWithoutARecordAdoptsTheRunningPrimaryFromItsStoreReport() {
    TestProbe<RmCommand.RmNotice> notices = testKit.createTestProbe(RmCommand.RmNotice.class);

    var result = rm.runCommand(new RmCommand.StoreReport(A, Stores.at("sa", "L", 4, 9), 4, List.of(A, B), List.of("sa", "sb"), notices.getRef()));

    assertEquals(1, result.events().size());
    assertEquals(4, result.state().epoch());
    assertEquals(List.of("sa", "sb"), result.state().isrStores());
    assertEquals("L", result.state().lineage());
  }

  @Test
  void thePrimarysProgressIsJournaledSoAStoreBehindItIsNeverTrusted() {
    String lineage = firstPrimaryA();
    changeIsr(1, A, List.of(A, B), List.of("sa", "sb"), lineage, new StorePosition(1, 1));

    var reported = rm.runCommand(new RmCommand.Report(new ReplicationReport(1, 1, A, 40, List.of(), 0, 0)));

    assertEquals(List.of(new RmEvent.Progress(1, new StorePosition(1, 39))), reported.events());
    assertEquals(new StorePosition(1, 39), rm.restart().state().acked());
    assertInstanceOf(RmCommand.Denied.class, promote(B, Stores.at("sb", lineage, 1, 30)));
  }

  @Test
  void theHistoryKeepsOnlyTheLatestEntries() {
    String lineage = firstPrimaryA();
    RmState state = null;
    for (int i = 1; i <= 60; i++) {
      clock.set(10_000 + i);
      state = changeIsr(1, A, List.of(A), List.of("sa"), lineage, new StorePosition(1, 1)).state();
    }

    assertEquals(RmState.HISTORY, state.history().size());
    assertEquals(10_011, state.history().get(0).at(), "the promotion and the first ten changes are forgotten");
    assertEquals(10_060, state.history().get(RmState.HISTORY - 1).at());
    assertEquals(RmState.HISTORY, rm.restart().state().history().size());
  }

  @Test
  void reportsThatAddNoProgressAndClusterNewsAreNeverJournaled() {
    firstPrimaryA();
    ReplicationReport report = new ReplicationReport(1, 1, A, 1, List.of(), 0, 0);

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
      String lineage = ((RmCommand.Granted) promote(kit, A, Stores.fresh("sa")).reply()).lineage();
      time.set(3_000);
      kit.<RmCommand.IsrReply>runCommand(replyTo -> new RmCommand.ChangeIsr(1, A, List.of(A, B), List.of("sa", "sb"), lineage,
          new StorePosition(1, 12), B + " caught up", replyTo));
      time.set(2_500); // news is stamped when it arrives; the display sorts by time
      kit.runCommand(new RmCommand.ClusterNews("failure", C + " is unreachable (heartbeats missing)"));
      ReplicationReport report = new ReplicationReport(3_100, 1, A, 12, List.of(new ReplicationReport.BackupProgress(B, "in-sync", 12)), 7, 2_900);
      kit.runCommand(new RmCommand.Report(report));

      RmStatus status = kit.<RmStatus>runCommand(RmCommand.GetStatus::new).reply();

      assertEquals(1, status.epoch());
      assertEquals(A, status.primary());
      assertEquals(List.of(A, B), status.isr());
      assertEquals(List.of("sa", "sb"), status.isrStores());
      assertEquals(lineage, status.lineage());
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
