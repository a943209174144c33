package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, "what a user can do" 4 (DESIGN.md §4 invariant 4, single writer): the primary is frozen with
 * SIGSTOP past the failure detector, the backup takes over at the next epoch and keeps accepting sends, then
 * the old primary is resumed with SIGCONT. It must acknowledge nothing that is lost, leave the cluster and
 * exit by itself, and after a restart (same data, no --backup) rejoin as an in-sync backup of the new epoch.
 */
class FreezeAndFenceIT {
  @TempDir Path temp;

  @Test
  void aFrozenPrimaryIsFencedLeavesByItselfAndRejoinsAsABackupAfterARestart() throws Exception {
    Scenario.repeat("FreezeAndFenceIT", temp, s -> {
      Cluster3 cluster = s.cluster.start();
      long epochBefore = cluster.awaitPrimary(cluster.p1, 1, Cluster3.START);
      s.peersOnBothNodes(6);
      s.registerAll();
      s.startLoad(s.peers, 20);
      Await.keepRunningFor(s.between(2_000, 6_000));

      long freeze = System.nanoTime();
      cluster.p1.freeze();
      long epochAfter = cluster.awaitPrimary(cluster.p2, epochBefore + 1, Cluster3.FAILOVER);
      long promoted = System.nanoTime();
      assertEquals(epochBefore + 1, epochAfter, "one promotion, one new epoch");
      FailoverUnderLoadIT.assertPromotionRecorded(cluster, cluster.p2, epochAfter);
      System.out.printf("SIGSTOP -> backup is primary at epoch %d: %.2f s%n", epochAfter, Await.seconds(promoted - freeze));
      // The backup accepts sends while the old primary is frozen.
      long viaBackup = s.awaitFirstSentAfter(promoted, Cluster3.FAILOVER, "the promotion of the backup");
      System.out.printf("promotion -> first new SENT through the backup: %.2f s%n", Await.seconds(viaBackup));
      Await.keepRunningFor(s.between(2_000, 5_000));

      long thaw = System.nanoTime();
      cluster.p1.thaw();
      Integer exit = cluster.p1.awaitExit(Duration.ofSeconds(60));
      assertNotNull(exit, "the old primary should learn it was downed and exit by itself after SIGCONT\n" + cluster.p1.tail(40));
      assertEquals(1, exit, "exit code 1 says the cluster stopped it (0 would be a normal stop)\n" + cluster.p1.tail(40));
      System.out.printf("SIGCONT -> old primary exited (code %d) after %.2f s; it %s%n", exit, Await.seconds(System.nanoTime() - thaw),
          cluster.p1.logContains("Stepping down") ? "stepped down after a refused write" : "made no write after SIGCONT");
      JsonNode view = cluster.rmView();
      assertEquals(cluster.p2.address(), view.path("primary").asText(), "the backup stays primary: " + view);
      assertEquals(epochAfter, view.path("epoch").asLong(), "no further promotion: " + view);

      // The old primary's clients move to the new primary; nothing acknowledged anywhere is missing. Every SENT
      // the old primary's clients were given after the freeze is among the checked sends; count them to show
      // whether the stale primary answered anything at all.
      Await.keepRunningFor(Duration.ofSeconds(3));
      s.drainAndVerify();
      long staleAnswers = s.ledger.sends().stream()
          .filter(x -> x.sent() && x.completedAt > freeze && cluster.p1.server().equals(x.ackedVia)).count();
      System.out.println("SENT answers received through the frozen/old primary after the freeze: " + staleAnswers + " (all delivered)");

      // Restart the old primary as an operator would (same data, without --backup): it rejoins as a backup.
      cluster.p1.backup(false);
      long restart = System.nanoTime();
      cluster.p1.launch();
      cluster.p1.awaitHttp(Cluster3.START);
      Cluster3.expectRejoin(cluster.p1);
      cluster.awaitInSync(cluster.p1, Cluster3.START);
      Await.until(Cluster3.START, () -> {
        long[] position = Cluster3.storePosition(cluster.p1);
        return position != null && position[0] == epochAfter;
      }, () -> "p1's store to reach epoch " + epochAfter + ": " + Arrays.toString(Cluster3.storePosition(cluster.p1)));
      System.out.printf("restart of the old primary -> in sync at epoch %d: %.1f s%n", epochAfter, Await.seconds(System.nanoTime() - restart));
      view = cluster.rmView();
      assertEquals(cluster.p2.address(), view.path("primary").asText(), "the rejoined node is a backup: " + view);
      assertEquals(epochAfter, view.path("epoch").asLong(), "rejoining is no promotion: " + view);

      // Quiet now: the rejoined backup holds exactly what the primary holds.
      Await.until(Duration.ofSeconds(30), () -> samePosition(cluster.p2, cluster.p1),
          () -> "equal store positions: p2 " + Arrays.toString(Cluster3.storePosition(cluster.p2)) + ", p1 " + Arrays.toString(Cluster3.storePosition(cluster.p1)));
    });
  }

  /** The primary's, then the backup's, then the primary's position again, all equal (nothing moved in between). */
  static boolean samePosition(NodeProcess primary, NodeProcess backup) {
    long[] a = Cluster3.storePosition(primary);
    long[] b = Cluster3.storePosition(backup);
    long[] c = Cluster3.storePosition(primary);
    return a != null && b != null && c != null && Arrays.equals(a, b) && Arrays.equals(b, c);
  }
}
