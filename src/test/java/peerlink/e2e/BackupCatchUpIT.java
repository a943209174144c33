package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, "what a user can do" 5: SIGKILL of the backup under load (writes go on once the cluster has
 * removed it from the in-sync set), restart of the backup (it catches up and only then counts as in sync),
 * then SIGKILL of the primary: the caught-up backup takes over with nothing acknowledged missing.
 */
class BackupCatchUpIT {
  @TempDir Path temp;

  @Test
  void aRestartedBackupCatchesUpCompletelyAndCanThenTakeOverWithNothingLost() throws Exception {
    // One run in the suite (-Dpeerlink.e2e.repeat raises it): PartitionNemesisIT SIGKILLs primaries and backups
    // at random too, and the suite must stay well inside CI's 30 minutes with the web client's tests added.
    Scenario.repeat("BackupCatchUpIT", temp, 1, s -> {
      Cluster3 cluster = s.cluster.start();
      long epoch = cluster.awaitPrimary(cluster.p1, 1, Cluster3.START);
      s.peersOnBothNodes(4);
      s.registerAll();
      s.startLoad(s.peers, 20);
      Await.keepRunningFor(s.between(2_000, 5_000));

      // 1. The backup dies: writes stall until the cluster removes it, then go on without it.
      long backupKill = System.nanoTime();
      cluster.p2.kill();
      long stall = s.awaitFirstSentAfter(backupKill, Cluster3.FAILOVER, "the kill of the backup");
      System.out.printf("backup kill -> first new SENT: %.2f s%n", Await.seconds(stall));
      cluster.awaitOutOfSync(cluster.p2, Cluster3.FAILOVER);
      long sentBefore = s.ledger.sentCount();
      Await.keepRunningFor(s.between(2_000, 4_000));
      assertTrue(s.ledger.sentCount() > sentBefore, "sends keep completing without the backup: " + s.ledger.summary());
      assertEquals(epoch, cluster.awaitPrimary(cluster.p1, epoch, Cluster3.FAILOVER), "losing a backup is no promotion");

      // 2. The backup comes back (same data, --backup) while the load goes on, and catches up.
      long restart = System.nanoTime();
      cluster.p2.launch();
      cluster.p2.awaitHttp(Cluster3.START);
      cluster.awaitInSync(cluster.p2, Cluster3.START);
      System.out.printf("backup restart -> in sync: %.1f s%n", Await.seconds(System.nanoTime() - restart));
      s.load().pause();
      Await.until(Scenario.DRAIN, s.ledger::settled, s.ledger::progress);
      Await.until(Duration.ofSeconds(30), () -> FreezeAndFenceIT.samePosition(cluster.p1, cluster.p2),
          () -> "the backup's store to equal the primary's: p1 " + Arrays.toString(Cluster3.storePosition(cluster.p1)) + ", p2 " + Arrays.toString(Cluster3.storePosition(cluster.p2)));
      long[] position = Cluster3.storePosition(cluster.p2);
      assertEquals(epoch, position[0], "the backup's store is at the primary's epoch");
      System.out.printf("backup caught up at epoch %d write %d%n", position[0], position[1]);
      s.load().resume();

      // 3. The primary dies: the caught-up backup must be able to take over with everything.
      Await.keepRunningFor(s.between(1_000, 4_000));
      long primaryKill = System.nanoTime();
      cluster.p1.kill();
      long firstNewSent = s.awaitFirstSentAfter(primaryKill, Cluster3.FAILOVER, "the kill of the primary");
      System.out.printf("kill -> first new SENT: %.2f s%n", Await.seconds(firstNewSent));
      assertEquals(epoch + 1, cluster.awaitPrimary(cluster.p2, epoch + 1, Cluster3.FAILOVER));
      Await.keepRunningFor(Duration.ofSeconds(3));
      s.drainAndVerify();
    });
  }
}
